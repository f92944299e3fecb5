import { describe, expect, it } from 'vitest';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { OggOpusDecoder } from '../../src/emulator/audio/ogg-opus-decoder.js';
import { flushMicrotasks, v2Final, type FakeCall, fakeStream, runClock } from '../helpers/fake-transport.js';
import { encodeOggOpus, pagesOf } from '../helpers/ogg.js';

const run = runClock;
const pcm = dialledDigitsPcm(['12', '345', '6'], { sampleRate: 16000 });
const ogg = encodeOggOpus(pcm, { sampleRateHertz: 16000 });
const pcmMs = (pcm.length / 32000) * 1000;

const setup = (options: Record<string, unknown> = {}) => fakeStream(options);


/** What the session's audio decodes to in the emulator's independent Ogg Opus reader. */
function decodedMs(call: FakeCall): number {
  const decoder = new OggOpusDecoder();
  decoder.push(call.audio());
  decoder.close();
  return decoder.audioMs;
}

describe('Ogg Opus through the stream, on a fake clock', () => {
  it('sends the header pages first, then paces pages by their granule positions', async () => {
    const { clock, transport, stream } = setup({ chunkMs: 200 });
    stream.end(ogg);
    await run(clock, pcmMs + 500);
    const writes = transport.calls[0]!.writes.slice(1);
    const header = writes[0]!.message.audio_content as Buffer;
    expect(pagesOf(header).map((p) => p.body.toString('latin1', 0, 8))).toEqual(['OpusHead', 'OpusTags']);
    // Each later message holds at least 200 ms and leaves when its first sample is due, by the
    // granule clock: (granule of the previous page − pre-skip) / 48.
    let streamMs = 0;
    for (const w of writes.slice(1)) {
      expect(w.at).toBeCloseTo(streamMs, 9);
      const end = (Number(pagesOf(w.message.audio_content as Buffer).at(-1)!.granule) - 312) / 48;
      expect(end - streamMs).toBeGreaterThanOrEqual(w === writes.at(-1) ? 0 : 200);
      streamMs = end;
    }
    expect(decodedMs(transport.calls[0]!)).toBeCloseTo(pcmMs, 6);
  });

  it('after a failure the next session starts with OpusHead and replays, as a valid stream, everything since the last final', async () => {
    const { clock, transport, stream } = setup({ pace: 0, retry: { minDelayMs: 100 } });
    const retries: RetryEvent[] = [];
    stream.on('retry', (e: RetryEvent) => retries.push(e));
    stream.write(ogg);
    await run(clock, 20);
    const first = transport.calls[0]!;
    first.respond(v2Final('12', 300, 1_000));
    await flushMicrotasks();
    first.finish({ code: 14, details: 'unavailable' });
    await run(clock, 200);
    expect(retries).toHaveLength(1);
    const second = transport.calls[1]!;
    const pages = pagesOf(second.audio());
    expect(pages[0]!.body.toString('latin1', 0, 8)).toBe('OpusHead');
    // The replay starts on a frame boundary (frames: 0–113.5, then 100 ms each) no earlier than the
    // frame holding 1 000 ms, or later in the pause after it (the silence in Opus packets is seen),
    // and the session decodes to exactly the audio from there to what the first session had been sent.
    const skippedMs = decodedMs(first) - decodedMs(second);
    expect(skippedMs).toBeGreaterThanOrEqual(913.5 - 1e-6);
    expect((skippedMs - 13.5) % 100).toBeCloseTo(0, 6);
    second.respond(v2Final('345', 600, 1_200));
    await flushMicrotasks();
    stream.end();
    await run(clock, 50);
    second.finish();
    await run(clock, 50);
  });

  it('keeps a paused Ogg session alive with silent Opus pages, off the timeline', async () => {
    const { clock, transport, stream, results } = setup({ idle: { afterMs: 500 } });
    const pages = pagesOf(ogg);
    const cut = pages[3]!.offset;
    stream.write(ogg.subarray(0, cut));
    await run(clock, 4_000);
    const call = transport.calls[0]!;
    expect(transport.calls).toHaveLength(1);
    const sent = decodedMs(call);
    const audioSent = (Number(pages[2]!.granule) - 312) / 48;
    // Keep-alive silence went out (100 ms per 500 ms of pause) inside the same valid Ogg stream.
    expect(sent - audioSent).toBeGreaterThanOrEqual(500);
    stream.end(ogg.subarray(cut));
    await run(clock, pcmMs);
    const total = decodedMs(call);
    expect(total).toBeCloseTo(pcmMs + (sent - audioSent), 6);
    // A word the service places after the silence is reported at its place in the user's audio.
    const sessionMs = sent + 100;
    call.respond(v2Final('6', sessionMs, sessionMs + 100));
    await flushMicrotasks();
    expect(results[0]!.startMs).toBeCloseTo(audioSent + 100, 6);
  });

  it('broken Ogg input fails the stream with INVALID_AUDIO, never a crash', async () => {
    const { clock, stream, errors } = setup({ pace: 0 });
    const bad = Buffer.from(ogg);
    bad[pagesOf(ogg)[4]!.offset + 60]! ^= 0xff;
    stream.write(bad);
    await run(clock, 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringMatching(/CRC/) });
  });
});
