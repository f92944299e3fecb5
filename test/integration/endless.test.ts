import { describe, expect, it } from 'vitest';
import type { PcmSampleRate } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { dialledStream, seededRandom } from '../helpers/dialled.js';
import { finalsText, recognize, streamOptions, withEmulator } from '../helpers/emulator.js';
import { tally } from '../helpers/tally.js';

/** Retry fast in tests: the backoff arithmetic itself is unit-tested on fake time. */
const quickRetry = { minDelayMs: 5, maxDelayMs: 40, slowMinDelayMs: 20, healthyAfterMs: 2_000 };


describe('endless streams: rollover and recovery keep every digit exactly once', () => {
  it.each([8000, 16000, 48000] as PcmSampleRate[])(
    '%i Hz: 30 minutes through forced rollovers (shrunken limits, fast pace)',
    async (sampleRate) => {
      const { utterances, pcm, durationMs } = dialledStream(30, sampleRate, sampleRate);
      const limits = { maxAudioMs: 40_000, maxBytes: 10_000_000 };
      await withEmulator({ limits }, async (emulator) => {
        const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: sampleRate, pace: 200, sessionLimits: limits }));
        const t = tally(stream);
        const results = await recognize(stream, pcm, 32_000);
        expect(durationMs).toBeGreaterThanOrEqual(30 * 60_000);
        expect(finalsText(results)).toEqual(utterances);
        // Every session stayed under the service's limits, and the stream rolled over many times.
        for (const s of emulator.sessions) expect(s.status?.name).toBe('OK');
        expect(t.rollovers.length).toBeGreaterThanOrEqual(Math.floor(durationMs / limits.maxAudioMs));
        expect(emulator.sessions).toHaveLength(t.rollovers.length + 1);
        expect(t.retries).toHaveLength(0);
        // Natural boundaries win when they come in time.
        expect(t.rollovers.filter((r) => r.reason === 'end-of-utterance' || r.reason === 'silence').length).toBeGreaterThan(0);
        // Results carry whole-stream times that only move forward.
        const finals = results.filter((r) => r.final);
        for (let i = 1; i < finals.length; i++) expect(finals[i]!.startMs!).toBeGreaterThan(finals[i - 1]!.endMs!);
        expect(finals.at(-1)!.endMs!).toBeLessThanOrEqual(durationMs);
      });
    },
    120_000,
  );

  it('48 kHz at the real default limits: rolls over before 10 MB, unpaced', async () => {
    const { utterances, pcm } = dialledStream(12, 48000, 7);
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 48000, pace: 0 }));
      const t = tally(stream);
      const results = await recognize(stream, pcm, 96_000);
      expect(finalsText(results)).toEqual(utterances);
      expect(t.rollovers.length).toBeGreaterThanOrEqual(6);
      for (const s of emulator.sessions) {
        expect(s.status?.name).toBe('OK');
        expect(s.audio.length).toBeLessThanOrEqual(10_000_000 * 0.95 + 9_600);
      }
    });
  }, 120_000);

  it('16 kHz, 30 minutes through injected failures at random points: fail, drop, clean end, refusals, quota', async () => {
    const { utterances, pcm } = dialledStream(30, 16000, 1234);
    const limits = { maxAudioMs: 60_000, maxBytes: 10_000_000 };
    const random = seededRandom(99);
    const actions = ['fail', 'drop', 'end', 'fail', 'refuse', 'fail'] as const;
    const statuses = ['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED'] as const;
    await withEmulator({ limits }, async (emulator) => {
      const faults: string[] = [];
      for (let session = 1; session < 60; session += 2 + Math.floor(random() * 3)) {
        const action = actions[Math.floor(random() * actions.length)]!;
        const status = statuses[Math.floor(random() * statuses.length)]!;
        const afterAudioMs = Math.floor(1_000 + random() * 40_000);
        emulator.addFault({ session, action, status, afterAudioMs });
        faults.push(`${session}:${action}`);
      }
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 16000, pace: 200, sessionLimits: limits, retry: quickRetry }));
      const t = tally(stream);
      const results = await recognize(stream, pcm, 32_000);
      expect(finalsText(results)).toEqual(utterances);
      const failed = emulator.sessions.filter((s) => s.status?.name !== 'OK');
      expect(failed.length).toBeGreaterThanOrEqual(8);
      // Every failure of a session still in use led to a new session; a fault that hit a session
      // already replaced (half-closed by a rollover, draining) needs none.
      expect(t.retries.length).toBeGreaterThanOrEqual(failed.filter((s) => !s.halfClosed && s.status?.name !== 'CANCELLED').length);
      expect(t.retries.map((r) => r.code)).toEqual(expect.arrayContaining(['SPEECHKIT_ERR_UNAVAILABLE', 'SPEECHKIT_ERR_SESSION_ENDED']));
    });
  }, 120_000);

  it('a session limit error from the service (margins set too loose) rolls over instead of failing', async () => {
    const { utterances, pcm } = dialledStream(3, 8000, 5);
    await withEmulator({ limits: { maxAudioMs: 20_000 } }, async (emulator) => {
      // The client believes it has 60 s per session; the service cuts at 20 s.
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000, pace: 100, sessionLimits: { maxAudioMs: 60_000 }, retry: quickRetry }));
      const t = tally(stream);
      const results = await recognize(stream, pcm, 16_000);
      expect(finalsText(results)).toEqual(utterances);
      expect(emulator.sessions.some((s) => s.status?.name === 'OUT_OF_RANGE')).toBe(true);
      expect(t.retries.some((r) => r.code === 'SPEECHKIT_ERR_SESSION_LIMIT' && r.delayMs === 0)).toBe(true);
    });
  }, 60_000);

  it('fails fast on a non-retryable status mid-stream, and gives up after the retry budget', async () => {
    const { pcm } = dialledStream(1, 8000, 3);
    await withEmulator({}, async (emulator) => {
      emulator.addFault({ action: 'fail', status: 'PERMISSION_DENIED', afterAudioMs: 5_000 });
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000, pace: 100, retry: quickRetry }));
      await expect(recognize(stream, pcm)).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_PERMISSION_DENIED' });
      expect(emulator.sessions).toHaveLength(1);

      emulator.reset();
      emulator.refuseNext(10, 'UNAVAILABLE');
      const doomed = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000, pace: 100, retry: { ...quickRetry, retries: 3 } }));
      const t = tally(doomed);
      await expect(recognize(doomed, pcm)).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_RETRIES_EXHAUSTED', cause: { code: 'SPEECHKIT_ERR_UNAVAILABLE' } });
      expect(emulator.sessions).toHaveLength(4);
      expect(t.retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    });
  }, 60_000);

  it('with retry: false a failed session fails the stream with its own code', async () => {
    const { pcm } = dialledStream(0.5, 8000, 3);
    await withEmulator({}, async (emulator) => {
      emulator.addFault({ action: 'fail', status: 'UNAVAILABLE', afterAudioMs: 2_000 });
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000, pace: 100, retry: false }));
      await expect(recognize(stream, pcm)).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_UNAVAILABLE', grpcCode: 14 });
      expect(emulator.sessions).toHaveLength(1);
    });
  });
});
