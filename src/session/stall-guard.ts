import { ErrorCodes, GrpcStatus, SpeechKitError } from '../errors.js';
import type { Clock } from '../timing/clock.js';
import type { Scheduler, SchedulerTimer } from '../timing/scheduler.js';
import { LivenessWatch, type LivenessExpectation } from './liveness.js';
import type { Session } from './session.js';

/**
 * Runs the liveness check of the stream's current session on one reusable timer. The timer is
 * only armed when nothing is pending: every deadline the watch adds lies after one already armed
 * (times only grow), so a timer that fires early just looks again.
 *
 * A timer that fires late says the process itself was not running: what the connection delivered
 * meanwhile (acknowledgements, responses) still waits to be read, behind this very timer. A stall
 * found then is looked at once more, after that I/O, before it counts.
 */
export class StallGuard {
  private readonly timer: SchedulerTimer;
  private watched: Session | undefined;
  /** The last session given up was given up for 'no-response': the next owes nothing until it hears back. */
  private quiet = false;
  /** When the timer was set to fire; a stall found late is looked at again once (see above). */
  private armedAt = 0;
  private recheck = false;

  constructor(
    scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly onStall: (session: Session) => void,
  ) {
    this.timer = scheduler.timer(() => this.check());
  }

  /** Liveness bookkeeping for a new session (pass to its constructor). */
  livenessFor(expects: LivenessExpectation, owesAfterSpeechMs?: number): { watch: LivenessWatch; now: () => number } {
    return { watch: new LivenessWatch(this.timeoutMs, expects, !this.quiet, owesAfterSpeechMs), now: () => this.clock.now() };
  }

  /** Watches `session` (the current one) from now on; call after anything it sent or received. */
  arm(session: Session): void {
    if (this.watched !== session) {
      this.watched = session;
      this.timer.clear();
    }
    if (this.quiet && session.liveness?.watch.owes) this.quiet = false;
    if (this.timer.pending) return;
    const at = session.liveness?.watch.nextCheckAt(this.clock.now());
    if (at === undefined) return;
    this.armedAt = at;
    this.timer.set(at);
  }

  stop(): void {
    this.watched = undefined;
    this.timer.clear();
  }

  private check(): void {
    const session = this.watched;
    if (!session?.liveness || session.state === 'ended' || session.retired || session.stalled) return;
    const now = this.clock.now();
    const verdict = session.liveness.watch.check(now);
    if (verdict === 'alive') {
      this.recheck = false;
      this.arm(session);
      return;
    }
    if (!this.recheck && now - this.armedAt > LATE_TIMER_MS) {
      this.recheck = true;
      this.armedAt = now + RECHECK_AFTER_MS;
      this.timer.set(now + RECHECK_AFTER_MS);
      return;
    }
    this.recheck = false;
    session.stalled = verdict;
    if (verdict === 'no-response') this.quiet = true;
    this.onStall(session);
  }
}

/** A check this late means the process was busy elsewhere: the stall it finds waits for the I/O behind it. */
const LATE_TIMER_MS = 50;
/** A timer this far ahead runs after the I/O that is already waiting (Node polls before its next timers). */
const RECHECK_AFTER_MS = 1;

/** The failure a stalled session ends with: retried like UNAVAILABLE. */
export function stalledError(session: Session, timeoutMs: number, ids: Record<string, unknown>): SpeechKitError {
  const what = session.stalled === 'unacknowledged'
    ? 'the connection took no writes'
    : 'SpeechKit answered nothing while a result was due';
  return new SpeechKitError(ErrorCodes.STALLED, `Session ${session.index} stalled: ${what} for ${timeoutMs} ms (stallTimeoutMs)`, {
    grpcCode: GrpcStatus.UNAVAILABLE,
    grpcStatus: 'UNAVAILABLE',
    ...ids,
  });
}
