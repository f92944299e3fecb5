import { ErrorCodes, GrpcStatus, SpeechKitError } from '../errors.js';
import type { Clock } from '../timing/clock.js';
import type { Scheduler, SchedulerTimer } from '../timing/scheduler.js';
import { LivenessWatch, type LivenessExpectation } from './liveness.js';
import type { Session } from './session.js';

/**
 * Runs the liveness check of the stream's current session on one reusable timer. The timer is
 * only armed when nothing is pending: every deadline the watch adds lies after one already armed
 * (times only grow), so a timer that fires early just looks again.
 */
export class StallGuard {
  private readonly timer: SchedulerTimer;
  private watched: Session | undefined;
  /** The last session given up was given up for 'no-response': the next owes nothing until it hears back. */
  private quiet = false;

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
    const at = session.liveness?.watch.nextCheckAt();
    if (at !== undefined) this.timer.set(at);
  }

  stop(): void {
    this.watched = undefined;
    this.timer.clear();
  }

  private check(): void {
    const session = this.watched;
    if (!session?.liveness || session.state === 'ended' || session.retired || session.stalled) return;
    const verdict = session.liveness.watch.check(this.clock.now());
    if (verdict === 'alive') {
      this.arm(session);
      return;
    }
    session.stalled = verdict;
    if (verdict === 'no-response') this.quiet = true;
    this.onStall(session);
  }
}

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
