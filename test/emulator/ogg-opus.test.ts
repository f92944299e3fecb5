import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialledDigitsLayout, dialledDigitsPcm, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { encodeOggOpus, externalOggOpus, needs, pagesOf, rewritePage } from '../helpers/ogg.js';
import { chunks, closeClients, durationMs, finals, runSession, split } from './helpers.js';

const ffmpeg = needs('ffmpeg');
const opusenc = needs('opusenc');
const OGG = { audio_encoding: 'OGG_OPUS' as const };

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ limits: { maxAudioMs: 20_000 } });
});
afterAll(async () => {
  closeClients();
  await emu.close();
});
beforeEach(() => emu.reset());

const utterances = ['147', '*0#', '2580'];

describe('emulator: OGG_OPUS', () => {
  const makers = [
    ['this library', { skip: false, note: '' }, (pcm: Buffer, rate: number) => encodeOggOpus(pcm, { sampleRateHertz: rate })],
    ['ffmpeg', ffmpeg, (pcm: Buffer, rate: number) => externalOggOpus(pcm, rate, 'ffmpeg')],
    ['opusenc', opusenc, (pcm: Buffer, rate: number) => externalOggOpus(pcm, rate, 'opusenc')],
  ] as const;
  for (const [who, need, make] of makers) {
    it.skipIf(need.skip)(`recognizes the digits in Ogg Opus made by ${who}, at the right times, whatever the message sizes${need.note}`, async () => {
      for (const rate of [8000, 16000, 48000] as const) {
        const pcm = dialledDigitsPcm(utterances, { sampleRate: rate });
        const out = await runSession(emu, { spec: OGG, chunks: split(make(pcm, rate), 1, 300, 4096, 27) });
        expect(out.status.code, out.status.details).toBe(0);
        expect(chunks(out.responses)).toEqual(utterances.map((text) => ({ text, final: true, eou: true })));
        const layout = dialledDigitsLayout(utterances, { sampleRate: rate });
        const words = out.responses.flatMap((r) => r.chunks[0]!.alternatives[0]!.words);
        words.forEach((w, i) => {
          expect(w.word).toBe(layout.tones[i]!.symbol);
          expect(Math.abs(durationMs(w.start_time) - layout.tones[i]!.startMs)).toBeLessThanOrEqual(20);
        });
        // Audio time comes from the granule positions, pre-skip removed: the PCM's duration.
        expect(emu.sessions.at(-1)!.audioMs).toBeCloseTo((pcm.length / 2 / rate) * 1000, 6);
      }
    });
  }

  it('refuses a session that does not begin with the stream\'s header pages (a reconnect that resends only audio)', async () => {
    const ogg = encodeOggOpus(dialledDigitsPcm(utterances, { sampleRate: 16000 }), { sampleRateHertz: 16000 });
    const pages = pagesOf(ogg);
    const out = await runSession(emu, { spec: OGG, chunks: [ogg.subarray(pages[2]!.offset)] });
    expect(out.status.code).toBe(3);
    expect(out.status.details).toMatch(/OpusHead/);
    expect(finals(out.responses)).toEqual([]);
  });

  it('refuses raw PCM declared as OGG_OPUS, a bad CRC, a page gap, and granules that do not match', async () => {
    const ogg = encodeOggOpus(dialledDigitsPcm(utterances, { sampleRate: 16000 }), { sampleRateHertz: 16000 });
    const pages = pagesOf(ogg);
    const crc = Buffer.from(ogg);
    crc[pages[3]!.offset + 50]! ^= 1;
    const gap = Buffer.concat([ogg.subarray(0, pages[3]!.offset), ogg.subarray(pages[4]!.offset)]);
    const granule = Buffer.from(ogg);
    rewritePage(granule, pages[3]!, { granule: pages[3]!.granule + 960n });
    for (const [bytes, details] of [
      [Buffer.alloc(3200, 1), /must start with an Ogg page/],
      [crc, /page 3 fails its CRC/],
      [gap, /page 3 has sequence 4, expected 3/],
      [granule, /page 3: granule position .* does not match/],
    ] as const) {
      const out = await runSession(emu, { spec: OGG, chunks: [bytes] });
      expect(out.status.code).toBe(3);
      expect(out.status.details).toMatch(details);
    }
  });

  it.skipIf(ffmpeg.skip)(`refuses stereo Ogg Opus: the service takes mono${ffmpeg.note}`, async () => {
    const stereo = execFileSync('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', '16000', '-ac', '2', '-i', 'pipe:0', '-c:a', 'libopus', '-f', 'ogg', 'pipe:1'], { input: Buffer.alloc(64000) });
    const out = await runSession(emu, { spec: OGG, chunks: [stereo] });
    expect(out.status.code).toBe(3);
    expect(out.status.details).toMatch(/2 channels.*mono/);
  });

  it('ends the session at the audio limit counted from granule positions, not bytes', async () => {
    const ogg = encodeOggOpus(Buffer.alloc(16000 * 2 * 25), { sampleRateHertz: 16000 });
    expect(ogg.length).toBeLessThan(20_000);
    const out = await runSession(emu, { spec: OGG, chunks: split(ogg, 2000) });
    expect(out.status.code).toBe(11);
    expect(out.status.details).toMatch(/^session limit:/);
    expect(emu.sessions[0]!.audioMs).toBeGreaterThan(20_000);
  });
});
