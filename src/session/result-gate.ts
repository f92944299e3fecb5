import type { RecognitionResult } from '../results.js';
import { AnalysisGate, isAnalysis } from './analysis-gate.js';

/**
 * Decides which results reach the reader, so that each stretch of audio is reported by exactly one
 * session, in audio order, and no final is emitted twice.
 *
 * When a session is replaced, the next one replays the audio since the last final, so the old
 * session has nothing left to report. Only when that replay had to be cut short does the old
 * session keep what it still owns: finals that start before the replay, and, of its finals
 * without word times (which cannot say where they start), as many as the speech runs before the
 * cut that awaited a final (`owedTimeless`, counted by the stream); later ones are about audio the
 * next session hears again and are dropped. Results of newer sessions wait until it has ended, to
 * keep audio order. The finals it drops then are kept for the stream's `seam` event.
 *
 * It also numbers finals across the whole stream (`finalIndex`): sessions number their own finals,
 * and a refinement names its final by that session number. Each final emitted gets at most one
 * refinement and the utterance at most one end-of-utterance result (API v3), whichever session
 * delivers them: when a session dies or is replaced between a final and what follows it, the next
 * session may hear that audio again, and its repeat of the final (dropped) stands for the one
 * already emitted.
 */
interface GateSession {
  index: number;
  /** Set when the session was replaced: it may only report finals that start before this. */
  keepBeforeMs: number | undefined;
  /** Finals without word times the replaced session still owns (see `replace`). */
  owedTimeless: number;
  /** End of the speech it owns (when `keepBeforeMs` is set): finals must reach this for it to have paid. */
  ownedUntilMs: number;
  /** End of the latest owned final with times it reported. */
  reportedUntilMs: number;
  /** It reported finals with word times (else its debt is counted in `owedTimeless`). */
  timed: boolean;
  replaced: boolean;
  ended: boolean;
  held: RecognitionResult[];
  /** The session's own final numbers → stream-wide numbers of the finals emitted. */
  finals: Map<number, number>;
  /** Its finals without times, by its own final numbers → the speech the stream placed each on (see `placed`). */
  placed: Map<number, { startMs: number; endMs: number }>;
}

/** Recent finals remembered for repeats, refinements and ends of utterance. */
const MAX_RECENT_FINALS = 256;

interface EmittedFinal {
  startMs: number;
  endMs: number;
  refined: boolean;
}

/**
 * How much later than the last reported final a re-heard word's end may be timed and still count
 * as the same audio. Shorter than any word, longer than the timing jitter between two sessions
 * (10 ms analysis blocks, ±10 ms of Opus smearing in the emulator).
 */
export const SEAM_TOLERANCE_MS = 50;

export class ResultGate {
  private readonly sessions = new Map<number, GateSession>();
  private lastFinalEndMs = -Infinity;
  /** Start of the last word of the last final emitted (-Infinity: none timed). */
  private lastWordStartMs = -Infinity;
  private nextFinalIndex = 0;
  private readonly recent = new Map<number, EmittedFinal>();
  private readonly dropped = new Map<number, RecognitionResult[]>();
  /** The utterance whose finals were emitted and whose end was not: the session that will end it. */
  private openUtterance: { session: number; finalIndex: number } | undefined;
  private readonly analysis = new AnalysisGate(SEAM_TOLERANCE_MS);

  /** Registers a session; call in session order. */
  open(index: number): void {
    this.sessions.set(index, { index, keepBeforeMs: undefined, owedTimeless: 0, ownedUntilMs: -Infinity, reportedUntilMs: -Infinity, timed: false, replaced: false, ended: false, held: [], finals: new Map(), placed: new Map() });
  }

  /**
   * The session was replaced. `keepBeforeMs` is set only when the new session's replay could not
   * reach back to the last final: the old session still owns finals that start before it, and its
   * next `owedTimeless` finals without word times.
   */
  replace(index: number, keepBeforeMs: number | undefined, owedTimeless = 0, ownedUntilMs = keepBeforeMs ?? -Infinity): void {
    const s = this.sessions.get(index);
    if (!s) return;
    s.replaced = true;
    s.keepBeforeMs = keepBeforeMs;
    s.owedTimeless = owedTimeless;
    s.ownedUntilMs = ownedUntilMs;
    if (keepBeforeMs !== undefined && !this.dropped.has(index)) this.dropped.set(index, []);
  }

