import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startEmulator, EMULATOR_IAM_TOKEN, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognizeStreamOptions } from '../../src/options.js';
import type { RecognitionResult } from '../../src/results.js';

export { EMULATOR_IAM_TOKEN };

export async function withEmulator<T>(options: EmulatorOptions, fn: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator(options);
  try {
    return await fn(emulator);
  } finally {
    await emulator.close();
  }
}

export function streamOptions(emulator: Emulator, extra: Partial<RecognizeStreamOptions> = {}): RecognizeStreamOptions {
  return { endpoint: emulator.address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, pace: 0, ...extra };
}

/** Writes `audio` in pieces of `writeBytes` and collects every result until the stream ends. */
export async function recognize(
  stream: RecognizeStream,
  audio: Buffer,
  writeBytes = 3200,
): Promise<RecognitionResult[]> {
  const results: RecognitionResult[] = [];
  async function* pieces() {
    for (let at = 0; at < audio.length; at += writeBytes) yield audio.subarray(at, at + writeBytes);
  }
  await pipeline(Readable.from(pieces()), stream, async (source: AsyncIterable<RecognitionResult>) => {
    for await (const r of source) results.push(r);
  });
  return results;
}

export function finalsText(results: RecognitionResult[]): string[] {
  return results.filter((r) => r.final).map((r) => r.text);
}
