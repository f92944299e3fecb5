/**
 * Maps a session's own time (ms since its first audio byte) to whole-stream time. Usually one
 * segment: the session's base offset. Keep-alive silence adds session time that is not in the
 * user's stream, so each insertion starts a new segment.
 */
export class SessionTimeline {
  private readonly segments: { sessionMs: number; streamMs: number }[];

  constructor(baseOffsetMs: number) {
    this.segments = [{ sessionMs: 0, streamMs: baseOffsetMs }];
  }

  /** Audio from the user's stream at `streamMs` starts at session time `sessionMs`. */
  mark(sessionMs: number, streamMs: number): void {
    const last = this.segments[this.segments.length - 1]!;
    if (last.sessionMs === sessionMs) {
      last.streamMs = streamMs;
      return;
    }
    this.segments.push({ sessionMs, streamMs });
  }

  /** Session time to stream time; times inside inserted silence map to where the silence was. */
  toStreamMs(sessionMs: number): number {
    let seg = this.segments[0]!;
    for (const s of this.segments) {
      if (s.sessionMs > sessionMs) break;
      seg = s;
    }
    return seg.streamMs + (sessionMs - seg.sessionMs);
  }
}