  /**
   * What a replaced session that still owns speech has not reported yet (ask before `end`):
   * undefined when it owes nothing, else where its reports reached and how many finals without
   * times it still owes. A session that dies owing leaves that speech to a repair (see `Repair`).
   */
  owing(index: number): { reportedUntilMs: number; owedTimeless: number } | undefined {
    const s = this.sessions.get(index);
    if (!s || s.keepBeforeMs === undefined) return undefined;
    const paid = s.timed ? s.reportedUntilMs >= s.ownedUntilMs - SEAM_TOLERANCE_MS : s.owedTimeless <= 0;
    return paid ? undefined : { reportedUntilMs: s.reportedUntilMs, owedTimeless: s.owedTimeless };
  }

  /**
   * The stream placed a final of this session that has no times on the speech at `span` (see
   * `SpeechRuns.claimTimeless`): once emitted, it counts as reporting that audio, so a later
   * session that hears it again (a replay reaching back to an earlier final still owed its
   * follow-ups) does not say it twice. Call before `accept` of that final.
   */
  placed(index: number, sessionFinalIndex: number, span: { startMs: number; endMs: number }): void {
    this.sessions.get(index)?.placed.set(sessionFinalIndex, span);
  }

  /** Finals a session replaced short of the last final had dropped (see `replace`); asked once, after it ended. */
  takeDropped(index: number): RecognitionResult[] {
    const dropped = this.dropped.get(index) ?? [];
    this.dropped.delete(index);
    return dropped;
  }

  /** Takes a session's results; returns what may be emitted now, in order. */
  accept(index: number, results: RecognitionResult[]): RecognitionResult[] {
    const s = this.sessions.get(index);
    if (!s) return [];
    for (const r of results) {
      // What follows a final it already delivered is still the replaced session's to say.
      // Analysis is judged when released (`AnalysisGate`), once the finals before it are.
      const follows = r.type === 'refinement' || r.type === 'endOfUtterance' || (isAnalysis(r) && !(r.type === 'classifier' && r.window === 'partial'));
      if (s.replaced && !follows && !this.owns(s, r)) {
        if (r.final) this.dropped.get(index)?.push(r);
        continue;
      }
      s.held.push(r);
    }
    return this.release();
  }

  /** Whether a replaced session still owns this result (it is about audio the replay does not cover). */
  private owns(s: GateSession, r: RecognitionResult): boolean {
    if (!r.final || s.keepBeforeMs === undefined) return false;
    if (r.startMs !== undefined) {
      if (r.startMs >= s.keepBeforeMs) return false;
      s.timed = true;
      s.reportedUntilMs = Math.max(s.reportedUntilMs, r.endMs ?? r.startMs);
      return true;
    }
    if (s.owedTimeless <= 0) return false;
    s.owedTimeless--;
    return true;
  }

  /** The session has ended (or its drain timed out): nothing more comes from it. */
  end(index: number): RecognitionResult[] {
    const s = this.sessions.get(index);
    if (s) s.ended = true;
    return this.release();
  }

  /** End of the last final emitted, in whole-stream ms (or -Infinity). */
  get lastEmittedFinalEndMs(): number {
    return this.lastFinalEndMs;
  }

