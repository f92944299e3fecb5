/** Frames remembered per session for latencies: 51 s of audio at the default 100 ms chunks. */
const CAPACITY = 512;
/** Positions closer than this are the same (frame edges are sums of float durations). */
const EPSILON_MS = 1e-6;

/**
 * When a session sent each of its recent frames: the wall time the audio at a stream position
 * left, for result latencies. A session sends the stream's audio in position order without gaps
 * (keep-alive is not on the stream's timeline), so a frame is its end and the one before it
 * ends where it starts. Bounded: the oldest frames fall off; their positions have no time.
 */
export class SendTimes {
  private readonly endsMs = new Float64Array(CAPACITY);
  private readonly sentAt = new Float64Array(CAPACITY);
  /** Index of the next slot to write; the newest frame is at `next - 1`. */
  private next = 0;
  private count = 0;

  /** `startMs` only matters for the very first frame: later ones start where the one before ended. */
  constructor(private firstStartMs: number) {}

  add(endMs: number, at: number): void {
    if (this.count === CAPACITY) this.firstStartMs = this.endsMs[this.next]!;
    this.endsMs[this.next] = endMs;
    this.sentAt[this.next] = at;
    this.next = (this.next + 1) % CAPACITY;
    if (this.count < CAPACITY) this.count++;
  }

  /**
   * When the frame holding the audio at `positionMs` was sent: for an `end` the frame whose last
   * ms it is (start < position ≤ end), for a `start` the frame it begins in (start ≤ position <
   * end). Undefined when that frame is not (or no longer) remembered.
   */
  at(positionMs: number, edge: 'start' | 'end'): number | undefined {
    let found: number | undefined;
    for (let k = 1; k <= this.count; k++) {
      const i = (this.next - k + CAPACITY) % CAPACITY;
      const end = this.endsMs[i]!;
      const covers = edge === 'end' ? end >= positionMs - EPSILON_MS : end > positionMs + EPSILON_MS;
      if (!covers) break;
      found = i;
    }
    if (found === undefined) return undefined;
    const oldest = (this.next - this.count + CAPACITY) % CAPACITY;
    const startMs = found === oldest ? this.firstStartMs : this.endsMs[(found - 1 + CAPACITY) % CAPACITY]!;
    const inside = edge === 'end' ? startMs < positionMs - EPSILON_MS : startMs <= positionMs + EPSILON_MS;
    return inside ? this.sentAt[found] : undefined;
  }
}
