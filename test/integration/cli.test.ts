import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDemo, DEMO_UTTERANCES } from '../../src/cli/demo.js';
import { runRecognize } from '../../src/cli/recognize.js';
import { sendsAsIs } from '../../src/cli/sniff.js';
import { dialledDigitsPcm, pcmToG711, pcmToWav } from '../../src/emulator/index.js';

/** A G.711 WAV as call recorders write it: format 7 (µ-law) or 6 (A-law), 8-bit, 8 kHz mono. */
function g711Wav(codes: Buffer, format: 6 | 7): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + codes.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(codes.length, 40);
  return Buffer.concat([header, codes]);
}

function captureLog() {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(`ERR ${args.join(' ')}`));
  return lines;
}

describe('command line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('demo prints the dialled digits', async () => {
    const lines = captureLog();
    expect(await runDemo(['--pace', '0'])).toBe(0);
    expect(lines.filter((l) => l.startsWith('final')).map((l) => l.split(' ').at(-1))).toEqual(DEMO_UTTERANCES);
    expect(lines.at(-1)).toBe(`Recognized: ${DEMO_UTTERANCES.join(' ')}`);
  });

  it('recognize FILE --json prints one result object per line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'speechkit-cli-'));
    const file = join(dir, 'call.wav');
    writeFileSync(file, pcmToWav(dialledDigitsPcm(['31', '415'], { sampleRate: 8000 }), 8000));
    const lines = captureLog();
    expect(await runRecognize([file, '--emulator', '--json', '--pace', '0', '--partial'])).toBe(0);
    const results = lines.map((l) => JSON.parse(l) as { final: boolean; text: string; session: number });
    expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(['31', '415']);
    expect(results.some((r) => !r.final)).toBe(true);
  });

  it('recognizes telephone audio: raw µ-law with --encoding, and a G.711 WAV by its header, without ffmpeg', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'speechkit-cli-'));
    const pcm = dialledDigitsPcm(['55', '1212'], { sampleRate: 8000 });
    const raw = join(dir, 'call.ulaw');
    writeFileSync(raw, pcmToG711(pcm, 'MULAW'));
    const wav = join(dir, 'call-alaw.wav');
    const wavBytes = g711Wav(pcmToG711(pcm, 'ALAW'), 6);
    writeFileSync(wav, wavBytes);
    // The library takes a G.711 WAV as it is: the command line does not send it through ffmpeg.
    expect(sendsAsIs(wavBytes.subarray(0, 64))).toBe(true);
    for (const args of [[raw, '--encoding', 'MULAW'], [wav]]) {
      const lines = captureLog();
      expect(await runRecognize([...args, '--emulator', '--json', '--pace', '0'])).toBe(0);
      const finals = lines.map((l) => JSON.parse(l) as { final: boolean; text: string }).filter((r) => r.final);
      expect(finals.map((r) => r.text)).toEqual(['55', '1212']);
      vi.restoreAllMocks();
    }
  });

  it('refuses to run without credentials, and says where they come from', async () => {
    const saved = { key: process.env.SPEECHKIT_API_KEY, token: process.env.SPEECHKIT_IAM_TOKEN };
    delete process.env.SPEECHKIT_API_KEY;
    delete process.env.SPEECHKIT_IAM_TOKEN;
    try {
      await expect(runRecognize(['whatever.wav'])).rejects.toThrow(/SPEECHKIT_API_KEY or SPEECHKIT_IAM_TOKEN/);
    } finally {
      if (saved.key !== undefined) process.env.SPEECHKIT_API_KEY = saved.key;
      if (saved.token !== undefined) process.env.SPEECHKIT_IAM_TOKEN = saved.token;
    }
  });
});
