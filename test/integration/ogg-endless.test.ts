import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { dialledStream, seededRandom } from '../helpers/dialled.js';
import { finalsText, streamOptions, withEmulator } from '../helpers/emulator.js';
import { encodeOggOpus, externalOggOpus, needs, recognizeFromSource } from '../helpers/ogg.js';
import { tally } from '../helpers/tally.js';

/**
 * The Ogg Opus twins of endless.test.ts: long dialled-digit streams through forced rollovers and
 * injected failures must come out with exactly their digits, each once, in order. Every session
 * is a fresh Ogg Opus stream for the emulator, which refuses one that does not start with OpusHead.
 */
const ffmpeg = needs('ffmpeg');
const quickRetry = { minDelayMs: 5, maxDelayMs: 40, slowMinDelayMs: 20, healthyAfterMs: 2_000 };

function expectOggSessions(emulator: Emulator): void {
  for (const s of emulator.sessions) {
    expect(s.status?.name).not.toBe('INVALID_ARGUMENT');
    if (s.audio.length > 0) expect(s.audio.toString('latin1', 28, 36)).toBe('OpusHead');
  }
}

describe('endless Ogg Opus streams keep every digit exactly once', () => {
  it('12 minutes of Ogg Opus (this library\'s encoder) through forced rollovers on audio time', async () => {
    const { utterances, pcm, durationMs } = dialledStream(12, 16000, 2024);
    const ogg = encodeOggOpus(pcm, { sampleRateHertz: 16000 });
    const limits = { maxAudioMs: 40_000, maxBytes: 10_000_000 };
    await withEmulator({ limits }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { pace: 150, sessionLimits: limits }));
      const t = tally(stream);
      const results = await recognizeFromSource(stream, ogg, 4_000);
      expect(finalsText(results)).toEqual(utterances);
      for (const s of emulator.sessions) expect(s.status?.name).toBe('OK');
      expectOggSessions(emulator);
      expect(t.rollovers.length).toBeGreaterThanOrEqual(Math.floor(durationMs / limits.maxAudioMs));
      expect(emulator.sessions).toHaveLength(t.rollovers.length + 1);
      // The emulator's audio time per session (from granules) never passes the hard margin.
      for (const s of emulator.sessions) expect(s.audioMs).toBeLessThanOrEqual(limits.maxAudioMs * 0.95 + 1);
      const finals = results.filter((r) => r.final);
      for (let i = 1; i < finals.length; i++) expect(finals[i]!.startMs!).toBeGreaterThan(finals[i - 1]!.endMs!);
      expect(finals.at(-1)!.endMs!).toBeLessThanOrEqual(durationMs);
    });
  }, 120_000);

  it.skipIf(ffmpeg.skip)(`10 minutes of 48 kHz Ogg Opus from ffmpeg through rollovers on the byte limit${ffmpeg.note}`, async () => {
    const { utterances, pcm } = dialledStream(10, 48000, 77);
    const ogg = externalOggOpus(pcm, 48000, 'ffmpeg');
    const limits = { maxAudioMs: 300_000, maxBytes: 120_000 };
    await withEmulator({ limits }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { pace: 150, sessionLimits: limits }));
      const t = tally(stream);
      const results = await recognizeFromSource(stream, ogg, 4_000);
      expect(finalsText(results)).toEqual(utterances);
      for (const s of emulator.sessions) {
        expect(s.status?.name).toBe('OK');
        expect(s.audio.length).toBeLessThanOrEqual(limits.maxBytes * 0.95);
      }
      expectOggSessions(emulator);
      expect(t.rollovers.length).toBeGreaterThanOrEqual(Math.floor(ogg.length / limits.maxBytes));
    });
  }, 120_000);

  it('10 minutes of in-process Opus (8 kHz PCM in) through injected failures: fail, drop, clean end, refusals, quota', async () => {
    const { utterances, pcm } = dialledStream(10, 8000, 4321);
    const limits = { maxAudioMs: 60_000, maxBytes: 10_000_000 };
    const random = seededRandom(31);
    const actions = ['fail', 'drop', 'end', 'fail', 'refuse'] as const;
    const statuses = ['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED'] as const;
    await withEmulator({ limits }, async (emulator) => {
      for (let session = 1; session < 30; session += 1 + Math.floor(random() * 2)) {
        const action = actions[Math.floor(random() * actions.length)]!;
        const status = statuses[Math.floor(random() * statuses.length)]!;
        emulator.addFault({ session, action, status, afterAudioMs: Math.floor(1_000 + random() * 30_000) });
      }
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000, encode: 'opus', pace: 150, sessionLimits: limits, retry: quickRetry }));
      const t = tally(stream);
      const results = await recognizeFromSource(stream, pcm, 16_000);
      expect(finalsText(results)).toEqual(utterances);
      const failed = emulator.sessions.filter((s) => s.status?.name !== 'OK');
      expect(failed.length).toBeGreaterThanOrEqual(4);
      // Every failure of a session still in use led to a new session; a fault that hit a session
      // the stream had already rolled over from (draining) needs none.
      const replaced = new Set(t.rollovers.map((r) => r.fromSession));
      const retried = new Set(t.retries.map((r) => r.session));
      const inUse = failed.filter((s) => !replaced.has(s.index));
      expect(inUse.length).toBeGreaterThanOrEqual(4);
      for (const s of inUse) expect(retried.has(s.index), `session ${s.index} (${s.status?.name})`).toBe(true);
      expectOggSessions(emulator);
    });
  }, 120_000);
});
