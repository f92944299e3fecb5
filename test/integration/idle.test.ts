import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { streamOptions, withEmulator } from '../helpers/emulator.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const first = dialledDigitsPcm(['12'], { sampleRate: 8000 });
const second = dialledDigitsPcm(['34'], { sampleRate: 8000 });
const firstMs = first.length / 16;

/** A live source: one utterance, a pause longer than the service's idle limit, another. */
async function liveWithPause(stream: RecognizeStream, pauseMs: number): Promise<RecognitionResult[]> {
  const results: RecognitionResult[] = [];
  stream.on('data', (r: RecognitionResult) => results.push(r));
  const ended = new Promise((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  stream.write(first);
  await sleep(pauseMs);
  stream.end(second);
  await ended;
  return results;
}

describe('idle input over real gRPC', () => {
  it('keepalive: one session survives a pause longer than the idle limit, and the timeline ignores the silence', async () => {
    await withEmulator({ limits: { idleMs: 1_000 } }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000, idle: { policy: 'keepalive', afterMs: 250 } }));
      const results = await liveWithPause(stream, 2_500);
      const finals = results.filter((r) => r.final);
      expect(finals.map((r) => r.text)).toEqual(['12', '34']);
      expect(emulator.sessions).toHaveLength(1);
      expect(emulator.sessions[0]!.status?.name).toBe('OK');
      // Keep-alive silence went to the service…
      expect(emulator.sessions[0]!.audio.length).toBeGreaterThan(first.length + second.length);
      // …but the second utterance sits where it is in the user's stream: after the first, plus its 300 ms lead.
      expect(finals[1]!.startMs).toBeCloseTo(firstMs + 300, -1);
    });
  });

  it('close: the session ends cleanly in the pause, and the next opens when audio resumes', async () => {
    await withEmulator({ limits: { idleMs: 1_000 } }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000, idle: { policy: 'close', afterMs: 250 } }));
      const idle: unknown[] = [];
      stream.on('idle', (e) => idle.push(e));
      const results = await liveWithPause(stream, 2_500);
      const finals = results.filter((r) => r.final);
      expect(finals.map((r) => [r.text, r.session])).toEqual([['12', 0], ['34', 1]]);
      expect(idle).toHaveLength(1);
      expect(emulator.sessions.map((s) => s.status?.name)).toEqual(['OK', 'OK']);
      expect(emulator.sessions[0]!.halfClosed).toBe(true);
      expect(emulator.sessions[1]!.audio.equals(second)).toBe(true);
      expect(finals[1]!.startMs).toBeCloseTo(firstMs + 300, -1);
    });
  });
});
