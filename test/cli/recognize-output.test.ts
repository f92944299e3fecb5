import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRecognize, type RecognizeIo } from '../../src/cli/recognize.js';
import { SubtitleTrack, toSrt, toVtt } from '../../src/cli/subtitles.js';
import { dialledDigitsPcm, pcmToWav } from '../../src/emulator/index.js';
import type { FinalResult, RecognizedWord } from '../../src/index.js';
import { dialled } from '../serve/helpers.js';

/** A golden file's text; `UPDATE_GOLDEN=1` rewrites it from what the test produced (then read the diff). */
function golden(name: string, actual: string): string {
  const url = new URL(`./golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  return readFileSync(url, 'utf8');
}

function captureIo(interrupted?: Promise<void>): RecognizeIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    print: (line) => void out.push(line),
    stdout: { write: (text: string) => void out.push(text), isTTY: false },
    stderr: { write: (text: string) => void err.push(text), isTTY: false },
    ...(interrupted && { interrupted }),
  };
}

function wavFile(utterances: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'speechkit-cli-')), 'call.wav');
  writeFileSync(file, pcmToWav(dialled(utterances, 16000), 16000));
  return file;
}

function final(finalIndex: number, text: string, words: RecognizedWord[], startMs = words[0]?.startMs, endMs = words.at(-1)?.endMs): FinalResult {
  return { type: 'final', final: true, endOfUtterance: true, finalIndex, text, alternatives: [{ text, confidence: 1, words }], session: 0, channelTag: '0', ...(startMs !== undefined && { startMs }), ...(endMs !== undefined && { endMs }) };
}

describe('recognize: subtitles', () => {
  it('--srt and --vtt from the emulator match the golden files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'speechkit-subs-'));
    const io = captureIo();
    const code = await runRecognize([wavFile(['2026', '1121', '4095']), '--emulator', '--pace', '0', '--srt', join(dir, 'out.srt'), '--vtt', join(dir, 'out.vtt')], io);
    expect(code).toBe(0);
    const srt = readFileSync(join(dir, 'out.srt'), 'utf8');
    const vtt = readFileSync(join(dir, 'out.vtt'), 'utf8');
    expect(srt).toBe(golden('digits.srt', srt));
    expect(vtt).toBe(golden('digits.vtt', vtt));
  });

  it('splits a long final at its word times, wraps cues to two lines, and takes refinements', () => {
    const track = new SubtitleTrack();
    // Twenty-four words of 400 ms each: 9.6 s and 140 characters, too long for one cue.
    const words = 'the quick brown fox jumps over the lazy dog while the cat watches from the warm window sill and the birds sing loudly outside today'
      .split(' ')
      .map((text, i) => ({ text, startMs: 1_000 + i * 400, endMs: 1_000 + i * 400 + 350, confidence: 1 }));
    track.add(final(0, words.map((w) => w.text).join(' '), words));
    track.add(final(1, 'one two three', [], 12_000, 13_500));
    track.add({ type: 'refinement', final: false, endOfUtterance: false, finalIndex: 1, text: '123', alternatives: [], session: 0, channelTag: '0' });
    track.add(final(2, 'no times at all', [], undefined, undefined));
    expect(toSrt(track.cues())).toBe(golden('long.srt', toSrt(track.cues())));
    expect(toVtt(track.cues())).toBe(golden('long.vtt', toVtt(track.cues())));
    expect(track.skipped).toBe(1);
  });
});

describe('recognize: progress and Ctrl-C', () => {
  it('--progress reports position / duration, speed and time left on stderr', async () => {
    const io = captureIo();
    // 7.4 s of audio at 4× real time: about two seconds of reports, four a second.
    expect(await runRecognize([wavFile(['31', '415', '9265', '35', '89', '79']), '--emulator', '--pace', '4', '--progress'], io)).toBe(0);
    const reports = io.err.join('').split('\r\x1b[2K').filter((t) => t.includes('/'));
    expect(reports.length).toBeGreaterThan(2);
    const durations = new Set(reports.map((r) => /\/ ([\d.]+ s)/.exec(r)?.[1]));
    expect([...durations]).toEqual(['7.4 s']);
    // Dim (SGR 2 … 22): position / duration, speed, time left.
    const ESC = '\x1b';
    expect(reports.at(-1)!.startsWith(`${ESC}[2m`) && reports.at(-1)!.endsWith(`${ESC}[22m`)).toBe(true);
    expect(reports.at(-1)!.slice(4, -5)).toMatch(/^[\d.]+ s \/ 7\.4 s {2}[\d.]+× {2}ETA [\d.]+ s {2}$/);
    const positions = reports.map((r) => Number(/([\d.]+) s \//.exec(r)?.[1]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(io.out.filter((l) => l.startsWith('final')).map((l) => l.split(' ').at(-1))).toEqual(['31', '415', '9265', '35', '89', '79']);
  });

  it('Ctrl-C stops the audio there, still writes the last final, and exits 130', async () => {
    let interrupt: () => void = () => undefined;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const io = captureIo(interrupted);
    const outFinals = () => io.out.filter((l) => l.startsWith('final')).map((l) => l.split(' ').at(-1));
    // Real time, numbers 2.9 s apart: '12' ends at 0.43 s, '34' starts at 3.33 s. Ctrl-C comes
    // with the first final (about 1.1 s); the recognizer has then taken its 400 ms bound and a few
    // 20 ms pieces more, so the audio stops in the silence before '34'.
    const file = join(mkdtempSync(join(tmpdir(), 'speechkit-cli-')), 'call.wav');
    writeFileSync(file, pcmToWav(dialledDigitsPcm(['12', '34', '56'], { sampleRate: 16000, toneMs: 80, toneGapMs: 70, utteranceGapMs: 2900, leadMs: 200, trailMs: 900 }), 16000));
    const run = runRecognize([file, '--emulator', '--pace', '1'], io);
    await expect.poll(outFinals, { timeout: 10_000, interval: 20 }).toEqual(['12']);
    interrupt();
    expect(await run).toBe(130);
    // What was taken before Ctrl-C is finalized; what came after was never sent.
    expect(outFinals()).toEqual(['12']);
  });
});

describe('recognize --mic', () => {
  it("records through ffmpeg's capture device (here lavfi generating two dialled digits)", async () => {
    const io = captureIo();
    // Commas inside a filter argument are escaped for ffmpeg's filter-graph parser.
    const tone = (lo: number, hi: number, from: number) => `0.25*(sin(2*PI*${lo}*t)+sin(2*PI*${hi}*t))*between(t\\,${from}\\,${from + 0.1})`;
    const device = `aevalsrc=${tone(697, 1209, 0.3)}+${tone(770, 1336, 0.55)}:s=16000:d=2`;
    expect(await runRecognize(['--mic', '--mic-format', 'lavfi', '--mic-device', device, '--emulator', '--pace', '0', '--json'], io)).toBe(0);
    const finals = io.out.map((l) => JSON.parse(l) as { final: boolean; text: string }).filter((r) => r.final);
    expect(finals.map((r) => r.text)).toEqual(['15']);
  });
});
