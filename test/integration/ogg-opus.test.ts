import { describe, expect, it } from 'vitest';
import { dialledDigitsLayout, dialledDigitsPcm, pcmToWav, type Emulator } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { finalsText, recognize, streamOptions, withEmulator } from '../helpers/emulator.js';
import { encodeOggOpus, externalOggOpus, needs } from '../helpers/ogg.js';

const ffmpeg = needs('ffmpeg');
const opusenc = needs('opusenc');
const utterances = ['2026', '1121', '4095', '*#'];
const quickRetry = { minDelayMs: 5, maxDelayMs: 40, slowMinDelayMs: 20, healthyAfterMs: 2_000 };

/** Every session of an Ogg Opus stream must open with the stream's header (the emulator enforces it too). */
function expectSessionsStartWithOpusHead(emulator: Emulator): void {
  for (const s of emulator.sessions) {
    if (s.audio.length === 0) continue;
    expect(s.audio.toString('latin1', 0, 4)).toBe('OggS');
    expect(s.audio.toString('latin1', 28, 36)).toBe('OpusHead');
  }
}

const makers = [
  ['this library', { skip: false, note: '' }, (pcm: Buffer, rate: number) => encodeOggOpus(pcm, { sampleRateHertz: rate })],
  ['ffmpeg', ffmpeg, (pcm: Buffer, rate: number) => externalOggOpus(pcm, rate, 'ffmpeg')],
  ['opusenc', opusenc, (pcm: Buffer, rate: number) => externalOggOpus(pcm, rate, 'opusenc')],
] as const;