  /** Whether `r` goes to the reader; renumbers finals and refinements on the way. */
  private pass(s: GateSession, r: RecognitionResult): boolean {
    switch (r.type) {
      case 'final': {
        if (r.endMs !== undefined) {
          // A final for audio already reported (a replay seam) is not news; it stands for the one emitted.
          // A new session hears the tail of the last word again and may time it a few ms later
          // (another analysis grid, a codec's smearing): "already reported" allows for that much.
          if (r.endMs <= this.lastFinalEndMs + SEAM_TOLERANCE_MS) {
            const same = this.emittedCovering(r.startMs ?? r.endMs, r.endMs);
            if (same !== undefined) {
              s.finals.set(r.finalIndex, same);
              if (this.openUtterance?.finalIndex === same) this.openUtterance.session = s.index;
            }
            return false;
          }
          // It starts inside what was reported (a cut inside speech): the words already reported go,
          // the word cut there too (the replaced session heard its start, so times it from there).
          if (r.startMs !== undefined && r.startMs < this.lastFinalEndMs + SEAM_TOLERANCE_MS) {
            if (!trimReported(r, this.lastFinalEndMs + SEAM_TOLERANCE_MS, this.lastWordStartMs + SEAM_TOLERANCE_MS)) {
              const same = this.emittedCovering(r.startMs, r.endMs);
              if (same !== undefined) s.finals.set(r.finalIndex, same);
              return false;
            }
          }
          this.lastFinalEndMs = r.endMs;
          this.lastWordStartMs = r.alternatives[0]?.words.at(-1)?.startMs ?? -Infinity;
        }
        const placed = r.endMs === undefined ? s.placed.get(r.finalIndex) : undefined;
        s.placed.delete(r.finalIndex);
        if (placed) this.lastFinalEndMs = Math.max(this.lastFinalEndMs, placed.endMs);
        const index = this.nextFinalIndex++;
        s.finals.set(r.finalIndex, index);
        r.finalIndex = index;
        this.recent.set(index, { startMs: r.startMs ?? placed?.startMs ?? r.endMs ?? 0, endMs: r.endMs ?? placed?.endMs ?? 0, refined: false });
        if (this.recent.size > MAX_RECENT_FINALS) this.recent.delete(this.recent.keys().next().value!);
        this.openUtterance = { session: s.index, finalIndex: index };
        return true;
      }
      case 'refinement': {
        const index = s.finals.get(r.finalIndex);
        const final = index === undefined ? undefined : this.recent.get(index);
        // Once per final, whichever session's refinement comes first.
        if (index === undefined || !final || final.refined) return false;
        final.refined = true;
        r.finalIndex = index;
        return true;
      }
      case 'endOfUtterance':
        // Only the session that delivered (or repeated) the utterance's finals ends it, once.
        if (this.openUtterance?.session !== s.index) return false;
        this.openUtterance = undefined;
        return true;
      case 'partial':
        return true;
      default:
        return this.analysis.pass(r, s.replaced, this.lastFinalEndMs);
    }
  }

  /** The recently emitted final whose audio overlaps `startMs`…`endMs`, if any. */
  private emittedCovering(startMs: number, endMs: number): number | undefined {
    for (const [index, span] of this.recent) {
      if (startMs <= span.endMs && endMs >= span.startMs) return index;
    }
    return undefined;
  }

  private release(): RecognitionResult[] {
    const out: RecognitionResult[] = [];
    for (const s of [...this.sessions.values()].sort((a, b) => a.index - b.index)) {
      for (const r of s.held) if (this.pass(s, r)) out.push(r);
      s.held = [];
      // An older session that may still report blocks newer ones, keeping audio order.
      if (s.ended) this.sessions.delete(s.index);
      else if (s.replaced && s.keepBeforeMs !== undefined) break;
    }
    return out;
  }
}

/**
 * Drops the words of `r` already reported by another session: those that end by `untilMs`, and
 * those that start by `startedByMs` (the last word reported, cut at the seam and heard whole
 * again), in every alternative. The text follows when it is the words run together or joined by
 * spaces (as the service writes it); otherwise it stays as the service wrote it. Returns whether
 * any word is left (a final with none is a repeat).
 */
function trimReported(r: RecognitionResult, untilMs: number, startedByMs: number): boolean {
  const best = r.alternatives[0];
  if (!best || best.words.length === 0) return true;
  for (const alt of r.alternatives) {
    const texts = alt.words.map((w) => w.text);
    const joiner = alt.text === texts.join(' ') ? ' ' : alt.text === texts.join('') ? '' : undefined;
    alt.words = alt.words.filter((w) => w.endMs > untilMs && w.startMs > startedByMs);
    if (joiner !== undefined) alt.text = alt.words.map((w) => w.text).join(joiner);
  }
  if (best.words.length === 0) return false;
  r.text = best.text;
  r.startMs = best.words[0]!.startMs;
  return true;
}
