import { describe, expect, it } from 'vitest';
import type { PcmSampleRate } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { dialledStream, seededRandom } from '../helpers/dialled.js';
import { recognize, streamOptions, withEmulator } from '../helpers/emulator.js';
import { expectExactV3, PCM_VARIANT, type AudioVariant } from '../helpers/v3-results.js';
import { tally } from '../helpers/tally.js';

/** Retry fast in tests: the backoff arithmetic itself is unit-tested on fake time. */
const quickRetry = { minDelayMs: 5, maxDelayMs: 40, slowMinDelayMs: 20, healthyAfterMs: 2_000 };

/** Formats the proof runs over; Ogg Opus joins as another variant. */
const VARIANTS: AudioVariant[] = [PCM_VARIANT];


/** Every utterance ends exactly once, after its final and before the next one, moving forward. */
function expectEachUtteranceEnds(results: RecognitionResult[], utterances: number): void {
  const eous = results.filter((r) => r.type === 'endOfUtterance');
  expect(eous).toHaveLength(utterances);
  const finals = results.filter((r) => r.type === 'final');
  for (let i = 0; i < eous.length; i++) {
    expect(results.indexOf(eous[i]!)).toBeGreaterThan(results.indexOf(finals[i]!));
    if (i + 1 < finals.length) expect(results.indexOf(eous[i]!)).toBeLessThan(results.indexOf(finals[i + 1]!));
    if (i > 0) expect(eous[i]!.endMs!).toBeGreaterThan(eous[i - 1]!.endMs!);
  }
}

