import { ErrorCodes, SpeechKitError } from '../errors.js';
import type { Session } from '../session/session.js';
import type { Clock } from '../timing/clock.js';
import type { Scheduler } from '../timing/scheduler.js';
import { sessionIds } from './session-factory.js';

/**
 * The two timers a session of the stream may run, kept on the session itself (`cancelDrain`,
 * `cancelHealth`) so that its end ends them:
 *
 * - the drain timer: a half-closed session's last results are awaited for `drainTimeoutMs`, but
 *   not while they wait behind the reader's backpressure; a replaced session owes nothing the next
 *   one does not cover, so it is just cancelled then, and one closed mid-stream is recovered;
 * - the health timer: a session that runs `healthyAfterMs` (or delivers a final) ends a recovery
 *   episode. It starts when the session opens, not while it queues for a start slot.
 */
export class SessionTimers {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly drainTimeoutMs: number,
    /** Undefined when failures are not retried (there is no episode to end). */
    private readonly healthyAfterMs: number | undefined,
    private readonly onHealthy: () => void,
    private readonly fail: (error: SpeechKitError) => void,
    /** Whether the session was half-closed mid-stream (by `finalize()`), the stream going on. */
    private readonly closedMidStream: (session: Session) => boolean = () => false,
  ) {}

  /** The session was half-closed: its final status is awaited, bounded. */
  drain(session: Session): void {
    if (session.cancelDrain || session.state === 'ended') return;
    const expire = () => {
      session.cancelDrain = undefined;
      if (session.state === 'ended') return;
      if (session.paused) {
        // Its last results wait behind the reader's backpressure, not on the service.
        session.cancelDrain = this.scheduler.at(this.clock.now() + this.drainTimeoutMs, expire);
        return;
      }
      if (session.retired) {
        session.cancel();
        return;
      }
      if (this.closedMidStream(session)) {
        // The stream goes on: a session that never ends after a finalize's half-close is a
        // stalled one, recovered (its speech replayed), not the end of the stream.
        session.stalled = 'no-response';
        session.cancel();
        return;
      }
      this.fail(new SpeechKitError(
        ErrorCodes.DRAIN_TIMEOUT,
        `SpeechKit sent no final status within ${this.drainTimeoutMs} ms after the audio ended (session ${session.index})`,
        sessionIds(session),
      ));
    };
    session.cancelDrain = this.scheduler.at(this.clock.now() + this.drainTimeoutMs, expire);
  }

  /** Whether any of `sessions` is still awaited after its half-close. */
  draining(sessions: Iterable<Session>): boolean {
    for (const session of sessions) if (session.cancelDrain) return true;
    return false;
  }

  /** The session opened: it earns health by running. */
  opened(session: Session): void {
    if (!session.healthPending || this.healthyAfterMs === undefined) return;
    session.cancelHealth = this.scheduler.at(this.clock.now() + this.healthyAfterMs, () => this.healthy(session));
  }

  /** The session ran long enough, delivered a final, or ended cleanly: any recovery episode is over. */
  healthy(session: Session): void {
    if (!session.healthPending) return;
    session.healthPending = false;
    this.clearHealth(session);
    this.onHealthy();
  }

  /** The session ended (or the stream is destroyed): its timers go. */
  ended(session: Session): void {
    session.cancelDrain?.();
    session.cancelDrain = undefined;
    this.clearHealth(session);
  }

  private clearHealth(session: Session): void {
    session.cancelHealth?.();
    session.cancelHealth = undefined;
  }
}
