import { describe, expect, it } from 'vitest';
import { ALAW_TO_LINEAR, MULAW_TO_LINEAR } from '../../src/audio/g711.js';
import { AudioIntake } from '../../src/audio/intake.js';
import type { AudioFrame } from '../../src/audio/frame.js';
import { encodeOggOpus } from '../helpers/ogg.js';

function wavHeader(opts: { rate?: number; channels?: number; bits?: number; format?: number; dataBytes?: number; extraChunk?: boolean } = {}): Buffer {
  const { rate = 16000, channels = 1, bits = 16, format = 1, dataBytes = 0xffffffff, extraChunk = false } = opts;
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(format, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 16);
  fmt.writeUInt16LE((channels * bits) / 8, 20);
  fmt.writeUInt16LE(bits, 22);
  const list = Buffer.from('LIST\x04\x00\x00\x00INFO', 'latin1');
  const data = Buffer.alloc(8);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(dataBytes, 4);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(0xffffffff, 4);
  riff.write('WAVE', 8, 'latin1');
  return Buffer.concat([riff, fmt, ...(extraChunk ? [list] : []), data]);
}

function run(intake: AudioIntake, chunks: Buffer[]): AudioFrame[] {
  const frames: AudioFrame[] = [];
  for (const c of chunks) {
    intake.append(c);
    for (let f = intake.next(false); f; f = intake.next(false)) frames.push(f);
  }
  for (let f = intake.next(true); f; f = intake.next(true)) frames.push(f);
  return frames;
}

const declaredNone = { audioEncoding: undefined, sampleRateHertz: undefined };
const audio = Buffer.alloc(16000 * 2 * 0.25, 7); // 250 ms at 16 kHz

