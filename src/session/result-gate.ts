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
 * and a refinement names its final by that session number. A refinement is emitted only when the
 * final it refines was, whatever happened to its session since.
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

export class ResultGate {
  private readonly sessions = new Map<number, GateSession>();
  private lastFinalEndMs = -Infinity;
  private nextFinalIndex = 0;

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

  private release(): RecognitionResult[] {
    const out: RecognitionResult[] = [];
    for (const s of [...this.sessions.values()].sort((a, b) => a.index - b.index)) {
      for (const r of s.held) {
        if (r.type === 'final') {
          if (r.endMs !== undefined) {
            // A final for audio already reported (a replay seam) is not news.
            if (r.endMs <= this.lastFinalEndMs) continue;
            this.lastFinalEndMs = r.endMs;
          }
          const index = this.nextFinalIndex++;
          s.finals.set(r.finalIndex, index);
          r.finalIndex = index;
        } else if (r.type === 'refinement') {
          const index = s.finals.get(r.finalIndex);
          if (index === undefined) continue;
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
