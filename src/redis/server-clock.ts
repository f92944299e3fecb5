/** Replies whose offsets are kept: enough that one unhurried reply is among them. */
const SAMPLES = 16;

/**
 * The Redis server's clock as seen from this process. A reply stamped `serverMs` that is read at
 * `localMs` says local − server = offset + the reply's delay. The smallest of the recent ones is
 * the least delayed, and never below the true offset, so a server time mapped with it is never
 * earlier than that moment really is here: a slot is never taken early, and a reply that sat
 * unread (a paused event loop) shows as lateness instead of moving the schedule.
 */
export class ServerClock {
  readonly #offsets: number[] = [];
  #next = 0;
  #best = Infinity;

  /** A reply stamped `serverMs` was read at `localMs`. */
  sample(localMs: number, serverMs: number): void {
    const offset = localMs - serverMs;
    if (this.#offsets.length < SAMPLES) this.#offsets.push(offset);
    else this.#offsets[this.#next] = offset;
    this.#next = (this.#next + 1) % SAMPLES;
    this.#best = Math.min(...this.#offsets);
  }

  /** Local time of server time `serverMs` (call after at least one `sample`). */
  toLocal(serverMs: number): number {
    return serverMs + this.#best;
  }

  /** Forgets every sample: the server may be another one now (a restart, a failover) with another clock. */
  reset(): void {
    this.#offsets.length = 0;
    this.#next = 0;
    this.#best = Infinity;
  }
}
