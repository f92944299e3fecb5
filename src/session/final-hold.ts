import type { FollowUps } from '../api/adapter-contract.js';

export type { FollowUps };

/**
 * A final is only part of the answer when more follows it: its refinement (the normalized text)
 * and the end of its utterance come in later responses. Audio whose final came but whose
 * follow-ups did not is not done with: if the session dies in between, a new session must hear
 * it again to produce them. So while anything is owed for the current session, confirmations
 * (finals' ends, final cursors) are held, and released together once the last of it arrives.
 */
export class FinalHold {
  private readonly refinementsOwed = new Set<number>();
  private endOwed = false;
  private heldMs = -Infinity;

  constructor(private readonly followUps: FollowUps) {}

  /** A final of the current session, numbered within it. */
  final(sessionFinalIndex: number): void {
    if (this.followUps.refinement) this.refinementsOwed.add(sessionFinalIndex);
    if (this.followUps.endOfUtterance) this.endOwed = true;
  }

  /** The refinement of a final of the current session arrived. */
  refinement(sessionFinalIndex: number): void {
    this.refinementsOwed.delete(sessionFinalIndex);
  }

  /** The current session ended the utterance. */
  endOfUtterance(): void {
    this.endOwed = false;
  }

  /** Offers a position to confirm; returns what may be confirmed now (undefined: hold it). */
  offer(streamMs: number): number | undefined {
    this.heldMs = Math.max(this.heldMs, streamMs);
    return this.release();
  }

  /** Everything held, once nothing is owed any more. */
  release(): number | undefined {
    if (this.endOwed || this.refinementsOwed.size > 0 || this.heldMs === -Infinity) return undefined;
    const ms = this.heldMs;
    this.heldMs = -Infinity;
    return ms;
  }

  /** A new session: what the old one owed is replayed, not awaited. */
  reset(): void {
    this.refinementsOwed.clear();
    this.endOwed = false;
    this.heldMs = -Infinity;
  }
}
