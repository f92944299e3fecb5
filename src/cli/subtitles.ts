import type { RecognitionResult, RecognizedWord } from '../index.js';

/** One subtitle: whole-stream times in ms and its text (one or two lines). */
export interface Cue {
  startMs: number;
  endMs: number;
  text: string;
}

/** Cue limits, as subtitle guides commonly put them: two lines of 42 characters, 7 seconds. */
const MAX_LINE_CHARS = 42;
const MAX_CUE_CHARS = 2 * MAX_LINE_CHARS;
const MAX_CUE_MS = 7_000;

/**
 * Collects finals into cues. A final too long for one cue is split at its words' times when the
 * service sent them (otherwise it stays one cue: there is no honest time to cut at). A v3
 * refinement replaces the text of the final it refers to. Finals without times are left out.
 */
export class SubtitleTrack {
  readonly #finals = new Map<number, { result: RecognitionResult; text: string }>();
  #skipped = 0;

  add(result: RecognitionResult): void {
    if (result.type === 'final') {
      if (result.startMs === undefined || result.endMs === undefined || result.text.trim() === '') {
        if (result.text.trim() !== '') this.#skipped++;
        return;
      }
      this.#finals.set(result.finalIndex, { result, text: result.text });
    } else if (result.type === 'refinement') {
      const final = this.#finals.get(result.finalIndex);
      if (final && result.text.trim() !== '') final.text = result.text;
    }
  }

  /** Finals that had no times. */
  get skipped(): number {
    return this.#skipped;
  }

  cues(): Cue[] {
    const finals = [...this.#finals.entries()].sort(([a], [b]) => a - b).map(([, f]) => f);
    return finals.flatMap(({ result, text }) => {
      const words = result.alternatives[0]?.words ?? [];
      const refined = text !== result.text;
      const start = result.startMs!;
      const end = Math.max(result.endMs!, start + 1);
      if ((text.length <= MAX_CUE_CHARS && end - start <= MAX_CUE_MS) || words.length < 2 || refined) return [{ startMs: start, endMs: end, text: wrap(text) }];
      return splitAtWords(words);
    });
  }
}

function splitAtWords(words: readonly RecognizedWord[]): Cue[] {
  const cues: Cue[] = [];
  let group: RecognizedWord[] = [];
  const flush = () => {
    if (group.length === 0) return;
    cues.push({ startMs: group[0]!.startMs, endMs: Math.max(group.at(-1)!.endMs, group[0]!.startMs + 1), text: wrap(group.map((w) => w.text).join(' ')) });
    group = [];
  };
  for (const word of words) {
    const text = [...group, word].map((w) => w.text).join(' ');
    if (group.length > 0 && (text.length > MAX_CUE_CHARS || word.endMs - group[0]!.startMs > MAX_CUE_MS)) flush();
    group.push(word);
  }
  flush();
  return cues;
}

/** At most two lines, broken at the space nearest the middle when the text is longer than a line. */
function wrap(text: string): string {
  const clean = text.trim().replace(/\s+/g, ' ');
  if (clean.length <= MAX_LINE_CHARS) return clean;
  const middle = clean.length / 2;
  let best = -1;
  for (let i = clean.indexOf(' '); i >= 0; i = clean.indexOf(' ', i + 1)) if (best < 0 || Math.abs(i - middle) < Math.abs(best - middle)) best = i;
  return best < 0 ? clean : `${clean.slice(0, best)}\n${clean.slice(best + 1)}`;
}

function clock(ms: number, separator: ',' | '.'): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(total % 1000, 3)}`;
}

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after each. */
export function toSrt(cues: readonly Cue[]): string {
  return cues.map((c, i) => `${i + 1}\n${clock(c.startMs, ',')} --> ${clock(c.endMs, ',')}\n${c.text}\n`).join('\n');
}

/** WebVTT: the `WEBVTT` header, then `HH:MM:SS.mmm --> HH:MM:SS.mmm` cues. */
export function toVtt(cues: readonly Cue[]): string {
  return `WEBVTT\n\n${cues.map((c) => `${clock(c.startMs, '.')} --> ${clock(c.endMs, '.')}\n${c.text}\n`).join('\n')}`;
}
