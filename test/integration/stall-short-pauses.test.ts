import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import type { SeamEvent } from '../../src/session/seam.js';
import { streamOptions } from '../helpers/emulator.js';
import { render } from '../matrix/audio.js';
import { checkDigits } from '../matrix/integrity.js';

const RATE = 8000;
const LIMITS = { maxAudioMs: 30_000, maxBytes: 10_000_000 };

/**
 * API v2 without partial results (it answers only with finals), dialled digits whose utterances
 * come 700-850 ms apart, and a service that stops answering 3 s into the first session (the call
 * stays open and keeps taking audio). No pause is long enough to make a final due on its own,
 * and the speech it heard soon outgrows the replay buffer (maxReplayMs 10 s).
 */
async function stalledBetweenCloseUtterances(stallTimeoutMs?: number) {
  const { utterances, tones, pcm } = render([{ untilMs: 40_000, min: 1, max: 4, gapMs: 800 }], RATE, 4242);
  const emulator = await startEmulator({ limits: LIMITS, recordAudio: false, faults: [{ session: 0, action: 'stall', afterAudioMs: 3_000 }], profile: { base: 'lenient' } });
  const stream = new RecognizeStream(streamOptions(emulator, {
    api: 'v2', sampleRateHertz: RATE, audioEncoding: 'LINEAR16_PCM', sessionLimits: LIMITS, maxReplayMs: 10_000,
    drainTimeoutMs: 2_000, retry: { minDelayMs: 5, maxDelayMs: 40 }, ...(stallTimeoutMs !== undefined && { stallTimeoutMs }),
  }));
  const results: RecognitionResult[] = [];
  const retries: RetryEvent[] = [];
  const seams: SeamEvent[] = [];
  stream.on('data', (r: RecognitionResult) => r.type === 'final' && results.push(r));
  stream.on('retry', (e: RetryEvent) => retries.push(e));
  stream.on('seam', (e: SeamEvent) => seams.push(e));
  const ended = new Promise<void>((resolve, reject) => stream.on('end', resolve).on('error', reject));
  for (let at = 0; at < pcm.length; at += 16_000) {
    if (!stream.write(pcm.subarray(at, at + 16_000))) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
  try {
    await ended;
  } finally {
    await emulator.close();
  }
  return { check: checkDigits(results, tones, utterances, Infinity), tones, retries, seams };
}

describe('a v2 service that stops answering between closely spaced utterances', () => {
  it('is found stalled once it owes a final for that much speech, and every digit is recognized once', async () => {
    const r = await stalledBetweenCloseUtterances();
    expect(r.retries.map((e) => e.code)).toContain('SPEECHKIT_ERR_STALLED');
    expect(r.seams).toEqual([]);
    expect({ lost: r.check.lost, repeated: r.check.repeated }).toEqual({ lost: [], repeated: [] });
  }, 90_000);
});
