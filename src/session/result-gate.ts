import type { RecognitionResult } from '../results.js';

/**
 * Decides which results reach the reader, so that each stretch of audio is reported by exactly one
 * session, in audio order, and no final is emitted twice.
 *
 * When a session is replaced, the next one replays the audio since the last final, so the old
 * session has nothing left to report. Only when that replay had to be cut short does the old
 * session keep the finals that start before the replay; results of newer sessions then wait until
 * it has ended, to keep audio order.
 *
 * It also numbers finals across the whole stream (`finalIndex`): sessions number their own finals,
 * and a refinement names its final by that session number. A refinement is emitted once per final
 * emitted, and only for one: when a session died between a final and its refinement, the next
 * session hears that audio again, and its refinement (of a final the gate drops as a repeat) is
 * taken for the final already emitted.
 */
interface GateSession {
  index: number;
  /** Set when the session was replaced: it may only report finals that start before this. */
  keepBeforeMs: number | undefined;
  replaced: boolean;
  ended: boolean;
  held: RecognitionResult[];
  /** The session's own final numbers → stream-wide numbers of the finals emitted. */
  finals: Map<number, number>;
}

/** Finals remembered while their refinement is awaited (more means the service sends none). */
const MAX_UNREFINED = 256;

export interface ResultGateOptions {
  /** Every final will be followed by a refinement (API v3 with text normalization). */
  refinements?: boolean;
}

export class ResultGate {
  private readonly sessions = new Map<number, GateSession>();
  private lastFinalEndMs = -Infinity;
  private nextFinalIndex = 0;
  /** Emitted finals whose refinement has not been emitted: stream index → audio span. */
  private readonly unrefined = new Map<number, { startMs: number; endMs: number }>();
  private readonly refinements: boolean;

  constructor(options: ResultGateOptions = {}) {
    this.refinements = options.refinements ?? false;
  }

  /** Registers a session; call in session order. */
  open(index: number): void {
    this.sessions.set(index, { index, keepBeforeMs: undefined, replaced: false, ended: false, held: [], finals: new Map() });
  }

  /**
   * The session was replaced. `keepBeforeMs` is set only when the new session's replay could not
   * reach back to the last final: the old session still owns finals that start before it.
   */
  replace(index: number, keepBeforeMs: number | undefined): void {
    const s = this.sessions.get(index);
    if (!s) return;
    s.replaced = true;
    s.keepBeforeMs = keepBeforeMs;
  }

  /** Takes a session's results; returns what may be emitted now, in order. */
  accept(index: number, results: RecognitionResult[]): RecognitionResult[] {
    const s = this.sessions.get(index);
    if (!s) return [];
    for (const r of results) {
      const kept = r.type === 'refinement' || (r.final && s.keepBeforeMs !== undefined && (r.startMs ?? -Infinity) < s.keepBeforeMs);
      if (s.replaced && !kept) continue;
      s.held.push(r);
    }
    return this.release();
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

  private awaitRefinement(index: number, startMs: number, endMs: number): void {
    this.unrefined.set(index, { startMs, endMs });
    if (this.unrefined.size > MAX_UNREFINED) this.unrefined.delete(this.unrefined.keys().next().value!);
  }

  /** The emitted, unrefined final whose audio overlaps `startMs`…`endMs`, if any. */
  private unrefinedCovering(startMs: number, endMs: number): number | undefined {
    for (const [index, span] of this.unrefined) {
      if (startMs <= span.endMs && endMs >= span.startMs) return index;
    }
    return undefined;
  }

  private release(): RecognitionResult[] {
    const out: RecognitionResult[] = [];
    for (const s of [...this.sessions.values()].sort((a, b) => a.index - b.index)) {
      for (const r of s.held) {
        if (r.type === 'final') {
          if (r.endMs !== undefined) {
            // A final for audio already reported (a replay seam) is not news.
            if (r.endMs <= this.lastFinalEndMs) {
              const same = this.unrefinedCovering(r.startMs ?? r.endMs, r.endMs);
              if (same !== undefined) s.finals.set(r.finalIndex, same);
              continue;
            }
            this.lastFinalEndMs = r.endMs;
          }
          const index = this.nextFinalIndex++;
          s.finals.set(r.finalIndex, index);
          r.finalIndex = index;
          if (this.refinements) this.awaitRefinement(index, r.startMs ?? r.endMs ?? 0, r.endMs ?? 0);
        } else if (r.type === 'refinement') {
          const index = s.finals.get(r.finalIndex);
          if (index === undefined) continue;
          // Once per final, whichever session's refinement comes first.
          if (this.refinements && !this.unrefined.delete(index)) continue;
          r.finalIndex = index;
        }
        out.push(r);
      }
      s.held = [];
      // An older session that may still report blocks newer ones, keeping audio order.
      if (s.ended) this.sessions.delete(s.index);
      else if (s.replaced && s.keepBeforeMs !== undefined) break;
    }
    return out;
  }
}
