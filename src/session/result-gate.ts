import type { RecognitionResult } from '../results.js';

/**
 * Decides which results reach the reader, so that each stretch of audio is reported by exactly one
 * session, in audio order, and no final is emitted twice.
 *
 * When a session is replaced, the next one replays the audio since the last final, so the old
 * session has nothing left to report. Only when that replay had to be cut short does the old
 * session keep the finals that start before the replay; results of newer sessions then wait until
 * it has ended, to keep audio order.
 */
interface GateSession {
  index: number;
  /** Set when the session was replaced: it may only report finals that start before this. */
  keepBeforeMs: number | undefined;
  replaced: boolean;
  ended: boolean;
  held: RecognitionResult[];
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

  /** Registers a session; call in session order. */
  open(index: number): void {
    this.sessions.set(index, { index, keepBeforeMs: undefined, replaced: false, ended: false, held: [] });
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
      if (s.replaced && !(r.final && s.keepBeforeMs !== undefined && (r.startMs ?? -Infinity) < s.keepBeforeMs)) continue;
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
        if (r.final && r.endMs !== undefined) {
          // A final for audio already reported (a replay seam) is not news. A new session hears the
          // tail of the last word again and times it a few ms differently (another analysis grid,
          // a codec's smearing), so "already reported" allows for that much.
          if (r.endMs <= this.lastFinalEndMs + SEAM_TOLERANCE_MS) continue;
          this.lastFinalEndMs = r.endMs;
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
