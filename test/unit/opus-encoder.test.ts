import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createOggOpusEncoder } from '../../src/audio/ogg-opus-encoder.js';
import { OggOpusReader } from '../../src/audio/ogg-opus-reader.js';
import { OpusPacketEncoder } from '../../src/audio/opus-encoder.js';
import { OpusEncodingFramer } from '../../src/audio/opus-encoding-framer.js';
import type { OggFrame } from '../../src/audio/opus-frames.js';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { seededRandom } from '../helpers/dialled.js';
import { encodeOggOpus, needs } from '../helpers/ogg.js';

const ffmpeg = needs('ffmpeg');
const opts = { codec: 'opus' as const, bitrate: undefined, complexity: 5 };

function frames(rate: number, pcm: Buffer, chunkMs = 100, pieces = 1): OggFrame[] {
  const framer = new OpusEncodingFramer(rate, chunkMs, opts);
  const out: OggFrame[] = [];
  const size = Math.ceil(pcm.length / pieces);
  for (let at = 0; at < pcm.length; at += size) {
    framer.append(pcm.subarray(at, at + size));
    for (let f = framer.next(false); f; f = framer.next(false)) out.push(f);
  }
  for (let f = framer.next(true); f; f = framer.next(true)) out.push(f);
  framer.close();
  return out;
}

function packetsOf(ogg: Buffer): string[] {
  const packets: string[] = [];
  const reader = new OggOpusReader({ header: () => {}, packets: (p) => packets.push(...p.map((x) => x.data.toString('hex'))) });
  reader.append(ogg);
  reader.finish();
  return packets;
}

describe('in-process Opus encoding', () => {
  it.each([8000, 16000, 48000])('%i Hz: frame durations add up to the PCM exactly, whatever its length and write sizes', (rate) => {
    const random = seededRandom(rate);
    for (let round = 0; round < 6; round++) {
      const samples = Math.floor(random() * rate * 1.3) + 1;
      const pcm = Buffer.alloc(samples * 2);
      const got = frames(rate, pcm, 100, 1 + Math.floor(random() * 7));
      expect(got.reduce((ms, f) => ms + f.durationMs, 0)).toBeCloseTo((samples / rate) * 1000, 9);
      got.slice(0, -1).forEach((f) => expect(f.durationMs).toBeGreaterThanOrEqual(100));
      expect(got.at(-1)!.ogg.eos).toBe(true);
      expect(got.slice(0, -1).some((f) => f.ogg.eos)).toBe(false);
    }
  });

  it('says which frames are silence (rollover points) and which are not', () => {
    const pcm = dialledDigitsPcm(['5'], { sampleRate: 16000, leadMs: 600, toneMs: 300, trailMs: 600 });
    const got = frames(16000, pcm);
    const silent = got.map((f) => f.silent);
    expect(silent.slice(0, 4).every(Boolean)).toBe(true);
    expect(silent.filter((s) => !s).length).toBeGreaterThanOrEqual(3);
    expect(silent.slice(-4).every(Boolean)).toBe(true);
  });

  it('rejects half a sample at the end with INVALID_AUDIO', () => {
    const framer = new OpusEncodingFramer(16000, 100, opts);
    framer.append(Buffer.alloc(3201));
    expect(() => {
      for (let f = framer.next(true); f; f = framer.next(true));
    }).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_AUDIO' }));
    framer.close();
  });

  it('hundreds of encoders in one process encode exactly what one alone does (opusscript heap growth)', () => {
    const pcm = dialledDigitsPcm(['7'], { sampleRate: 48000, leadMs: 0, toneMs: 60, trailMs: 0 }).subarray(0, 1920);
    const alone = new OpusPacketEncoder(48000, opts);
    const reference = alone.encode(pcm).toString('hex');
    const crowd = Array.from({ length: 400 }, () => new OpusPacketEncoder(48000, opts));
    // Each encoder's first packet is the same; the heap has grown many times under the first ones.
    for (const encoder of crowd) expect(encoder.encode(pcm).toString('hex')).toBe(reference);
    const later = new OpusPacketEncoder(48000, opts);
    expect(later.encode(pcm).toString('hex')).toBe(reference);
    for (const encoder of [alone, later, ...crowd]) encoder.close();
  });

  it('the Transform writes the same packets as the whole-buffer encoder', async () => {
    const pcm = dialledDigitsPcm(['42'], { sampleRate: 8000 });
    const streamed = await buffer(Readable.from([pcm.subarray(0, 999), pcm.subarray(999)]).pipe(createOggOpusEncoder({ sampleRateHertz: 8000 })));
    expect(packetsOf(streamed)).toEqual(packetsOf(encodeOggOpus(pcm, { sampleRateHertz: 8000 })));
    await expect(pipeline(Readable.from([Buffer.alloc(5)]), createOggOpusEncoder({ sampleRateHertz: 8000 }))).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_AUDIO' });
    expect(() => createOggOpusEncoder({ sampleRateHertz: 44100 })).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option: 'sampleRateHertz' }));
  });

  it.skipIf(ffmpeg.skip)(`ffmpeg decodes our file to the input's exact length and sound${ffmpeg.note}`, () => {
    for (const rate of [8000, 16000, 48000]) {
      const pcm = dialledDigitsPcm(['90'], { sampleRate: rate as 8000 });
      const decoded = execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 's16le', '-ar', String(rate), 'pipe:1'], { input: encodeOggOpus(pcm, { sampleRateHertz: rate, bitrate: 32000 }) });
      expect(decoded.length).toBe(pcm.length);
      let signal = 0;
      let noise = 0;
      for (let i = 0; i < pcm.length; i += 2) {
        signal += pcm.readInt16LE(i) ** 2;
        noise += (pcm.readInt16LE(i) - decoded.readInt16LE(i)) ** 2;
      }
      expect(10 * Math.log10(signal / noise)).toBeGreaterThan(10);
    }
  });
});
