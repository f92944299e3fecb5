import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { EventEmitter } from 'node:events';
import type { ServiceAccountKeyJson } from '../../src/emulator/index.js';

/** Every event a stream emits, with its arguments, in order. */
export function recordEvents(emitter: EventEmitter): { name: string; args: unknown[] }[] {
  const seen: { name: string; args: unknown[] }[] = [];
  const emit = emitter.emit.bind(emitter);
  emitter.emit = ((name: string | symbol, ...args: unknown[]) => {
    seen.push({ name: String(name), args });
    return emit(name, ...args);
  }) as typeof emitter.emit;
  return seen;
}

export async function expectFailure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

/** Writes the key as `yc iam key create --output` would and returns the path. */
export function writeKeyFile(key: ServiceAccountKeyJson): string {
  const path = join(mkdtempSync(join(tmpdir(), 'speechkit-key-')), 'key.json');
  writeFileSync(path, JSON.stringify(key, null, 2), { mode: 0o600 });
  return path;
}

/** The private key's base64 lines: what a leak of the key would show. */
export function keyLines(key: ServiceAccountKeyJson): string[] {
  return key.private_key.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));
}

/** Everything an error can show: message, stack, own fields, the cause chain, and how Node prints it. */
export function everythingAbout(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) parts.push(current.message, current.stack ?? '', JSON.stringify(current), String(current));
    else parts.push(String(current));
    current = (current as { cause?: unknown }).cause;
  }
  parts.push(inspect(error, { depth: 10 }));
  return parts.join('\n');
}

/**
 * Asserts that `text` holds no secret: neither whole nor a 16-character piece from its middle
 * (so a truncated or partly scrubbed copy is caught too).
 */
export function expectNoSecrets(text: string, secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    const middle = secret.length >= 24 ? secret.slice(Math.floor(secret.length / 2) - 8, Math.floor(secret.length / 2) + 8) : secret;
    if (text.includes(secret) || text.includes(middle)) {
      throw new Error(`${where} contains a secret (${secret.length} characters, starting ${JSON.stringify(secret.slice(0, 4))})`);
    }
  }
}
