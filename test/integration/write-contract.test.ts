import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { FLUSH_SILENCE_MS } from '../../src/session/end-flush.js';
import type { RecognitionResult, SessionInfo } from '../../src/results.js';
import { dialledStream } from '../helpers/dialled.js';
import { finalsText, streamOptions, withEmulator } from '../helpers/emulator.js';

const quickRetry = { minDelayMs: 5, maxDelayMs: 40, slowMinDelayMs: 20, healthyAfterMs: 2_000 };
const rate = 16000;
const bytesPerMs = (rate * 2) / 1000;

/**
 * The write contract (README, "Writing audio"): frames are views of the written buffers, so a
 * writer that leaves its buffers alone after writing them gets every byte to the service exactly,
 * replays and rollovers included, and its buffers come back untouched (nothing of ours is ever
 * written into them, not even a message header in front of a frame).
 */
describe('written buffers are sent without a copy, and exactly', () => {
  it.each([
    ['independent 4,097-byte buffers (frames straddle writes)', 4097],
    ['independent 64 KiB buffers', 64 * 1024],
    ['one write of the whole recording', Infinity],
  ])('%s, through failures, drops and rollovers', async (_name, writeBytes) => {
    const { utterances, pcm } = dialledStream(2, rate, 77);
    // Each write is a buffer of its own, as fs.ReadStream and sockets hand them out.
    const writes: Buffer[] = [];
    for (let at = 0; at < pcm.length; at += writeBytes) writes.push(Buffer.from(pcm.subarray(at, Math.min(pcm.length, at + writeBytes))));
    const copies = writes.map((w) => Buffer.from(w));
    const limits = { maxAudioMs: 30_000 };
    await withEmulator({ limits }, async (emulator) => {
      emulator.addFault({ session: 1, action: 'fail', status: 'UNAVAILABLE', afterAudioMs: 12_345 });
      emulator.addFault({ session: 3, action: 'drop', afterAudioMs: 7_000 });
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, chunkMs: 100, pace: 200, sessionLimits: limits, retry: quickRetry }));
      const sessions: SessionInfo[] = [];
      stream.on('session', (s: SessionInfo) => sessions.push(s));
      const results: RecognitionResult[] = [];
      await pipeline(Readable.from(writes), stream, async (source: AsyncIterable<RecognitionResult>) => {
        for await (const r of source) results.push(r);
      });
      expect(finalsText(results)).toEqual(utterances);
      expect(emulator.sessions.length).toBeGreaterThanOrEqual(5);
      expect(emulator.sessions.filter((s) => s.status?.name !== 'OK').length).toBeGreaterThanOrEqual(2);
      // Every session heard exactly the recording from its own start on (replays included), and
      // past its end only the silence the stream adds so that the service finalizes the last
      // speech (`FLUSH_SILENCE_MS`, when that final is slow to come).
      expect(sessions).toHaveLength(emulator.sessions.length);
      emulator.sessions.forEach((s, i) => {
        const from = Math.round(sessions[i]!.baseOffsetMs * bytesPerMs);
        expect(s.audio.length, `session ${i}`).toBeGreaterThan(0);
        const recorded = pcm.subarray(from, from + s.audio.length);
        expect(s.audio.subarray(0, recorded.length).equals(recorded), `session ${i}`).toBe(true);
        const added = s.audio.subarray(recorded.length);
        expect(added.every((b) => b === 0) && added.length <= FLUSH_SILENCE_MS * bytesPerMs, `session ${i}: ${added.length} bytes past the end`).toBe(true);
      });
      const last = emulator.sessions.at(-1)!.audio.length + Math.round(sessions.at(-1)!.baseOffsetMs * bytesPerMs);
      expect(last).toBeGreaterThanOrEqual(pcm.length);
      writes.forEach((w, i) => expect(w.equals(copies[i]!), `write ${i}`).toBe(true));
    });
  }, 60_000);
});
