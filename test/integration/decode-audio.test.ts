import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { decodeAudio } from '../../src/audio/ffmpeg.js';
import { runRecognize } from '../../src/cli/recognize.js';
import { dialledDigitsPcm, pcmToWav } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { finalsText, streamOptions, withEmulator } from '../helpers/emulator.js';
import { ffmpegEncode, needs } from '../helpers/ogg.js';

const ffmpeg = needs('ffmpeg');
const utterances = ['314', '159', '#26'];
const source = dialledDigitsPcm(utterances, { sampleRate: 48000 });
const dir = mkdtempSync(join(tmpdir(), 'speechkit-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Files in formats the recognizer cannot take as they are (44.1 kHz, stereo, float: ffmpeg converts). */
const formats: [string, string[]][] = [
  ['talk.mp3', ['-ar', '44100', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '96k', '-f', 'mp3']],
  // Fragmented, because a plain MP4 cannot be written to a pipe.
  ['talk.m4a', ['-ar', '44100', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+frag_keyframe+empty_moov', '-f', 'mp4']],
  ['talk.webm', ['-c:a', 'libopus', '-f', 'webm']],
  ['talk.ogg', ['-ar', '44100', '-c:a', 'libvorbis', '-f', 'ogg']],
  ['talk.flac', ['-ar', '22050', '-f', 'flac']],
  ['talk.wav', ['-ar', '44100', '-ac', '2', '-c:a', 'pcm_f32le', '-f', 'wav']],
];

async function recognizeStream(emulatorAddress: Parameters<typeof streamOptions>[0], audio: Readable & { sampleRateHertz: number }): Promise<string[]> {
  const results: RecognitionResult[] = [];
  await pipeline(audio, new RecognizeStream(streamOptions(emulatorAddress, { sampleRateHertz: audio.sampleRateHertz })), async (source: AsyncIterable<RecognitionResult>) => {
    for await (const r of source) results.push(r);
  });
  return finalsText(results);
}

describe.skipIf(ffmpeg.skip)(`decodeAudio(): any format in, through ffmpeg${ffmpeg.note}`, () => {
  it.each(formats.map(([name, args]) => [name, args] as const))('%s is decoded to PCM the recognizer hears exactly', async (name, args) => {
    const file = join(dir, name);
    writeFileSync(file, ffmpegEncode(source, 48000, args));
    await withEmulator({}, async (emulator) => {
      expect(await recognizeStream(emulator, decodeAudio(file))).toEqual(utterances);
    });
  });

  it('takes a stream as well as a path, at the rate asked for', async () => {
    const mp3 = ffmpegEncode(source, 48000, formats[0]![1]);
    const audio = decodeAudio(Readable.from([mp3.subarray(0, 5000), mp3.subarray(5000)]), { sampleRateHertz: 8000 });
    expect(audio.sampleRateHertz).toBe(8000);
    const out = await buffer(audio);
    // MP3 pads its start and end a little; the length stays within a frame of the source.
    expect(Math.abs(out.length / 2 / 8000 - source.length / 2 / 48000)).toBeLessThan(0.1);
  });

  it('fails with INVALID_AUDIO and ffmpeg\'s reason on input it cannot decode, or a file that is not there', async () => {
    await expect(buffer(decodeAudio(Readable.from([Buffer.from('this is not audio at all'.repeat(100))])))).rejects.toMatchObject({
      code: 'SPEECHKIT_ERR_INVALID_AUDIO',
      message: expect.stringMatching(/ffmpeg could not decode the input stream: .+/),
    });
    await expect(buffer(decodeAudio(join(dir, 'missing.mp3')))).rejects.toMatchObject({
      code: 'SPEECHKIT_ERR_INVALID_AUDIO',
      message: expect.stringMatching(/No such file/),
    });
    expect(() => decodeAudio('x.mp3', { sampleRateHertz: 44100 as 8000 })).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option: 'sampleRateHertz' }));
  });

  it('stops ffmpeg when the reader goes away', async () => {
    const long = ffmpegEncode(Buffer.concat(Array.from({ length: 20 }, () => source)), 48000, formats[0]![1]);
    const audio = decodeAudio(Readable.from([long]));
    await new Promise((resolve) => audio.once('readable', resolve));
    const ffmpegChildren = () => execFileSync('ps', ['--ppid', String(process.pid), '-o', 'comm=']).toString().split('\n').filter((c) => c === 'ffmpeg');
    expect(ffmpegChildren()).toHaveLength(1);
    audio.destroy();
    await new Promise((resolve) => audio.once('close', resolve));
    for (let i = 0; i < 50 && ffmpegChildren().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ffmpegChildren()).toHaveLength(0);
  });

  it('the CLI recognizes an MP3 (through ffmpeg) and a WAV (as it is), from a file or stdin, with and without --opus', async () => {
    const mp3 = join(dir, 'cli.mp3');
    writeFileSync(mp3, ffmpegEncode(source, 48000, formats[0]![1]));
    const wav = join(dir, 'cli.wav');
    writeFileSync(wav, pcmToWav(dialledDigitsPcm(utterances, { sampleRate: 16000 }), 16000));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      for (const args of [[mp3], [wav], [mp3, '--opus'], [wav, '--opus'], ['-', 'stdin: mp3'], ['-', 'stdin: wav']]) {
        log.mockClear();
        if (args[0] === '-') {
          const bytes = readFileSync(args[1]!.endsWith('mp3') ? mp3 : wav);
          vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]) as typeof process.stdin);
        }
        expect(await runRecognize([args[0]!, ...args.slice(1).filter((a) => a.startsWith('--')), '--emulator', '--pace', '0', '--json'])).toBe(0);
        const finals = log.mock.calls.map((c) => JSON.parse(String(c[0])) as RecognitionResult).filter((r) => r.final);
        expect(finals.map((r) => r.text), args.join(' ')).toEqual(utterances);
      }
    } finally {
      vi.restoreAllMocks();
    }
  });
});
