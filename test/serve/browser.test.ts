import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pcmToWav } from '../../src/emulator/index.js';
import { createBrowserServer, type ResultLine } from '../../src/serve/index.js';
import { withEmulator } from '../helpers/emulator.js';
import { dialled, Lines, recognizerFor } from './helpers.js';

/** Debian's chromium (CI installs it with apt), or the one CHROMIUM_PATH names. */
function findChromium(): string | undefined {
  const named = process.env.CHROMIUM_PATH;
  if (named) return existsSync(named) ? named : undefined;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not on PATH
    }
  }
  return undefined;
}

const chromium = findChromium();
if (!chromium) {
  console.warn(
    [
      '',
      '#'.repeat(78),
      '# SKIPPED: the browser captions test needs Chromium, and none was found.',
      '# Install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.',
      '#'.repeat(78),
      '',
    ].join('\n'),
  );
}

const DIGITS = ['2468', '1357'];
/** The README's picture is rewritten only when asked (`UPDATE_SCREENSHOT=1`); otherwise it goes to a temp dir. */
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOT === '1' ? new URL('../../docs/browser-captions.png', import.meta.url).pathname : join(mkdtempSync(join(tmpdir(), 'speechkit-shot-')), 'browser-captions.png');

describe('serve --protocol browser', () => {
  it.skipIf(!chromium)('captions a fake microphone in headless Chromium: the page shows the dialled digits', async () => {
    const { chromium: browserType } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'speechkit-browser-'));
    const wav = join(dir, 'digits.wav');
    // The fake microphone plays this file once (%noloop), in real time, at the audio context's rate.
    writeFileSync(wav, pcmToWav(dialled(DIGITS, 16000), 16000));
    await withEmulator({}, async (emulator) => {
      const lines = new Lines();
      const server = await createBrowserServer({ recognizer: { ...recognizerFor(emulator), pace: 1 }, onLine: lines.push, partial: true });
      const browser = await browserType.launch({
        executablePath: chromium,
        args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${wav}%noloop`, '--autoplay-policy=no-user-gesture-required'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
        const console: string[] = [];
        page.on('console', (m) => console.push(m.text()));
        page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
        await page.goto(server.url.replace(/^ws:/, 'http:'));
        await page.click('#toggle');
        await page.waitForSelector('#status[data-state="listening"]', { timeout: 15_000 });
        // Each final is a paragraph: its start time, then the digits.
        const finals = () => page.$$eval('#finals p', (ps) => ps.map((p) => p.lastChild?.textContent ?? ''));
        await expect.poll(finals, { timeout: 30_000, interval: 250 }).toEqual(DIGITS);
        await page.screenshot({ path: SCREENSHOT });
        expect(readFileSync(SCREENSHOT).subarray(1, 4).toString('latin1')).toBe('PNG');
        await page.click('#toggle');
        await page.waitForSelector('#status[data-state="ended"]', { timeout: 15_000 });
        expect(console.filter((l) => l.startsWith('pageerror'))).toEqual([]);
        // The same results reached the lines, with partials before the finals.
        const call = (lines.all.find((l) => l.type === 'final') as ResultLine).call;
        await lines.ended(call);
        expect(lines.finals(call)).toEqual(DIGITS);
        expect(lines.of(call).some((l) => l.type === 'partial')).toBe(true);
        expect(lines.errors()).toEqual([]);
        expect(server.activeCalls()).toBe(0);
      } finally {
        await browser.close();
        await server.close();
      }
    });
  }, 90_000);
});
