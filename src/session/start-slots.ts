import type { RolloverReason } from './rollover.js';
import type { Session } from './session.js';
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
 *
 * A limiter that caps sessions open at once (one with `release`) gets every grant back exactly
 * once: when the session that opened in it ends, or at once if its session or the stream went first.
 */
export class StartSlots {
  private pending: PendingRollover | undefined;
  private queued: PendingRollover | undefined;
  /** The next session's slot is already taken (by the rollover that opens it). */
  private granted = false;
  private cancelWait: (() => void) | undefined;
  /** Sessions that opened, or are opening, in a slot of a limiter with `release`. */
  private readonly holding = new Set<Session>();

  constructor(private readonly starts: SessionStartLimiter | undefined) {}

  /** A session ended: the slot it was granted goes back to the limiter. */
  ended(session: Session): void {
    if (this.holding.delete(session)) this.release();
  }

  /** `session` got a slot: it holds it until it ends (or gives it back now if it already has). */
  private hold(session: Session): void {
    if (!this.starts?.release) return;
    if (session.state === 'ended') this.release();
    else this.holding.add(session);
  }

  private release(): void {
    this.starts?.release?.();
  }

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
      if (!onSlot(reason) && this.granted) {
        this.granted = false;
        this.release();
      }
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
  slot(wait: StartWait, session: Session): Promise<void> {
    const queued = this.queued?.next;
    this.queued = undefined;
    if (queued) {
      if (queued.granted) {
        queued.granted = false;
        this.hold(session);
        return Promise.resolve();
      }
      wait.queued();
      return new Promise<void>((resolve) => {
        queued.resolve = () => {
          queued.granted = false;
          this.cancelWait = undefined;
          this.hold(session);
          wait.granted();
          resolve();
        };
      });
    }
    const granted = this.granted;
    this.granted = false;
    const starts = this.starts;
    if (!starts) return Promise.resolve();
    if (granted || starts.tryAcquire()) {
      this.hold(session);
      return Promise.resolve();
    }
    wait.queued();
    return new Promise<void>((resolve) => {
      this.cancelWait = starts.acquire(() => {
        this.cancelWait = undefined;
        this.hold(session);
        wait.granted();
        resolve();
      });
    });
  }

  /** A slot for a session outside the rollover chain (a repair): now if free, else in turn. */
  extra(session: Session): Promise<void> {
    const starts = this.starts;
    if (!starts) return Promise.resolve();
    if (starts.tryAcquire()) {
      this.hold(session);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) =>
      starts.acquire(() => {
        this.hold(session);
        resolve();
      }),
    );
  }

  /** The stream is gone: no slot is waited for any more, and a slot taken for no session yet goes back. */
  cancel(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    this.pending?.cancel();
    this.pending = undefined;
    const unused = [this.granted, this.queued?.next?.granted ?? false].filter(Boolean).length;
    this.granted = false;
    if (this.queued?.next) this.queued.next.granted = false;
    this.queued = undefined;
    for (let i = 0; i < unused; i++) this.release();
  }
}
