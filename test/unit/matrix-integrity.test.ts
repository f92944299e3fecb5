import { describe, expect, it } from 'vitest';
import type { DialledTone } from '../../src/emulator/index.js';
import type { RecognitionResult } from '../../src/results.js';
import { matrixCells, missingPairs, productCells } from '../matrix/cells.js';
import { feasible } from '../matrix/dimensions.js';
import { checkDigits, digitsOf } from '../matrix/integrity.js';

function tonesOf(utterances: string[]): DialledTone[] {
  const tones: DialledTone[] = [];
  let t = 0;
  utterances.forEach((u, utterance) => {
    for (const symbol of u) {
      tones.push({ symbol, utterance, startMs: t, endMs: t + 80 });
      t += 150;
    }
    t += 900;
  });
  return tones;
}

function finals(texts: string[], session = 0): RecognitionResult[] {
  return texts.map((text, finalIndex) => ({ type: 'final', final: true, endOfUtterance: true, text, alternatives: [], session, channelTag: '0', finalIndex }) as RecognitionResult);
}

describe('the matrix\'s digit check names what went wrong', () => {
  const utterances = ['123', '45', '678'];
  const tones = tonesOf(utterances);

  it('passes an exact run, v2 digits or v3 words', () => {
    expect(digitsOf('one two three')).toBe('123');
    const check = checkDigits(finals(['one two three', '45', '678']), tones, utterances);
    expect(check).toMatchObject({ expected: 8, got: 8, lost: [], repeated: [], badTimes: [], splitFinals: 0 });
  });

  it('a repeated utterance is a repeat at the seam, a missing one is a loss with its utterance and time', () => {
    const repeat = checkDigits(finals(['123', '45', '45', '678']), tones, utterances);
    expect(repeat.lost).toEqual([]);
    expect(repeat.repeated.map((f) => f.digit).join('')).toBe('45');
    const loss = checkDigits(finals(['123', '678']), tones, utterances);
    expect(loss.repeated).toEqual([]);
    expect(loss.lost.map((f) => [f.digit, f.utterance])).toEqual([['4', 1], ['5', 1]]);
    expect(loss.lost[0]!.atMs).toBe(tones[3]!.startMs);
  });

  it('out of order is a loss and an extra, not a pass', () => {
    const check = checkDigits(finals(['45', '123', '678']), tones, utterances);
    expect(check.lost.length + check.repeated.length).toBeGreaterThan(0);
  });

  it('a split at a hard cut keeps every digit but is counted', () => {
    const check = checkDigits(finals(['12', '3', '45', '678']), tones, utterances);
    expect(check.lost).toEqual([]);
    expect(check.repeated).toEqual([]);
    expect(check.splitFinals).toBe(2);
  });

  it('times that do not cover the final\'s own tones are reported', () => {
    const results = finals(['123', '45', '678']);
    Object.assign(results[1]!, { startMs: tones[3]!.startMs + 3_600_000, endMs: tones[4]!.endMs + 3_600_000 });
    expect(checkDigits(results, tones, utterances).badTimes).toHaveLength(1);
  });
});

describe('the digit check with a declared loss', () => {
  it('pairs a timed final with the tones inside its times, not an earlier run of the same digits', () => {
    const utterances = ['160916', '38'];
    const tones = tonesOf(utterances);
    // The first four digits were lost at a seam; the final '16' is timed on the first utterance's last two tones.
    const got = finals(['16', '38']);
    Object.assign(got[0]!, { startMs: tones[4]!.startMs, endMs: tones[5]!.endMs });
    const check = checkDigits(got, tones, utterances);
    expect(check.badTimes).toEqual([]);
    expect(check.lost.map((l) => l.index)).toEqual([0, 1, 2, 3]);
  });
});

describe('the covering design', () => {
  it('covers every feasible pair of values and the full product of API × word times × rollover × fault', () => {
    const cells = matrixCells();
    expect(missingPairs(cells)).toEqual([]);
    const ids = new Set(cells.map((c) => c.id));
    expect(productCells()).toHaveLength(2 * 2 * 3 * 13);
    expect(cells.filter((c) => c.block === 'product')).toHaveLength(156);
    expect(ids.size).toBe(cells.length);
    for (const c of cells) expect(feasible(c)).toBe(true);
  });
});
