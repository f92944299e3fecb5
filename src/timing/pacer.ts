/**
 * When may the next frame leave? Pure arithmetic on stream positions and clock readings.
 *
 * The schedule is anchored at the first frame: a frame that starts `p` ms into the audio is due
 * `p / pace` ms after the anchor. A frame is never sent before it is due, so a file goes out at
 * `pace` × real time and a live source (whose frames complete after they are due) gets no added
 * delay. When the stream has fallen behind (a stalled source, a reconnect, a replay), frames catch
 * up at 2 × pace, spaced evenly.
 *
 * Over all of that sits one absolute rule per session, a GCRA (virtual scheduling) at
 * `maxRate(pace)` × real time that keep-alive silence goes through too: for any two send times
 * t ≤ t' in a session, the audio sent in [t, t') is at most `maxRate` × (t' − t) + `chunkMs`.
 * Pace 0 has no schedule and no bound (for the emulator only: the service refuses audio far
 * ahead of real time).
 */
export interface PacerState {
  anchorWallMs: number;
  anchorStreamMs: number;
  lastSentWallMs: number;
  lastDurationMs: number;
}

export const DEFAULT_CATCH_UP = 2;
/** No session is fed faster than this × real time, whatever it is catching up on (unless pace is faster). */
export const MIN_MAX_RATE = 2;

/** The absolute bound for a pace, in ms of audio per ms of wall time. */
export function maxRate(pace: number): number {
  return pace === 0 ? Infinity : Math.max(pace, MIN_MAX_RATE);
}

export class Pacer {
  private state: PacerState | undefined;
  /** Spacing between frames when catching up: 2 × pace, never above the absolute bound. */
  private readonly catchUpRate: number;
  private readonly rate: number;
  /** GCRA burst tolerance: one chunk's worth of time at the bound. */
  private readonly toleranceMs: number;
  /** GCRA theoretical arrival time of the current session's next message. */
  private tat = -Infinity;

  /**
   * `earlyMs`: how long before its due time the caller may send (timers fire a little early);
   * the schedule may be met that early, the absolute bound never is.
   */
  constructor(
    readonly pace: number,
    readonly chunkMs: number,
    private readonly earlyMs = 0,
    catchUp = DEFAULT_CATCH_UP,
  ) {
    this.rate = maxRate(pace);
    this.catchUpRate = Math.min(catchUp * pace, this.rate);
    this.toleranceMs = chunkMs / this.rate;
  }

  /** Earliest clock time at which a frame starting at `streamMs` may be sent. */
  dueAt(streamMs: number, nowMs: number): number {
    if (this.pace === 0 || this.state === undefined) return Math.max(nowMs, this.boundDueAt());
    const s = this.state;
    const onSchedule = s.anchorWallMs + (streamMs - s.anchorStreamMs) / this.pace;
    const catchUpLimit = s.lastSentWallMs + s.lastDurationMs / this.catchUpRate;
    return Math.max(onSchedule, catchUpLimit, this.boundDueAt());
  }

  /** Earliest time for the next frame at no more than real time, whatever the pace. */
  realTimeDueAt(nowMs: number): number {
    if (this.state === undefined) return nowMs;
    return this.state.lastSentWallMs + this.state.lastDurationMs;
  }

  /** Earliest clock time at which keep-alive silence may go: the absolute bound only. */
  silenceDueAt(nowMs: number): number {
    return Math.max(nowMs, this.boundDueAt());
  }

  /** Records a frame of the user's audio as sent at `nowMs`. */
  sent(streamMs: number, durationMs: number, nowMs: number): void {
    this.spend(durationMs, nowMs);
    if (this.state === undefined) {
      this.state = { anchorWallMs: nowMs, anchorStreamMs: streamMs, lastSentWallMs: nowMs, lastDurationMs: durationMs };
      return;
    }
    this.state.lastSentWallMs = nowMs;
    this.state.lastDurationMs = durationMs;
  }

  /** Records keep-alive silence as sent: it counts against the bound, not the schedule. */
  silenceSent(durationMs: number, nowMs: number): void {
    this.spend(durationMs, nowMs);
  }

  /**
   * A new session just opened: its first frame need not wait out the catch-up spacing after the
   * previous session's last frame, which only stretches the seam between sessions, and the bound
   * starts afresh (it is per session: what the service sees).
   */
  newSession(): void {
    if (this.state) this.state.lastDurationMs = 0;
    this.tat = -Infinity;
  }

  /** Forgets the schedule: the next frame starts a new one (used after a long pause). */
  reset(): void {
    this.state = undefined;
  }

  /** A message may go once now ≥ tat − tolerance; shifted by `earlyMs` so that an early send still meets it. */
  private boundDueAt(): number {
    return this.tat - this.toleranceMs + this.earlyMs;
  }

  private spend(durationMs: number, nowMs: number): void {
    if (this.rate === Infinity) return;
    this.tat = Math.max(this.tat, nowMs) + durationMs / this.rate;
  }
}
