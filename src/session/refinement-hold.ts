/**
 * With text normalization a final is only half the answer: its refinement (the normalized text)
 * follows in a later response. Audio whose final came but whose refinement did not is not yet
 * done with: if the session dies in between, a new session must hear it again to produce the
 * refinement. So while any refinement of the current session is outstanding, confirmations
 * (finals' ends, final cursors) are held, and released together once the last one arrives.
 */
export class RefinementHold {
  private readonly awaited = new Set<number>();
  private heldMs = -Infinity;

  constructor(private readonly enabled: boolean) {}

  /** A final of the current session, numbered within it: its refinement is now awaited. */
  final(sessionFinalIndex: number): void {
    if (this.enabled) this.awaited.add(sessionFinalIndex);
  }

  /** The refinement of a final of the current session arrived. */
  refinement(sessionFinalIndex: number): void {
    this.awaited.delete(sessionFinalIndex);
  }

  /** Offers a position to confirm; returns what may be confirmed now (undefined: hold it). */
  offer(streamMs: number): number | undefined {
    this.heldMs = Math.max(this.heldMs, streamMs);
    return this.release();
  }

  /** Everything held, once nothing is awaited any more. */
  release(): number | undefined {
    if (this.awaited.size > 0 || this.heldMs === -Infinity) return undefined;
    const ms = this.heldMs;
    this.heldMs = -Infinity;
    return ms;
  }

  /** A new session: what the old one owed is replayed, not awaited. */
  reset(): void {
    this.awaited.clear();
    this.heldMs = -Infinity;
  }
}
