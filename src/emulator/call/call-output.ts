import { LateSends } from '../faults/late-sends.js';
import { ResponseQueue } from './response-queue.js';
import type { SessionResult } from './session-record.js';

/** What `CallOutput` writes to: the call and its record. */
export interface OutputTarget<Res> {
  /** Whether the call has ended: nothing is written any more. */
  ended(): boolean;
  /** Writes one response and records the results it carries. */
  write(response: Res, results: readonly SessionResult[]): void;
  /** Records results that will never be written. */
  unsent(results: readonly SessionResult[]): void;
  /** Runs a timer's work so that a bug in it ends the call, not the process. */
  guard(fn: () => void): void;
}

/**
 * Everything one call writes, and when: responses in the order they were queued, each after the
 * session's delay (plus its own); responses sent late, outside that order; and the call's end
 * after them. After a `stall` nothing goes out any more.
 */
export class CallOutput<Res> {
  /** Wall delay of every response and of the call's end, ms. */
  delayMs: number;
  readonly #target: OutputTarget<Res>;
  readonly #queue = new ResponseQueue();
  /** Responses sent late (v3 refinements, eou updates): an end that waits for them goes after the last. */
  readonly #late = new LateSends();
  #endAfterLate: (() => void) | null = null;
  #stalled = false;

  constructor(target: OutputTarget<Res>, delayMs: number) {
    this.#target = target;
    this.delayMs = delayMs;
  }

  /** A `stall` took effect: nothing goes out any more. */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** Queues a response; `extraDelayMs` adds to the session's delay. Order is kept either way. */
  push(response: Res, results: SessionResult[], extraDelayMs: number): void {
    if (this.#stalled) {
      this.#target.unsent(results);
      return;
    }
    this.#queue.push(
      () => {
        if (this.#target.ended()) return;
        this.#target.write(response, results);
      },
      this.delayMs + extraDelayMs,
      results,
    );
  }

  /** Sends a response `lateMs` after now, outside the queue's order: responses queued meanwhile go first. */
  pushLate(response: Res, results: SessionResult[], lateMs: number): void {
    const run = () =>
      this.#target.guard(() => {
        if (this.#target.ended()) return;
        this.push(response, results, 0);
        if (this.#late.pending === 0 && this.#endAfterLate) this.#queue.push(this.#endAfterLate, this.delayMs);
      });
    this.#late.schedule(run, results, lateMs);
  }

  /** Runs `end` after every response queued; with `afterLate`, after the late ones too, else they are dropped. */
  end(end: () => void, afterLate: boolean): void {
    if (afterLate && this.#late.pending > 0) {
      this.#endAfterLate = end;
      return;
    }
    this.dropLate();
    this.#queue.push(end, this.delayMs);
  }

  /** Drops every queued response not yet written. */
  cancel(): void {
    this.#target.unsent(this.#queue.cancel());
  }

  /** Drops every late response not yet sent. */
  dropLate(): void {
    this.#target.unsent(this.#late.drop());
  }

  /** From now on nothing goes out; what waits is dropped. */
  stall(): void {
    this.#stalled = true;
    this.cancel();
    this.dropLate();
  }
}
