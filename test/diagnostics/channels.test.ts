import { afterEach, describe, expect, it } from 'vitest';
import { DiagnosticsChannels as C } from '../../src/diagnostics/channels.js';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import type { RolloverEvent } from '../../src/stream-events.js';
import { recognize, streamOptions, withEmulator } from '../helpers/emulator.js';
import { listen } from './helpers.js';

const rate = 8000;
const bytesPerMs = (rate * 2) / 1000;

let listener: ReturnType<typeof listen> | undefined;
afterEach(() => {
  listener?.stop();
  listener = undefined;
});

describe('diagnostics channels on the emulator', () => {
  it('publish each session’s open and end, the rollovers, retries, results and the error as the stream and the emulator saw them', async () => {
    const audio = dialledDigitsPcm(['12', '34', '56', '78', '90'], { sampleRate: rate });
    // Session 1 fails mid-stream (a retry that replays); 2 s sessions roll over between utterances.
    const faults = [{ session: 1, action: 'fail' as const, status: 'UNAVAILABLE' as const, afterAudioMs: 700 }];
    await withEmulator({ faults }, async (emulator) => {
      listener = listen();
      const stream = new RecognizeStream(streamOptions(emulator, {
        sampleRateHertz: rate,
        partialResults: true,
        sessionLimits: { maxAudioMs: 2_000 },
        retry: { minDelayMs: 10, maxDelayMs: 20 },
      }));
      const rollovers: RolloverEvent[] = [];
      const retries: RetryEvent[] = [];
      stream.on('rollover', (e) => rollovers.push(e));
      stream.on('retry', (e) => retries.push(e));
      const results = await recognize(stream, audio);
      await Promise.all(emulator.sessions.map((s) => s.ended));

      const streamIds = new Set(listener.heard.map((h) => h.message.streamId));
      expect(streamIds.size).toBe(1);
      const streamId = [...streamIds][0];
      // Rollovers and retries: the stream's own events, with its id.
      expect(rollovers.length).toBeGreaterThan(0);
      expect(retries).toHaveLength(1);
      expect(listener.of(C.SESSION_ROLLOVER)).toEqual(rollovers.map((e) => ({ streamId, ...e })));
      expect(listener.of(C.SESSION_RETRY)).toEqual(retries.map((e) => ({ streamId, ...e })));
      expect(retries[0]).toMatchObject({ code: 'SPEECHKIT_ERR_UNAVAILABLE', session: 1 });

      // One open and one end per session, with the ids the emulator saw.
      const opens = listener.of(C.SESSION_OPEN);
      const ends = listener.of(C.SESSION_END);
      expect(opens.map((m) => m.session)).toEqual([...Array(stream.sessionCount).keys()]);
      expect(ends.map((m) => m.session).sort((a, b) => a - b)).toEqual(opens.map((m) => m.session));
      expect(new Set(opens.map((m) => m.clientRequestId))).toEqual(new Set(emulator.sessions.map((s) => s.clientRequestId)));
      const record = (clientRequestId: string) => emulator.sessions.find((s) => s.clientRequestId === clientRequestId)!;
      for (const end of ends) {
        expect(end).toMatchObject({ streamId, api: 'v2', requestId: record(end.clientRequestId).requestId });
        const { audio: user, replay, keepAlive } = end.sent;
        const sentBytes = user.bytes + replay.bytes + keepAlive.bytes;
        if (end.grpcCode === 0) {
          // What the session was sent is what the emulator received, byte for byte and ms for ms.
          expect(sentBytes, `session ${end.session}`).toBe(record(end.clientRequestId).bytes);
          expect(user.ms + replay.ms + keepAlive.ms).toBeCloseTo(record(end.clientRequestId).audioMs, 6);
        } else {
          expect(sentBytes).toBeGreaterThanOrEqual(record(end.clientRequestId).bytes);
        }
      }
      expect(ends.find((m) => m.session === 1)!.grpcCode).toBe(14);
      // The user's audio is sent once in all; replays come on top.
      const total = (kind: 'audio' | 'replay' | 'keepAlive', field: 'ms' | 'bytes') => ends.reduce((sum, m) => sum + m.sent[kind][field], 0);
      expect(total('audio', 'bytes')).toBe(audio.length);
      expect(total('audio', 'ms')).toBeCloseTo(audio.length / bytesPerMs, 6);
      expect(total('replay', 'bytes')).toBeGreaterThan(0);
      expect(total('replay', 'bytes')).toBe(total('replay', 'ms') * bytesPerMs);

      // Every result handed to the reader, in order, without its text; finals timed.
      const published = listener.of(C.STREAM_RESULT);
      expect(published.map((m) => [m.type, m.session, m.startMs, m.endMs])).toEqual(results.map((r) => [r.type, r.session, r.startMs, r.endMs]));
      expect(published.every((m) => !('text' in m))).toBe(true);
      const finals = published.filter((m) => m.type === 'final');
      expect(finals.map((m) => m.finalIndex)).toEqual([0, 1, 2, 3, 4]);
      for (const final of finals) expect(final.latencyMs).toBeGreaterThanOrEqual(0);
      expect(published.filter((m) => m.firstPartial)).toHaveLength(5);
      expect(listener.of(C.STREAM_ERROR)).toEqual([]);
    });
  });

  it('end every session that opened, also of a stream destroyed while they run', async () => {
    const audio = dialledDigitsPcm(['12', '34'], { sampleRate: rate });
    await withEmulator({}, async (emulator) => {
      listener = listen([C.SESSION_OPEN, C.SESSION_END, C.STREAM_ERROR]);
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, pace: 1 }));
      stream.once('session', () => stream.destroy(new Error('hung up')));
      stream.on('error', () => {});
      stream.write(audio);
      await Promise.all([new Promise((resolve) => stream.once('close', resolve)), new Promise((resolve) => setTimeout(resolve, 300))]);
      await Promise.all(emulator.sessions.map((s) => s.ended));
      expect(listener.of(C.SESSION_OPEN)).toHaveLength(1);
      expect(listener.of(C.SESSION_END).map((m) => m.grpcCode)).toEqual([1]);
      expect(listener.of(C.STREAM_ERROR)).toEqual([expect.objectContaining({ code: undefined, error: expect.objectContaining({ message: 'hung up' }) })]);
    });
  });

  it('publish the error a stream fails with', async () => {
    const audio = dialledDigitsPcm(['12'], { sampleRate: rate });
    const faults = [{ action: 'fail' as const, status: 'INVALID_ARGUMENT' as const, afterAudioMs: 200 }];
    await withEmulator({ faults }, async (emulator) => {
      listener = listen();
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate }));
      const error = await recognize(stream, audio).then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_ARGUMENT' });
      expect(listener.of(C.STREAM_ERROR)).toEqual([{ streamId: expect.any(Number), code: 'SPEECHKIT_ERR_INVALID_ARGUMENT', error }]);
      expect(listener.of(C.SESSION_END).map((m) => m.grpcCode)).toEqual([3]);
    });
  });
});