describe.each(VARIANTS)('API v3 endless streams ($name): every digit exactly once, every final refined once', (variant) => {
  it.each([8000, 16000, 48000] as PcmSampleRate[])(
    '%i Hz: 30 minutes through forced rollovers (shrunken limits, fast pace)',
    async (sampleRate) => {
      const { utterances, pcm, durationMs } = dialledStream(30, sampleRate, sampleRate);
      const { audio, options } = variant.prepare(pcm, sampleRate);
      const limits = { maxAudioMs: 40_000, maxBytes: 10_000_000 };
      await withEmulator({ limits }, async (emulator) => {
        const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', ...options, pace: 200, sessionLimits: limits }));
        const t = tally(stream);
        const results = await recognize(stream, audio, 32_000);
        expect(durationMs).toBeGreaterThanOrEqual(30 * 60_000);
        expectExactV3(results, utterances);
        expectEachUtteranceEnds(results, utterances.length);
        for (const s of emulator.sessions) {
          expect(s.api).toBe('v3');
          expect(s.status?.name).toBe('OK');
        }
        expect(t.rollovers.length).toBeGreaterThanOrEqual(Math.floor(durationMs / limits.maxAudioMs));
        expect(emulator.sessions).toHaveLength(t.rollovers.length + 1);
        expect(t.retries).toHaveLength(0);
        expect(t.rollovers.filter((r) => r.reason === 'end-of-utterance' || r.reason === 'silence').length).toBeGreaterThan(0);
        const finals = results.filter((r) => r.final);
        for (let i = 1; i < finals.length; i++) expect(finals[i]!.startMs!).toBeGreaterThan(finals[i - 1]!.endMs!);
        expect(finals.at(-1)!.endMs!).toBeLessThanOrEqual(durationMs);
      });
    },
    120_000,
  );

  it('48 kHz at the real default limits: rolls over before 10 MB, unpaced', async () => {
    const { utterances, pcm } = dialledStream(12, 48000, 7);
    const { audio, options } = variant.prepare(pcm, 48000);
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', ...options, pace: 0 }));
      const t = tally(stream);
      const results = await recognize(stream, audio, 96_000);
      expectExactV3(results, utterances);
      expectEachUtteranceEnds(results, utterances.length);
      expect(t.rollovers.length).toBeGreaterThanOrEqual(6);
      for (const s of emulator.sessions) {
        expect(s.status?.name).toBe('OK');
        expect(s.audio.length).toBeLessThanOrEqual(10_000_000 * 0.95 + 9_600);
      }
    });
  }, 120_000);

  it('16 kHz, 30 minutes through injected failures at random points: fail, drop, clean end, refusals, quota', async () => {
    const { utterances, pcm } = dialledStream(30, 16000, 1234);
    const { audio, options } = variant.prepare(pcm, 16000);
    const limits = { maxAudioMs: 60_000, maxBytes: 10_000_000 };
    const random = seededRandom(99);
    const actions = ['fail', 'drop', 'end', 'fail', 'refuse', 'fail'] as const;
    const statuses = ['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED'] as const;
    await withEmulator({ limits }, async (emulator) => {
      for (let session = 1; session < 60; session += 2 + Math.floor(random() * 3)) {
        const action = actions[Math.floor(random() * actions.length)]!;
        const status = statuses[Math.floor(random() * statuses.length)]!;
        emulator.addFault({ session, action, status, afterAudioMs: Math.floor(1_000 + random() * 40_000) });
      }
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', ...options, pace: 200, sessionLimits: limits, retry: quickRetry }));
      const t = tally(stream);
      const results = await recognize(stream, audio, 32_000);
      expectExactV3(results, utterances);
      expectEachUtteranceEnds(results, utterances.length);
      const failed = emulator.sessions.filter((s) => s.status?.name !== 'OK');
      expect(failed.length).toBeGreaterThanOrEqual(8);
      // A fault on a session already replaced (half-closed, draining) or one the client cancelled
      // itself needs no retry; every other failure does.
      expect(t.retries.length).toBeGreaterThanOrEqual(failed.filter((s) => !s.halfClosed && s.status?.name !== 'CANCELLED').length);
      expect(t.retries.map((r) => r.code)).toEqual(expect.arrayContaining(['SPEECHKIT_ERR_UNAVAILABLE', 'SPEECHKIT_ERR_SESSION_ENDED']));
    });
  }, 120_000);

  it('16 kHz with silence compression, 20 minutes through rollovers and failures: exact, and the pauses travel as durations', async () => {
    const { utterances, pcm } = dialledStream(20, 16000, 4321);
    const { audio, options } = variant.prepare(pcm, 16000);
    const limits = { maxAudioMs: 45_000, maxBytes: 10_000_000 };
    const random = seededRandom(7);
    await withEmulator({ limits }, async (emulator) => {
      for (let session = 2; session < 40; session += 3 + Math.floor(random() * 3)) {
        emulator.addFault({ session, action: random() < 0.5 ? 'drop' : 'fail', afterAudioMs: Math.floor(1_000 + random() * 30_000) });
      }
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', ...options, pace: 200, sessionLimits: limits, retry: quickRetry, compressSilence: true }));
      const t = tally(stream);
      const results = await recognize(stream, audio, 32_000);
      expectExactV3(results, utterances);
      expectEachUtteranceEnds(results, utterances.length);
      expect(t.retries.length).toBeGreaterThan(0);
      expect(t.rollovers.length).toBeGreaterThan(0);
      const bytes = emulator.sessions.reduce((sum, s) => sum + s.audio.length, 0);
      const silenceMs = emulator.sessions.reduce((sum, s) => sum + s.silenceChunks.reduce((a, c) => a + c.durationMs, 0), 0);
      // Each 900 ms pause between utterances sends its first 500 ms as audio and the rest (about
      // 300 ms in whole 100 ms frames) as a duration; replays after failures add bytes back.
      expect(silenceMs).toBeGreaterThan(utterances.length * 250);
      expect(bytes).toBeLessThan(pcm.length);
    });
  }, 120_000);

  it('a session limit error from the service (margins set too loose) rolls over instead of failing', async () => {
    const { utterances, pcm } = dialledStream(3, 8000, 5);
    const { audio, options } = variant.prepare(pcm, 8000);
    await withEmulator({ limits: { maxAudioMs: 20_000 } }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', ...options, pace: 100, sessionLimits: { maxAudioMs: 60_000 }, retry: quickRetry }));
      const t = tally(stream);
      const results = await recognize(stream, audio, 16_000);
      expectExactV3(results, utterances);
      expectEachUtteranceEnds(results, utterances.length);
      expect(emulator.sessions.some((s) => s.status?.name === 'OUT_OF_RANGE')).toBe(true);
      expect(t.retries.some((r) => r.code === 'SPEECHKIT_ERR_SESSION_LIMIT' && r.delayMs === 0)).toBe(true);
    });
  }, 60_000);
});
