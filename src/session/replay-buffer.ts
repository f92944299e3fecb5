import type { AudioFrame } from '../audio/frame.js';

/**
 * Audio sent since the last final result: what a new session must hear again so that no word is
 * lost when a session ends early or is rolled over. Trimmed forward only, and bounded in ms.
 */
export class ReplayBuffer {
  private frames: AudioFrame[] = [];
  private heldMs = 0;
  /** Audio that fell off the bounded buffer unconfirmed, in ms (replay cannot cover it). */
  overflowMs = 0;

  constructor(readonly maxMs: number) {}

  get durationMs(): number {
    return this.heldMs;
  }

  /** Whole-stream position of the oldest held frame, or undefined when empty. */
  get startMs(): number | undefined {
    return this.frames[0]?.streamMs;
  }

  add(frame: AudioFrame): void {
    this.frames.push(frame);
    this.heldMs += frame.durationMs;
    while (this.heldMs > this.maxMs && this.frames.length > 1) {
      const dropped = this.frames.shift()!;
      this.heldMs -= dropped.durationMs;
      this.overflowMs += dropped.durationMs;
    }
  }

  /** Drops frames that end at or before `streamMs` (confirmed by a final). */
  trimTo(streamMs: number): void {
    while (this.frames.length > 0) {
      const first = this.frames[0]!;
      if (first.streamMs + first.durationMs > streamMs + 1e-6) break;
      this.frames.shift();
      this.heldMs -= first.durationMs;
    }
  }

  /** Frames to replay, starting with the one that contains `streamMs`. */
  from(streamMs: number): AudioFrame[] {
    return this.frames.filter((f) => f.streamMs + f.durationMs > streamMs + 1e-6);
  }

  clear(): void {
    this.frames = [];
    this.heldMs = 0;
  }
}
