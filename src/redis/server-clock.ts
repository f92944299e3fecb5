/**
 * How fast this process's clock and the server's may drift apart: 100 ppm, ten times what
 * NTP-kept clocks drift (a clock being slewed by NTP may briefly go faster; the error that
 * leaves, a few ms, is far inside the margin). An old sample's bounds loosen by this much per ms of its age.
 */
const MAX_DRIFT = 0.0001;

/**
 * The Redis server's clock as seen from this process, NTP-style. A script stamped `serverMs`,
 * sent at `sentMs` and answered at `readMs` (local clock), ran in between: local − server lies in
 * [sentMs − serverMs, readMs − serverMs]. The tightest bounds of all samples so far (old ones
 * loosened by the most the clocks can have drifted since) give the offset to within `uncertainty`.
 *
 * Server times are mapped with the upper bound: never earlier here than they really are, and
 * later by at most the uncertainty. A burst of answers that all sat unread (a busy event loop)
 * cannot drag the mapping late, since an earlier, quicker answer keeps its bound; and one answer
 * that sat unread shows as a slot come late, instead of moving the schedule.
 */
export class ServerClock {
  /** max over samples of (sentMs − serverMs + MAX_DRIFT × sentMs): the lower bound at t is this − MAX_DRIFT × t. */
  #low = -Infinity;
  /** min over samples of (readMs − serverMs − MAX_DRIFT × readMs): the upper bound at t is this + MAX_DRIFT × t. */
  #high = Infinity;
  /** The quickest round trip seen: the best any sample can do. */
  #quickest = Infinity;

  sample(sentMs: number, readMs: number, serverMs: number): void {
    const low = sentMs - serverMs + MAX_DRIFT * sentMs;
    const high = readMs - serverMs - MAX_DRIFT * readMs;
    this.#quickest = Math.min(this.#quickest, readMs - sentMs);
    // Bounds that exclude each other mean the server's clock jumped (or it is another server): start over from this sample.
    if (Math.max(this.#low, low) - Math.min(this.#high, high) > 2 * MAX_DRIFT * readMs) {
      this.#low = low;
      this.#high = high;
      return;
    }
    this.#low = Math.max(this.#low, low);
    this.#high = Math.min(this.#high, high);
  }

  /** Whether a sample has been taken. */
  get known(): boolean {
    return this.#high !== Infinity;
  }

  /** The quickest round trip seen (ms): a bound tighter than that cannot be had. */
  get quickestRoundTrip(): number {
    return this.#quickest;
  }

  /** How far the mapping may be late, at local time `nowMs` (Infinity before any sample). */
  uncertainty(nowMs: number): number {
    return this.#high - this.#low + 2 * MAX_DRIFT * nowMs;
  }

  /** Local time of server time `serverMs`, as known at local time `nowMs` (call after a `sample`). */
  toLocal(serverMs: number, nowMs: number): number {
    return serverMs + this.#high + MAX_DRIFT * nowMs;
  }

  /** Forgets every sample: the server may be another one now (a restart, a failover) with another clock. */
  reset(): void {
    this.#low = -Infinity;
    this.#high = Infinity;
    this.#quickest = Infinity;
  }
}