describe('Ogg Opus end to end (real gRPC, emulator)', () => {
  for (const [who, need, make] of makers) {
    it.skipIf(need.skip)(`an Ogg Opus file made by ${who} is sniffed, sent as OGG_OPUS and recognized exactly, with whole-stream word times${need.note}`, async () => {
      await withEmulator({}, async (emulator) => {
        for (const rate of [8000, 16000, 48000] as const) {
          emulator.reset();
          const pcm = dialledDigitsPcm(utterances, { sampleRate: rate });
          const stream = new RecognizeStream(streamOptions(emulator));
          const results = await recognize(stream, make(pcm, rate), 1500);
          expect(stream.audioFormat).toMatchObject({ encoding: 'OGG_OPUS', source: 'ogg-signature' });
          expect(finalsText(results)).toEqual(utterances);
          expect(emulator.sessions[0]!.config?.audioEncoding).toBe('OGG_OPUS');
          expectSessionsStartWithOpusHead(emulator);
          const tones = dialledDigitsLayout(utterances, { sampleRate: rate }).tones;
          const words = results.filter((r) => r.final).flatMap((r) => r.alternatives[0]!.words);
          words.forEach((w, i) => expect(Math.abs(w.startMs - tones[i]!.startMs)).toBeLessThanOrEqual(20));
        }
      });
    });
  }

  it('encode: "opus" sends Ogg Opus made from PCM (raw or WAV), recognized exactly, in a fraction of the bytes', async () => {
    await withEmulator({}, async (emulator) => {
      for (const rate of [8000, 16000, 48000] as const) {
        const pcm = dialledDigitsPcm(utterances, { sampleRate: rate });
        emulator.reset();
        const plain = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate }));
        expect(finalsText(await recognize(plain, pcm))).toEqual(utterances);
        const pcmBytes = emulator.sessions[0]!.audio.length;

        emulator.reset();
        const opus = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, encode: 'opus' }));
        expect(finalsText(await recognize(opus, pcm))).toEqual(utterances);
        expect(opus.audioFormat).toEqual({ encoding: 'OGG_OPUS', sampleRateHertz: undefined, source: 'options', encodedFrom: { encoding: 'LINEAR16_PCM', sampleRateHertz: rate } });
        expect(emulator.sessions[0]!.config?.audioEncoding).toBe('OGG_OPUS');
        expectSessionsStartWithOpusHead(emulator);
        expect(emulator.sessions[0]!.audio.length).toBeLessThan(pcmBytes / 5);

        emulator.reset();
        const wav = new RecognizeStream(streamOptions(emulator, { encode: { codec: 'opus', bitrate: 16000 } }));
        expect(finalsText(await recognize(wav, pcmToWav(pcm, rate)))).toEqual(utterances);
        expect(wav.audioFormat?.source).toBe('wav-header');
      }
    });
  });

  it('recovers from failures mid-stream: every new session opens with the header, nothing is lost or repeated', async () => {
    const pcm = dialledDigitsPcm([...utterances, ...utterances.map((u) => [...u].reverse().join(''))], { sampleRate: 16000 });
    await withEmulator({}, async (emulator) => {
      for (const input of ['ogg', 'encode'] as const) {
        emulator.reset();
        emulator.addFault({ session: 0, action: 'fail', status: 'UNAVAILABLE', afterAudioMs: 2_500 });
        emulator.addFault({ session: 1, action: 'drop', afterAudioMs: 3_000 });
        emulator.addFault({ session: 2, action: 'end', afterAudioMs: 2_000 });
        const stream = new RecognizeStream(
          streamOptions(emulator, { pace: 20, retry: quickRetry, ...(input === 'encode' ? { sampleRateHertz: 16000, encode: 'opus' as const } : {}) }),
        );
        const retries: RetryEvent[] = [];
        stream.on('retry', (e: RetryEvent) => retries.push(e));
        const audio = input === 'ogg' ? encodeOggOpus(pcm, { sampleRateHertz: 16000 }) : pcm;
        const results = await recognize(stream, audio, 2000);
        expect(finalsText(results)).toEqual([...utterances, ...utterances.map((u) => [...u].reverse().join(''))]);
        expect(retries.length).toBeGreaterThanOrEqual(3);
        expect(emulator.sessions.length).toBeGreaterThanOrEqual(4);
        expect(emulator.sessions.filter((s) => s.status?.name === 'INVALID_ARGUMENT')).toEqual([]);
        expectSessionsStartWithOpusHead(emulator);
      }
    });
  });

  it('a live Ogg source that pauses keeps its session with silent Opus pages (keepalive is the default)', async () => {
    const rate = 16000;
    const first = dialledDigitsPcm(['12'], { sampleRate: rate, trailMs: 800 });
    const second = dialledDigitsPcm(['34'], { sampleRate: rate, leadMs: 200 });
    await withEmulator({ limits: { idleMs: 900 } }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, encode: 'opus', pace: 1, idle: { afterMs: 200 } }));
      const results: string[] = [];
      stream.on('data', (r) => r.final && results.push(r.text));
      const done = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
      stream.write(first);
      // A pause longer than the service's idle limit (shrunk to 0.9 s here).
      await new Promise((resolve) => setTimeout(resolve, (first.length / 32) + 1_600));
      stream.end(second);
      await done;
      expect(results).toEqual(['12', '34']);
      expect(emulator.sessions).toHaveLength(1);
      expect(emulator.sessions[0]!.status?.name).toBe('OK');
      // The session heard more than the audio: the silence that kept it alive.
      expect(emulator.sessions[0]!.audioMs).toBeGreaterThan(((first.length + second.length) / 32) + 400);
    });
  }, 20_000);

  it('broken Ogg input fails the stream with a typed error and ends the session cleanly', async () => {
    const ogg = encodeOggOpus(dialledDigitsPcm(utterances, { sampleRate: 16000 }), { sampleRateHertz: 16000 });
    await withEmulator({}, async (emulator) => {
      const truncated = new RecognizeStream(streamOptions(emulator));
      await expect(recognize(truncated, ogg.subarray(0, ogg.length - 10))).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringMatching(/truncated/) });
      const corrupt = Buffer.from(ogg);
      corrupt[Math.floor(ogg.length / 2)]! ^= 0x40;
      const flipped = new RecognizeStream(streamOptions(emulator));
      await expect(recognize(flipped, corrupt)).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringMatching(/CRC/) });
      const declared = new RecognizeStream(streamOptions(emulator, { audioEncoding: 'OGG_OPUS' }));
      await expect(recognize(declared, Buffer.alloc(3200))).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringMatching(/OggS/) });
      for (const s of emulator.sessions) expect(s.status?.name).not.toBe('INVALID_ARGUMENT');
    });
  });
});
