import { describe, expect, it } from 'vitest';
import type { RecognizeStream } from '../../src/recognize-stream.js';
import { fakeStream, flushMicrotasks, runClock, type FakeCall } from '../helpers/fake-transport.js';

const rate = 16000;
const bytesPerMs = (rate * 2) / 1000;
const WRITE_BYTES = 64 * 1024;
const MAX_BUFFERED_MS = 2000;

/**
 * A writer that writes 64 KiB buffers (a file read by fs.ReadStream) whenever the stream lets it:
 * as long as `write()` returns true, and again on 'drain'. Returns how many bytes it got in.
 */
function greedyWriter(stream: RecognizeStream) {
  const state = { written: 0 };
  const feed = () => {
    for (;;) {
      const ok = stream.write(Buffer.alloc(WRITE_BYTES, 0x11));
      state.written += WRITE_BYTES;
      if (!ok) return void stream.once('drain', feed);
    }
  };
  feed();
  return state;
}

/** Audio bytes a call was written (v3 `chunk.data`; the fake's `audio()` reads v2). */
function callAudio(call: FakeCall): number {
  return call.writes.reduce((n, w) => n + ((w.message.chunk as { data?: Buffer } | undefined)?.data?.length ?? 0), 0);
}

function sentBytes(calls: FakeCall[]): number {
  return calls.reduce((n, c) => n + callAudio(c), 0);
}

/**
 * The bound per stream (README, "Writing audio"): unsent audio is at most `maxBufferedMs`, plus
 * the next frame (cut, waiting for the session), the write that crossed the bound and the one
 * Node's Writable queues before `write()` says false; sent audio is held only for replay, at most
 * the replay bound. Beyond that the writer waits.
 */
const CHUNK_MS = 100;
const unsentBound = (MAX_BUFFERED_MS + CHUNK_MS) * bytesPerMs + 2 * WRITE_BYTES;

describe('memory stays bounded per stream', () => {
  it('a stalled service (the transport takes nothing more): the writer is held back, nothing piles up', async () => {
    const { clock, transport, stream, errors } = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', maxBufferedMs: MAX_BUFFERED_MS, chunkMs: CHUNK_MS, api: 'v3' });
    transport.onOpen = (call) => {
      call.full = true; // flow control: the service reads nothing
    };
    const writer = greedyWriter(stream);
    await runClock(clock, 120_000, 100);
    expect(errors).toEqual([]);
    const unsent = writer.written - sentBytes(transport.calls);
    expect(unsent).toBeLessThanOrEqual(unsentBound);
    // It did fill up to the bound: the writer was not just slow.
    expect(unsent).toBeGreaterThan(MAX_BUFFERED_MS * bytesPerMs);
    expect(stream['p'].intake.bufferedMs).toBeLessThanOrEqual(MAX_BUFFERED_MS + WRITE_BYTES / bytesPerMs);
    expect(stream.writableLength).toBeLessThanOrEqual(2);
    stream.destroy();
    await flushMicrotasks();
  });

  it('a stalled reader (results never read): calls pause, the writer is held back, results stop at the high-water mark', async () => {
    const { clock, transport, stream, errors } = fakeStream({
      sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', maxBufferedMs: MAX_BUFFERED_MS, chunkMs: CHUNK_MS, readableHighWaterMark: 4, api: 'v3',
    });
    stream.removeAllListeners('data');
    stream.pause();
    const writer = greedyWriter(stream);
    let finals = 0;
    for (let t = 0; t < 120_000; t += 100) {
      await runClock(clock, 100, 100);
      // The service answers a final for every second of audio it got, while it is read at all.
      const call = transport.calls.at(-1)!;
      const heardMs = callAudio(call) / bytesPerMs;
      while (!call.paused && (finals + 1) * 1000 <= heardMs) {
        call.respond({ Event: 'final', final: { alternatives: [{ text: `w${finals}` }] }, audio_cursors: { final_index: finals, final_time_ms: 1000 * (finals + 1) } });
        finals++;
      }
    }
    expect(errors).toEqual([]);
    expect(transport.calls.at(-1)!.paused).toBe(true);
    expect(stream.readableLength).toBeLessThanOrEqual(5);
    const sent = sentBytes(transport.calls);
    expect(writer.written - sent).toBeLessThanOrEqual(unsentBound);
    // Replay holds only what was sent since the last final, within its bound.
    const replay = stream['p'].ledger.replay;
    expect(replay.durationMs).toBeLessThanOrEqual(replay.maxMs);
    // And 120 s passed: the writer got nowhere near 120 s of audio in.
    expect(writer.written).toBeLessThan(30_000 * bytesPerMs);
    stream.destroy();
    await flushMicrotasks();
  });
});
