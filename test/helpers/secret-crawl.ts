import { inspect } from 'node:util';

/** The shortest piece of a secret that counts as a leak. */
export const FRAGMENT_CHARS = 8;

/** Every `FRAGMENT_CHARS`-character piece of every secret (shorter secrets whole). */
export class SecretFragments {
  readonly #grams = new Map<string, number>();
  readonly #secrets: string[] = [];

  add(...secrets: readonly string[]): this {
    for (const secret of secrets) {
      if (!secret || this.#secrets.includes(secret)) continue;
      const index = this.#secrets.push(secret) - 1;
      if (secret.length < FRAGMENT_CHARS) this.#grams.set(secret, index);
      for (let i = 0; i + FRAGMENT_CHARS <= secret.length; i++) this.#grams.set(secret.slice(i, i + FRAGMENT_CHARS), index);
    }
    return this;
  }

  get size(): number {
    return this.#secrets.length;
  }

  /** A description of the first fragment found in `text` (never the fragment itself), or undefined. */
  find(text: string): string | undefined {
    for (let i = 0; i + FRAGMENT_CHARS <= text.length; i++) {
      const secret = this.#grams.get(text.slice(i, i + FRAGMENT_CHARS));
      if (secret !== undefined) {
        const s = this.#secrets[secret]!;
        return `a fragment at offset ${i} of secret #${secret} (${s.length} chars, starts ${JSON.stringify(s.slice(0, 3))}), context ${JSON.stringify(text.slice(Math.max(0, i - 24), i).replace(/[^\x20-\x7e]/g, '.'))}`;
      }
    }
    return undefined;
  }
}

/** Fails naming `where` and the secret (by number and length, not by value). */
export function expectNoFragment(text: string, fragments: SecretFragments, where: string): void {
  const found = fragments.find(text);
  if (found) throw new Error(`${where} holds ${found}`);
}

/**
 * Every string reachable from `root` through own properties (enumerable or not, string or symbol
 * keys, property names included), Map keys and values, Set members, array items, prototypes and
 * the bytes of Buffers and typed arrays. Accessors are not called (they compute, they hold
 * nothing); cycles are visited once. `visit` gets each string with the path to it.
 */
export function crawl(root: unknown, visit: (text: string, path: string) => void, limit = 2_000_000): number {
  const seen = new Set<unknown>();
  const stack: [unknown, string][] = [[root, '$']];
  let objects = 0;
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      visit(value, path);
      continue;
    }
    if (typeof value === 'symbol') {
      visit(value.description ?? '', path);
      continue;
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    if (++objects > limit) throw new Error(`crawl: more than ${limit} objects from ${path}`);
    if (ArrayBuffer.isView(value)) {
      visit(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'), `${path}<bytes>`);
    } else if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
      visit(Buffer.from(value).toString('latin1'), `${path}<bytes>`);
    }
    if (value instanceof Map) {
      let i = 0;
      for (const [k, v] of value) {
        stack.push([k, `${path}<key ${i}>`], [v, `${path}<value ${i}>`]);
        i++;
      }
    } else if (value instanceof Set) {
      let i = 0;
      for (const v of value) stack.push([v, `${path}<member ${i++}>`]);
    }
    const proto = Object.getPrototypeOf(value);
    if (proto) stack.push([proto, `${path}.__proto__`]);
    if (ArrayBuffer.isView(value)) continue;
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      const name = typeof key === 'symbol' ? `[${key.description ?? ''}]` : key;
      if (typeof key === 'string') visit(key, `${path}<name ${key.slice(0, 20)}>`);
      if (descriptor && 'value' in descriptor) stack.push([descriptor.value, `${path}.${name}`]);
    }
  }
  return objects;
}

/** Fails on the first string reachable from `root` that holds a fragment of a secret. */
export function expectGraphClean(root: unknown, fragments: SecretFragments, where: string): number {
  return crawl(root, (text, path) => {
    const found = fragments.find(text);
    if (found) throw new Error(`${where}: ${path} holds ${found}`);
  });
}

/**
 * Every way an error can be shown: message, stack, JSON, `String()`, fields, each `cause` in the
 * chain, and `util.inspect` at unlimited depth with hidden properties.
 */
export function everyRendering(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  const chain = new Set<unknown>();
  while (current !== undefined && current !== null && !chain.has(current)) {
    chain.add(current);
    if (current instanceof Error) parts.push(current.message, current.stack ?? '');
    parts.push(safeJson(current), String(current));
    current = (current as { cause?: unknown }).cause;
  }
  parts.push(inspect(error, { depth: Infinity, showHidden: true }), inspect(error));
  return parts.join('\n');
}

export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `(not JSON: ${(error as Error).message})`;
  }
}
