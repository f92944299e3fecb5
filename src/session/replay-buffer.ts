import { PlainFrame, type AudioFrame } from '../audio/frame.js';

/** Numbers kept per frame: position, duration, byte offset, byte length. */
const FIELDS = 4;

/**
 * Audio sent since the last final result: what a new session must hear again so that no word is
 * lost when a session ends early or is rolled over. Trimmed forward only, and bounded in ms.
 *
 * A plain frame (PCM: bytes and times, nothing else) is kept as a record (its memory, offset,
 * length, position) in flat arrays rather than as the frame object: a thousand streams each hold
 * a few seconds of frames here, and objects that live that long are what the garbage collector
 * copies and promotes on every young-generation pass. It is rebuilt, as a view of the same bytes,
 * only for a replay. Frames of other kinds (Ogg pages with their metadata) are kept as they are.
 */
export class ReplayBuffer {
  /** Per slot: the frame's memory (plain frames) or the frame itself. */
  private held: (ArrayBufferLike | AudioFrame | undefined)[] = [];
  private fields = new Float64Array(16 * FIELDS);
  private head = 0;
  private count = 0;
  private heldMs = 0;
  /** Audio that fell off the bounded buffer unconfirmed, in ms (replay cannot cover it). */
  overflowMs = 0;

  constructor(readonly maxMs: number) {}

  get durationMs(): number {
    return this.heldMs;
  }

  /** Whole-stream position of the oldest held frame, or undefined when empty. */
  get startMs(): number | undefined {
    return this.count === 0 ? undefined : this.fields[this.head * FIELDS]!;
  }

  add(frame: AudioFrame): void {
    if (this.head + this.count === this.held.length) this.makeRoom();
    const i = this.head + this.count;
    const f = i * FIELDS;
    const plain = frame instanceof PlainFrame;
    this.held[i] = plain ? frame.data.buffer : frame;
    this.fields[f] = frame.streamMs;
    this.fields[f + 1] = frame.durationMs;
    this.fields[f + 2] = plain ? frame.data.byteOffset : 0;
    this.fields[f + 3] = plain ? frame.data.length : 0;
    this.count++;
    this.heldMs += frame.durationMs;
    while (this.heldMs > this.maxMs && this.count > 1) {
      const dropped = this.fields[this.head * FIELDS + 1]!;
      this.dropOldest();
      this.heldMs -= dropped;
      this.overflowMs += dropped;
    }
  }

  /** Drops frames that end at or before `streamMs` (confirmed by a final). */
  trimTo(streamMs: number): void {
    while (this.count > 0) {
      const f = this.head * FIELDS;
      const durationMs = this.fields[f + 1]!;
      if (this.fields[f]! + durationMs > streamMs + 1e-6) break;
      this.dropOldest();
      this.heldMs -= durationMs;
    }
  }

  /** Frames to replay, starting with the one that contains `streamMs`. */
  from(streamMs: number): AudioFrame[] {
    const out: AudioFrame[] = [];
    for (let i = this.head; i < this.head + this.count; i++) {
      const f = i * FIELDS;
      const start = this.fields[f]!;
      const durationMs = this.fields[f + 1]!;
      if (start + durationMs <= streamMs + 1e-6) continue;
      const held = this.held[i]!;
      if ('streamMs' in held) out.push(held);
      else out.push(new PlainFrame(Buffer.from(held, this.fields[f + 2]!, this.fields[f + 3]!), start, durationMs));
    }
    return out;
  }

  clear(): void {
    this.held = [];
    this.fields = new Float64Array(16 * FIELDS);
    this.head = 0;
    this.count = 0;
    this.heldMs = 0;
  }

  private dropOldest(): void {
    this.held[this.head] = undefined;
    this.head++;
    this.count--;
  }

  /** Moves the live records to the front, into arrays twice as large when they are more than half full. */
  private makeRoom(): void {
    const capacity = this.fields.length / FIELDS;
    const live = this.fields.subarray(this.head * FIELDS, (this.head + this.count) * FIELDS);
    if (this.count * 2 > capacity) {
      const fields = new Float64Array(capacity * 2 * FIELDS);
      fields.set(live);
      this.fields = fields;
    } else {
      this.fields.copyWithin(0, this.head * FIELDS, (this.head + this.count) * FIELDS);
    }
    const held = this.held.slice(this.head, this.head + this.count);
    held.length = this.fields.length / FIELDS;
    this.held = held;
    this.head = 0;
  }
}