describe('AudioIntake', () => {
  it('sniffs a WAV header, takes its rate and strips it, also when split byte by byte', () => {
    for (const extraChunk of [false, true]) {
      const wav = Buffer.concat([wavHeader({ rate: 16000, extraChunk }), audio]);
      for (const chunks of [[wav], [...wav].map((b) => Buffer.from([b]))]) {
        const intake = new AudioIntake(declaredNone, 100);
        const frames = run(intake, chunks);
        expect(intake.format).toEqual({ encoding: 'LINEAR16_PCM', sampleRateHertz: 16000, source: 'wav-header' });
        expect(Buffer.concat(frames.map((f) => f.data)).equals(audio)).toBe(true);
      }
    }
  });

  it('stops at the end of the declared WAV data (trailing metadata chunks are not audio)', () => {
    const trailer = Buffer.from('LIST\x10\x00\x00\x00INFOISFT\x04\x00\x00\x00abc\x00', 'latin1');
    const wav = Buffer.concat([wavHeader({ rate: 8000, dataBytes: 1600 }), Buffer.alloc(1600, 1), trailer]);
    const frames = run(new AudioIntake(declaredNone, 100), [wav]);
    expect(Buffer.concat(frames.map((f) => f.data))).toEqual(Buffer.alloc(1600, 1));
  });

  it.each([
    [{ channels: 2 }, /2 channels/],
    [{ bits: 8 }, /8-bit/],
    [{ format: 3, bits: 32 }, /float/],
    [{ rate: 44100 }, /44100 Hz/],
    [{ format: 2 }, /not PCM/],
    [{ format: 7, bits: 16, rate: 8000 }, /µ-law audio must be 8-bit/],
    [{ format: 6, bits: 8, rate: 16000 }, /A-law audio at 16000 Hz/],
  ])('rejects an unsupported WAV (%o) with a clear error', (opts, message) => {
    const intake = new AudioIntake(declaredNone, 100);
    expect(() => intake.append(Buffer.concat([wavHeader(opts), audio]))).toThrow(
      expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringMatching(message) }),
    );
  });

  it('recognizes Ogg by its signature and reads it as Ogg Opus', () => {
    const intake = new AudioIntake(declaredNone, 100);
    const frames = run(intake, [encodeOggOpus(Buffer.alloc(16000), { sampleRateHertz: 16000 })]);
    expect(intake.format).toEqual({ encoding: 'OGG_OPUS', sampleRateHertz: undefined, source: 'ogg-signature' });
    expect(frames.reduce((ms, f) => ms + f.durationMs, 0)).toBeCloseTo(500, 6);
  });

  it('encodes PCM to Ogg Opus with `encode`, saying what was written', () => {
    const intake = new AudioIntake({ audioEncoding: undefined, sampleRateHertz: undefined, encode: { codec: 'opus', bitrate: undefined, complexity: 5 } }, 100);
    const frames = run(intake, [Buffer.concat([wavHeader({ rate: 8000 }), Buffer.alloc(8000)])]);
    expect(intake.format).toEqual({ encoding: 'OGG_OPUS', sampleRateHertz: undefined, source: 'wav-header', encodedFrom: { encoding: 'LINEAR16_PCM', sampleRateHertz: 8000 } });
    expect(frames.reduce((ms, f) => ms + f.durationMs, 0)).toBeCloseTo(500, 6);
    expect(frames.every((f) => f.silent)).toBe(true);
    intake.close();
  });

  it('refuses raw PCM without sampleRateHertz, and takes it with one', () => {
    expect(() => new AudioIntake(declaredNone, 100).append(audio)).toThrow(/sampleRateHertz/);
    const intake = new AudioIntake({ audioEncoding: undefined, sampleRateHertz: 16000 }, 100);
    const frames = run(intake, [audio]);
    expect(intake.format).toEqual({ encoding: 'LINEAR16_PCM', sampleRateHertz: 16000, source: 'options' });
    expect(frames.map((f) => f.durationMs)).toEqual([100, 100, 50]);
  });

  it('decides on a stream shorter than the sniff window at its end', () => {
    const intake = new AudioIntake({ audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 8000 }, 100);
    const frames = run(intake, [Buffer.alloc(4, 1)]);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.data).toHaveLength(4);
  });

  it('catches a declared format that contradicts the audio', () => {
    expect(() => new AudioIntake({ audioEncoding: 'OGG_OPUS', sampleRateHertz: undefined }, 100).append(Buffer.concat([wavHeader(), audio]))).toThrow(/WAV/);
    expect(() => new AudioIntake({ audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 8000 }, 100).append(Buffer.concat([wavHeader({ rate: 16000 }), audio]))).toThrow(/16000/);
  });

  it('expands raw G.711 to 16-bit PCM at 8 kHz, sent as LINEAR16_PCM', () => {
    const codes = Buffer.from(Array.from({ length: 1200 }, (_, i) => (i * 13) & 0xff)); // 150 ms
    for (const [law, table] of [['MULAW', MULAW_TO_LINEAR], ['ALAW', ALAW_TO_LINEAR]] as const) {
      const intake = new AudioIntake({ audioEncoding: law, sampleRateHertz: 8000 }, 100);
      // 20 ms writes, as RTP and media-server sockets deliver them.
      const frames = run(intake, Array.from({ length: 8 }, (_, i) => codes.subarray(i * 160, i * 160 + 160)));
      expect(intake.format).toEqual({ encoding: 'LINEAR16_PCM', sampleRateHertz: 8000, source: 'options' });
      expect(frames.map((f) => [f.streamMs, f.durationMs])).toEqual([[0, 100], [100, 50]]);
      const pcm = Buffer.concat(frames.map((f) => f.data));
      expect(pcm.length).toBe(codes.length * 2);
      for (let i = 0; i < codes.length; i++) expect(pcm.readInt16LE(i * 2)).toBe(table[codes[i]!]);
    }
  });

  it('reads a G.711 WAV (format 7 µ-law, 6 A-law) and expands it, with or without the option', () => {
    const codes = Buffer.from(Array.from({ length: 800 }, (_, i) => (i * 7) & 0xff));
    for (const [format, law, table] of [[7, 'MULAW', MULAW_TO_LINEAR], [6, 'ALAW', ALAW_TO_LINEAR]] as const) {
      const wav = Buffer.concat([wavHeader({ format, bits: 8, rate: 8000, dataBytes: codes.length }), codes]);
      for (const declared of [declaredNone, { audioEncoding: law, sampleRateHertz: 8000 as const }]) {
        const intake = new AudioIntake(declared, 100);
        const pcm = Buffer.concat(run(intake, [wav.subarray(0, 30), wav.subarray(30)]).map((f) => f.data));
        expect(intake.format).toEqual({ encoding: 'LINEAR16_PCM', sampleRateHertz: 8000, source: 'wav-header' });
        expect([...Array(codes.length).keys()].every((i) => pcm.readInt16LE(i * 2) === table[codes[i]!])).toBe(true);
      }
      const wrong = new AudioIntake({ audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 8000 }, 100);
      expect(() => wrong.append(wav)).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringContaining(law) }));
    }
  });
});
