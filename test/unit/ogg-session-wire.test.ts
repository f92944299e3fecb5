import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { SessionWire } from '../../src/audio/frame.js';
import { OggOpusFramer } from '../../src/audio/ogg-opus-framer.js';
import { FLAG_BOS, FLAG_EOS } from '../../src/audio/ogg-page.js';
import type { OggFrame } from '../../src/audio/opus-frames.js';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { OggOpusDecoder } from '../../src/emulator/audio/ogg-opus-decoder.js';
import { encodeOggOpus, externalOggOpus, needs, pagesOf } from '../helpers/ogg.js';

const ffmpeg = needs('ffmpeg');

function framesOf(ogg: Buffer, chunkMs = 100): { framer: OggOpusFramer; frames: OggFrame[] } {
  const framer = new OggOpusFramer(chunkMs);
  framer.append(ogg);
  const frames: OggFrame[] = [];
  for (let f = framer.next(true); f; f = framer.next(true)) frames.push(f);
  return { framer, frames };
}

/** The bytes one session receives when it starts at `frames[0]`. */
function session(framer: OggOpusFramer, frames: OggFrame[], between?: (wire: SessionWire, i: number) => Buffer[]): Buffer {
  const wire = framer.openSession(frames[0]);
  const out = wire.prelude ? [wire.prelude] : [];
  frames.forEach((frame, i) => out.push(...(between?.(wire, i) ?? []), wire.encode(frame)));
  return Buffer.concat(out);
}

/** Decoded by the emulator's own Ogg Opus code (written apart from the client's). */
function emulatorDecode(ogg: Buffer): { audioMs: number; samples: number } {
  const decoder = new OggOpusDecoder();
  let samples = 0;
  for (let at = 0; at < ogg.length; at += 500) samples += decoder.push(ogg.subarray(at, at + 500)).length;
  decoder.close();
  return { audioMs: decoder.audioMs, samples };
}

function ffmpegDecode48k(ogg: Buffer): Int16Array {
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 's16le', '-ar', '48000', '-ac', '1', 'pipe:1'], { input: ogg, maxBuffer: 1 << 28 });
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
}

function snrDb(reference: Int16Array, test: Int16Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i]! ** 2;
    noise += (reference[i]! - test[i]!) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1));
}

const sum = (frames: OggFrame[]) => frames.reduce((ms, f) => ms + f.durationMs, 0);
const pcm = dialledDigitsPcm(['159', '2684', '37#'], { sampleRate: 16000, toneMs: 120 });
const ours = encodeOggOpus(pcm, { sampleRateHertz: 16000 });

describe('every session gets an Ogg Opus stream of its own', () => {
  const { framer, frames } = framesOf(ours);

  it('frames hold whole packets of at least chunkMs, their durations adding up to the audio exactly', () => {
    expect(sum(frames)).toBeCloseTo((pcm.length / 32000) * 1000, 9);
    frames.slice(0, -1).forEach((f) => expect(f.durationMs).toBeGreaterThanOrEqual(100));
    frames.forEach((f, i) => i > 0 && expect(f.streamMs).toBeCloseTo(frames[i - 1]!.streamMs + frames[i - 1]!.durationMs, 9));
    // The pre-skip is not audio, so the first frame needs a sixth 20 ms packet to reach 100 ms.
    expect(frames[0]!.durationMs).toBe(120 - 312 / 48);
  });

  it.each([0, 1, 9, 20])('a session starting at frame %i is a valid stream: headers, pages from 0, BOS first, EOS last', (from) => {
    const bytes = session(framer, frames.slice(from));
    const pages = pagesOf(bytes);
    expect(pages.map((p) => p.sequence)).toEqual(pages.map((_, i) => i));
    expect(pages.map((p) => !!(p.flags & FLAG_BOS))).toEqual(pages.map((_, i) => i === 0));
    expect(pages.map((p) => !!(p.flags & FLAG_EOS))).toEqual(pages.map((_, i) => i === pages.length - 1));
    expect(pages[0]!.body.toString('latin1', 0, 8)).toBe('OpusHead');
    expect(pages[1]!.body.toString('latin1', 0, 8)).toBe('OpusTags');
    // Its duration, as the emulator decodes it (pre-skip honoured), is exactly the frames it got.
    expect(emulatorDecode(bytes).audioMs).toBeCloseTo(sum(frames.slice(from)), 6);
  });

  it('a mid-stream session starts with up to 80 ms of preroll that its pre-skip discards', () => {
    const bytes = session(framer, frames.slice(9));
    const pages = pagesOf(bytes);
    expect(pages[0]!.body.readUInt16LE(10)).toBe(80 * 48);
    expect(pages[2]!.granule).toBe(80n * 48n);
    expect(pagesOf(session(framer, frames))[0]!.body.readUInt16LE(10)).toBe(312);
  });

  it.skipIf(ffmpeg.skip)(`ffmpeg decodes a mid-stream session to exactly the audio from its first frame on${ffmpeg.note}`, () => {
    const whole = ffmpegDecode48k(ours);
    expect(whole.length).toBe((pcm.length / 2) * 3);
    const energy = (pcm: Int16Array) => pcm.reduce((e, v) => e + v * v, 0) / pcm.length;
    // Sessions that start inside a tone, where a cold decoder would be heard.
    const starts = frames.map((_, i) => i).filter((i) => i > 0 && energy(whole.subarray(Math.round(frames[i]!.streamMs * 48), Math.round(frames[i]!.streamMs * 48) + 960)) > 1e6);
    expect(starts.length).toBeGreaterThanOrEqual(3);
    for (const from of starts) {
      const part = ffmpegDecode48k(session(framer, frames.slice(from)));
      expect(part.length).toBe(Math.round(sum(frames.slice(from)) * 48));
      const offset = Math.round(frames[from]!.streamMs * 48);
      // Time 0 of the session is the frame's first sample: the same audio, sample-aligned, warm from the start.
      expect(snrDb(whole.subarray(offset, offset + part.length), part)).toBeGreaterThan(25);
      expect(snrDb(whole.subarray(offset, offset + 960), part.subarray(0, 960))).toBeGreaterThan(10);
    }
  });

  it('keep-alive silence continues the session stream; sending a frame twice to two sessions gives the same bytes', () => {
    const a = session(framer, frames.slice(3, 8));
    const withSilence = session(framer, frames.slice(3, 8), (wire, i) => (i === 2 ? [wire.encode(framer.silence(450))] : []));
    expect(session(framer, frames.slice(3, 8))).toEqual(a);
    expect(emulatorDecode(withSilence).audioMs).toBeCloseTo(sum(frames.slice(3, 8)) + 460, 6);
    const pages = pagesOf(withSilence);
    expect(pages.map((p) => p.sequence)).toEqual(pages.map((_, i) => i));
  });

  it.skipIf(ffmpeg.skip)(`works the same on a stream made by ffmpeg (other page sizes, other pre-skip)${ffmpeg.note}`, () => {
    const ogg = externalOggOpus(pcm, 16000, 'ffmpeg');
    const other = framesOf(ogg, 100);
    expect(sum(other.frames)).toBeCloseTo((pcm.length / 32000) * 1000, 9);
    for (const from of [0, 4, 17]) {
      expect(emulatorDecode(session(other.framer, other.frames.slice(from))).audioMs).toBeCloseTo(sum(other.frames.slice(from)), 6);
    }
  });
});
