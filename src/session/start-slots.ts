import type { RolloverReason } from './rollover.js';
import type { SessionStartLimiter } from './start-limiter.js';

/** How a session tells the stream that it waits in the start limiter's queue. */
export interface StartWait {
  queued(): void;
  /** The slot came, or the wait ended without one. */
  granted(): void;
}

/** A rollover queued for a start slot. */
interface PendingRollover {
  reason: RolloverReason;
  cancel: () => void;
  /** Set when the session had to end before the slot came (see `endAtLimit`): the slot goes to the next session. */
  next: { granted: boolean; resolve: (() => void) | undefined } | undefined;
}

/**
 * One stream's use of the process-wide start limiter (the service's quota). A rollover takes its
 * slot before it happens, so the session it opens starts at once; a rollover that finds no slot
 * free waits for one while the current session keeps taking audio, so a busy quota delays the
 * switch instead of stalling the audio; a session that must end before its slot came hands the
 * slot, when it comes, to the next session.
 */
export class StartSlots {
  private pending: PendingRollover | undefined;
  private queued: PendingRollover | undefined;
  /** The next session's slot is already taken (by the rollover that opens it). */
  private granted = false;
  private cancelWait: (() => void) | undefined;

  constructor(private readonly starts: SessionStartLimiter | undefined) {}

  /** A rollover is waiting for its slot. */
  get rolloverPending(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Returns true when the rollover may happen now (its slot is taken for the next session).
   * Otherwise it queues (once): `onSlot` runs when the slot comes and returns whether it still
   * rolled over (the session may have gone meanwhile).
   */
  requestRollover(reason: RolloverReason, onSlot: (reason: RolloverReason) => boolean): boolean {
    if (this.pending) return false;
    if (!this.starts || this.starts.tryAcquire()) {
      this.granted = this.starts !== undefined;
      return true;
    }
    const pending: PendingRollover = { reason, cancel: () => {}, next: undefined };
    pending.cancel = this.starts.acquire(() => {
      if (pending.next) {
        pending.next.granted = true;
        pending.next.resolve?.();
        return;
      }
      this.pending = undefined;
      this.granted = true;
      if (!onSlot(reason)) this.granted = false;
    });
    this.pending = pending;
    return false;
  }

  /** The waiting rollover is off (the session ended or went idle). */
  dropPending(): void {
    this.pending?.cancel();
    this.pending = undefined;
  }

  /**
   * The session is at its limit and its rollover still waits for a slot: the session ends now and
   * the slot, when it comes, opens the next session. Returns the rollover's reason.
   */
  endAtLimit(): RolloverReason {
    const pending = this.pending!;
    this.pending = undefined;
    pending.next = { granted: false, resolve: undefined };
    this.queued = pending;
    this.cancelWait = pending.cancel;
    return pending.reason;
  }

  /** Resolves when the session being opened may start: at once if its rollover took the slot, else in the limiter's turn. */
  slot(wait: StartWait): Promise<void> {
    const queued = this.queued?.next;
    this.queued = undefined;
    if (queued) {
      if (queued.granted) return Promise.resolve();
      wait.queued();
      return new Promise<void>((resolve) => {
        queued.resolve = () => {
          this.cancelWait = undefined;
          wait.granted();
          resolve();
        };
      });
    }
    const granted = this.granted;
    this.granted = false;
    const starts = this.starts;
    if (granted || !starts || starts.tryAcquire()) return Promise.resolve();
    wait.queued();
    return new Promise<void>((resolve) => {
      this.cancelWait = starts.acquire(() => {
        this.cancelWait = undefined;
        wait.granted();
        resolve();
      });
    });
  }

  /** A slot for a session outside the rollover chain (a repair): now if free, else in turn. */
  extra(): Promise<void> {
    const starts = this.starts;
    return !starts || starts.tryAcquire() ? Promise.resolve() : new Promise<void>((resolve) => starts.acquire(resolve));
  }

  /** The stream is gone: no slot is waited for any more. */
  cancel(): void {
    this.cancelWait?.();
    this.pending?.cancel();
  }
}
