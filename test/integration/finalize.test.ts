import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import type { RecognizeStreamOptions } from '../../src/options.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { streamOptions, withEmulator } from '../helpers/emulator.js';
import { asWords } from '../helpers/v3-results.js';

const rate = 8000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Writes `audio` as a live call does: 20 ms every 20 ms. */
async function live(stream: RecognizeStream, audio: Buffer): Promise<void> {
  const bytes = (rate * 2 * 20) / 1000;
  const t0 = performance.now();
  for (let at = 0, n = 0; at < audio.length; at += bytes, n++) {
    stream.write(audio.subarray(at, at + bytes));
    const due = t0 + (n + 1) * 20;
    await sleep(Math.max(0, due - performance.now()));
  }
}

const variants: [string, Partial<RecognizeStreamOptions>][] = [
  ['v2', { api: 'v2' }],
  ['v3 (default classifier)', { api: 'v3', folderId: 'b1gfolder' }],
  ['v3 (external classifier, eou mark)', { api: 'v3', folderId: 'b1gfolder', eouClassifier: { type: 'external' } }],
];

describe('finalize() end to end: the service finalizes what was written, and the stream goes on', () => {
  it.each(variants)('%s: every utterance finalized on demand, exactly once, none replayed', async (name, api) => {
    // 300 ms of trailing silence: less than the service needs to end an utterance by itself.
    const utterances = ['12', '7', '345', '90', '6'];
    const pieces = utterances.map((u) => dialledDigitsPcm([u], { sampleRate: rate, leadMs: 200, trailMs: 300 }));
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, pace: 1, ...api }));
      const results: RecognitionResult[] = [];
      const finalAt: number[] = [];
      stream.on('data', (r: RecognitionResult) => {
        results.push(r);
        if (r.final) finalAt.push(performance.now());
      });
      const ended = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
      const toFinal: number[] = [];
      const toResolve: number[] = [];
      for (const piece of pieces) {
        await live(stream, piece);
        const finals = finalAt.length;
        const t0 = performance.now();
        await stream.finalize();
        toResolve.push(performance.now() - t0);
        // Resolved only once the final reached the reader.
        expect(finalAt.length).toBe(finals + 1);
        toFinal.push(finalAt.at(-1)! - t0);
      }
      stream.end();
      await ended;
      const finals = results.filter((r) => r.final).map((r) => r.text);
      expect(finals).toEqual(api.api === 'v3' ? utterances.map(asWords) : utterances);
      const external = 'eouClassifier' in api;
      // A half-close per finalize (a new session each, opened by the next audio), or one session with marks.
      expect(emulator.sessions).toHaveLength(external ? 1 : utterances.length);
      if (external) expect(emulator.sessions[0]!.eouMessages.length).toBeGreaterThanOrEqual(utterances.length);
      // Nothing was replayed: the sessions together heard the audio once.
      const heard = emulator.sessions.reduce((sum, s) => sum + s.audio.length, 0);
      expect(heard).toBe(pieces.reduce((sum, p) => sum + p.length, 0));
      console.info(`[finalize] ${name}: finalize() → final median ${median(toFinal).toFixed(0)} ms (max ${Math.max(...toFinal).toFixed(0)}), → resolved median ${median(toResolve).toFixed(0)} ms`);
    });
  }, 60_000);

  it('a silent stretch finalizes at once: nothing closed, no session spent', async () => {
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, pace: 1 }));
      stream.resume();
      await live(stream, Buffer.alloc(rate * 2 * 0.4));
      const t0 = performance.now();
      await stream.finalize();
      const waited = performance.now() - t0;
      await live(stream, Buffer.alloc(rate * 2 * 0.2));
      await stream.finalize();
      stream.end();
      await new Promise((resolve) => stream.on('end', resolve));
      expect(emulator.sessions).toHaveLength(1);
      console.info(`[finalize] silence: resolved after ${waited.toFixed(0)} ms`);
    });
  }, 30_000);
});
