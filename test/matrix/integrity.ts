import type { DialledTone } from '../../src/emulator/index.js';
import type { RecognitionResult } from '../../src/results.js';

const WORD_DIGITS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};

/** The digits a final names: v2 gives "123", v3's raw text gives "one two three". */
export function digitsOf(text: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length > 0 && words.every((w) => w in WORD_DIGITS)) return words.map((w) => WORD_DIGITS[w]).join('');
  return text.replace(/\s+/g, '');
}

/** One digit that did not come out as it went in. */
export interface DigitFault {
  /** Position in the whole stream's digit sequence (for a repeat: where it was inserted). */
  index: number;
  digit: string;
  /** The utterance it belongs to (for a repeat: the utterance it came after). */
  utterance: number;
  /** Where the tone is in the source audio, ms (for a repeat: the tone it came after). */
  atMs: number;
  /** The session whose final lost or added it (for a loss: the final after the gap, if any). */
  session?: number;
}

export interface DigitCheck {
  expected: number;
  got: number;
  lost: DigitFault[];
  /** Digits that came out more often than they went in (repeats, or digits from nowhere). */
  repeated: DigitFault[];
  /** Finals whose whole-stream times do not cover their own tones. */
  badTimes: string[];
  /** Finals whose utterance split differs from the source (allowed at a hard cut, reported). */
  splitFinals: number;
}

interface Got {
  digit: string;
  session: number;
  final: number;
}

/**
 * Aligns the finals' digits with the source's tones (a longest-common-subsequence diff, so one
 * lost digit is one loss, not a shifted tail) and names every digit lost or repeated.
 * Equal sequences take the fast path: a long soak is compared in linear time.
 */
export function checkDigits(results: RecognitionResult[], tones: DialledTone[], utterances: string[], timeToleranceMs = 200): DigitCheck {
  const finals = results.filter((r) => r.type === 'final');
  const got: Got[] = [];
  finals.forEach((f, i) => {
    for (const digit of digitsOf(f.text)) got.push({ digit, session: f.session, final: i });
  });
  const want = tones.map((t) => t.symbol);
  // A digit of a timed final can only be a tone inside its times: a stretch of lost digits would
  // otherwise let the diff pair the final with an earlier run of the same digits.
  const spans = got.map((g) => {
    const f = finals[g.final]!;
    return f.startMs === undefined || f.endMs === undefined ? undefined : [f.startMs - timeToleranceMs, f.endMs + timeToleranceMs];
  });
  const same = (w: number, g: number) => {
    if (want[w] !== got[g]!.digit) return false;
    const span = spans[g];
    return !span || (tones[w]!.endMs >= span[0]! && tones[w]!.startMs <= span[1]!);
  };
  const timed = align(want.length, got.length, same);
  // Unless times are what breaks the match: then the plain diff, and the times are reported below.
  const plain = align(want.length, got.length, (w, g) => want[w] === got[g]!.digit);
  const faults = (p: [number, number][]) => p.filter(([w, g]) => w < 0 || g < 0).length;
  const pairs = faults(plain) < faults(timed) ? plain : timed;
  const lost: DigitFault[] = [];
  const repeated: DigitFault[] = [];
  const toneOf = new Map<number, number>();
  let lastWant = -1;
  let nextGot = 0;
  for (const [w, g] of pairs) {
    if (w >= 0 && g >= 0) {
      toneOf.set(g, w);
      lastWant = w;
      nextGot = g + 1;
    } else if (w >= 0) {
      const tone = tones[w]!;
      lost.push({ index: w, digit: tone.symbol, utterance: tone.utterance, atMs: tone.startMs, session: got[nextGot]?.session });
      lastWant = w;
    } else {
      const prev = tones[Math.max(0, lastWant)];
      repeated.push({ index: lastWant + 1, digit: got[g]!.digit, utterance: prev?.utterance ?? 0, atMs: prev?.endMs ?? 0, session: got[g]!.session });
      nextGot = g + 1;
    }
  }

  const badTimes: string[] = [];
  let g = 0;
  finals.forEach((f, i) => {
    const mine: number[] = [];
    while (g < got.length && got[g]!.final === i) {
      const w = toneOf.get(g);
      if (w !== undefined) mine.push(w);
      g++;
    }
    if (mine.length === 0 || f.startMs === undefined || f.endMs === undefined) return;
    const first = tones[mine[0]!]!;
    const last = tones[mine.at(-1)!]!;
    const startOk = f.startMs >= first.startMs - timeToleranceMs && f.startMs <= first.endMs + timeToleranceMs;
    const endOk = f.endMs >= last.startMs - timeToleranceMs && f.endMs <= last.endMs + timeToleranceMs;
    if (!startOk || !endOk) {
      const text = digitsOf(f.text);
      badTimes.push(`"${text.length > 12 ? `${text.slice(0, 12)}…` : text}" at ${f.startMs}–${f.endMs} ms, tones at ${first.startMs}–${last.endMs} ms`);
    }
  });

  const gotTexts = finals.map((f) => digitsOf(f.text));
  let splitFinals = 0;
  if (gotTexts.join('|') !== utterances.join('|')) {
    const want = new Set(utterances);
    splitFinals = gotTexts.filter((t) => !want.has(t)).length;
  }
  return { expected: want.length, got: got.length, lost, repeated, badTimes, splitFinals };
}

/** Index pairs of an LCS alignment: [w, g], [w, -1] for a loss, [-1, g] for an extra. */
function align(wantLength: number, gotLength: number, same: (w: number, g: number) => boolean): [number, number][] {
  // Common prefix and suffix first: a clean run is linear, and a diff only pays for its middle.
  let head = 0;
  while (head < wantLength && head < gotLength && same(head, head)) head++;
  let tail = 0;
  while (tail < wantLength - head && tail < gotLength - head && same(wantLength - 1 - tail, gotLength - 1 - tail)) tail++;
  const pairs: [number, number][] = [];
  for (let i = 0; i < head; i++) pairs.push([i, i]);
  const n = wantLength - head - tail;
  const m = gotLength - head - tail;
  if (n * m > 40_000_000) {
    // Too far apart to diff affordably: report the middle as lost and extra wholesale.
    for (let i = 0; i < n; i++) pairs.push([head + i, -1]);
    for (let j = 0; j < m; j++) pairs.push([-1, head + j]);
  } else {
    const eq = (i: number, j: number) => same(head + i, head + j);
    const table = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i * (m + 1) + j] = eq(i, j) ? table[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(table[(i + 1) * (m + 1) + j]!, table[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && eq(i, j)) {
        pairs.push([head + i++, head + j++]);
      } else if (j < m && (i === n || table[i * (m + 1) + j + 1]! >= table[(i + 1) * (m + 1) + j]!)) {
        pairs.push([-1, head + j++]);
      } else {
        pairs.push([head + i++, -1]);
      }
    }
  }
  for (let k = 0; k < tail; k++) pairs.push([wantLength - tail + k, gotLength - tail + k]);
  return pairs;
}

/** "u3 '5' @4120ms s2" for a report line. */
export function describeFaults(faults: DigitFault[], max = 4): string {
  const shown = faults.slice(0, max).map((f) => `u${f.utterance}'${f.digit}'@${Math.round(f.atMs)}ms${f.session !== undefined ? `/s${f.session}` : ''}`);
  return faults.length > max ? `${shown.join(' ')} +${faults.length - max}` : shown.join(' ');
}
