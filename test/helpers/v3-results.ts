import { expect } from 'vitest';
import type { PcmSampleRate } from '../../src/emulator/index.js';
import type { RecognizeStreamOptions } from '../../src/options.js';
import type { FinalResult, RecognitionResult, RefinementResult } from '../../src/results.js';

const WORDS: Record<string, string> = {
  '0': 'zero', '1': 'one', '2': 'two', '3': 'three', '4': 'four', '5': 'five', '6': 'six', '7': 'seven', '8': 'eight', '9': 'nine',
};

/** The raw (unnormalized) text the emulator's v3 gives for dialled digits: "12" → "one two". */
export function asWords(digits: string): string {
  return [...digits].map((d) => WORDS[d] ?? d).join(' ');
}

/**
 * The v3 integrity check: one final per utterance, in order, with raw text; finals numbered 0…n-1
 * across every session; exactly one refinement per final, naming it, with the normalized text.
 */
export function expectExactV3(results: RecognitionResult[], utterances: string[]): void {
  const finals = results.filter((r): r is FinalResult => r.type === 'final');
  const refinements = results.filter((r): r is RefinementResult => r.type === 'refinement');
  expect(finals.map((f) => f.text)).toEqual(utterances.map(asWords));
  expect(finals.map((f) => f.finalIndex)).toEqual(utterances.map((_, i) => i));
  expect(refinements.map((r) => r.finalIndex)).toEqual(utterances.map((_, i) => i));
  expect(refinements.map((r) => r.text)).toEqual(utterances);
  // A refinement comes after the final it refines.
  for (const r of refinements) expect(results.indexOf(r)).toBeGreaterThan(results.indexOf(finals[r.finalIndex]!));
}

/**
 * How the integrity tests feed dialled digits to the stream. PCM today; a container format plugs
 * in as another entry (encode the PCM, drop `sampleRateHertz`).
 */
export interface AudioVariant {
  name: string;
  prepare(pcm: Buffer, sampleRate: PcmSampleRate): { audio: Buffer; options: Partial<RecognizeStreamOptions> };
}

export const PCM_VARIANT: AudioVariant = {
  name: 'PCM',
  prepare: (pcm, sampleRate) => ({ audio: pcm, options: { sampleRateHertz: sampleRate } }),
};
