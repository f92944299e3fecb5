import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDemo, DEMO_UTTERANCES } from '../../src/cli/demo.js';
import { runRecognize } from '../../src/cli/recognize.js';
import { dialledDigitsPcm, pcmToWav } from '../../src/emulator/index.js';

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
