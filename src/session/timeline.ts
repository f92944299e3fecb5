/**
 * Maps a session's own time (ms since its first audio byte) to whole-stream time. Usually one
 * segment: the session's base offset. Keep-alive silence adds session time that is not in the
 * user's stream, so each insertion starts a segment that stands still on the stream timeline,
 * and the audio after it starts a new moving one.
 */
interface Segment {
  sessionMs: number;
  streamMs: number;
  /** Inserted silence: every session time in it maps to `streamMs`. */
  inserted: boolean;
}

export class SessionTimeline {
  private readonly segments: Segment[];

  constructor(baseOffsetMs: number) {
    this.segments = [{ sessionMs: 0, streamMs: baseOffsetMs, inserted: false }];
  }

  /** Audio from the user's stream at `streamMs` starts at session time `sessionMs`. */
  mark(sessionMs: number, streamMs: number): void {
    this.push({ sessionMs, streamMs, inserted: false });
  }

  /** Silence that is not in the user's stream starts at session time `sessionMs`, at stream position `streamMs`. */
  markInserted(sessionMs: number, streamMs: number): void {
    this.push({ sessionMs, streamMs, inserted: true });
  }

  /** Session time to stream time; times inside inserted silence map to where the silence was. */
  toStreamMs(sessionMs: number): number {
    let seg = this.segments[0]!;
    for (const s of this.segments) {
      if (s.sessionMs > sessionMs) break;
      seg = s;
    }
    return seg.inserted ? seg.streamMs : seg.streamMs + (sessionMs - seg.sessionMs);
  }

  private push(segment: Segment): void {
    const last = this.segments[this.segments.length - 1]!;
    if (last.sessionMs === segment.sessionMs) {
      last.streamMs = segment.streamMs;
      last.inserted = segment.inserted;
      return;
    }
    this.segments.push(segment);
  }
}
