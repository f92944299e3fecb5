/**
 * When may the next frame leave? Pure arithmetic on stream positions and clock readings.
 *
 * The schedule is anchored at the first frame: a frame that starts `p` ms into the audio is due
 * `p / pace` ms after the anchor. A frame is never sent before it is due, so a file goes out at
 * real time and a live source (whose frames complete after they are due) gets no added delay.
 * When the stream has fallen behind (a stalled source, a reconnect, a replay), frames catch up at
 * no more than `catchUp` × pace, so the service never sees a burst.
 */
export interface PacerState {
  anchorWallMs: number;
  anchorStreamMs: number;
  lastSentWallMs: number;
  lastDurationMs: number;
}

export const DEFAULT_CATCH_UP = 2;

export class Pacer {
  private state: PacerState | undefined;

  constructor(
    readonly pace: number,
    readonly catchUp = DEFAULT_CATCH_UP,
  ) {}

  /** Earliest clock time at which a frame starting at `streamMs` may be sent. */
  dueAt(streamMs: number, nowMs: number): number {
    if (this.pace === 0 || this.state === undefined) return nowMs;
    const s = this.state;
    const onSchedule = s.anchorWallMs + (streamMs - s.anchorStreamMs) / this.pace;
    const catchUpLimit = s.lastSentWallMs + s.lastDurationMs / (this.pace * this.catchUp);
    return Math.max(onSchedule, catchUpLimit);
  }

  /** Earliest time for the next frame at no more than real time, whatever the pace. */
  realTimeDueAt(nowMs: number): number {
    if (this.state === undefined) return nowMs;
    return this.state.lastSentWallMs + this.state.lastDurationMs;
  }

  /** Records a frame as sent at `nowMs`. */
  sent(streamMs: number, durationMs: number, nowMs: number): void {
    if (this.state === undefined) {
      this.state = { anchorWallMs: nowMs, anchorStreamMs: streamMs, lastSentWallMs: nowMs, lastDurationMs: durationMs };
      return;
    }
    this.state.lastSentWallMs = nowMs;
    this.state.lastDurationMs = durationMs;
  }

  /**
   * A new session just opened: its first frame need not wait out the catch-up spacing after the
   * previous session's last frame, which only stretches the seam between sessions.
   */
  newSession(): void {
    if (this.state) this.state.lastDurationMs = 0;
  }

  /** Forgets the schedule: the next frame starts a new one (used after a long pause). */
  reset(): void {
    this.state = undefined;
  }
}
