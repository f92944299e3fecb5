import { ErrorCodes, SpeechKitError } from '../errors.js';
import { backoffDelay, classify, type RetryOptions } from './retry-policy.js';

/** Payload of the `retry` event: a session failed and a new one opens after `delayMs`. */
export interface RetryEvent {
  /** 1 for the first new session after a failure. */
  attempt: number;
  /** The failure's stable code, e.g. `SPEECHKIT_ERR_UNAVAILABLE`. */
  code: string;
  /** The gRPC status code, when the service sent one. */
  grpcCode: number | undefined;
  /** Backoff before the new session, in ms. */
  delayMs: number;
  /** Index of the session that failed. */
  session: number | undefined;
}

/** What to do about a failed session. */
export type RecoveryDecision =
  | { action: 'fail'; error: SpeechKitError }
  /** Open a new session after `delayMs`; with `refresh`, after forcing a credential refresh first. */
  | { action: 'retry'; delayMs: number; refresh: boolean; event: RetryEvent };

/**
 * The one place that decides whether a failed session is followed by a new one, and when. Pure:
 * the stream hands it each failure with a clock reading and each healthy session, and does the
 * waiting itself on its injected scheduler.
 *
 * An episode runs from a failure to the next healthy session; its budget is `retries` new sessions
 * and `maxTotalMs` of its own time (time queued for a start slot is the quota's, not the
 * failure's: after a mass outage the last of a thousand streams waits ~25 s for its slot at 40
 * starts a second, and that wait must not use up the budget its next failure needs). Backoff is
 * exponential with full jitter. An UNAUTHENTICATED refusal, when the credentials can be refreshed,
 * is worth exactly one new session after a forced refresh per healthy stretch, outside the budget
 * (also with `retry: false`: an expired token is not a failure of the service).
 *
 * p-retry does not drive this loop: a session's failure arrives as an event long after its
 * attempt began (a session may run for minutes before it fails), attempts interleave with
 * rollovers and start-slot queues, and every wait must run on the injected clock, where p-retry
 * waits on the global `setTimeout`. (The IAM token exchange, a plain retried promise, uses it.)
 */
export class RecoveryPolicy {
  private failures = 0;
  private startedAt: number | undefined;
  private queuedMs = 0;
  private queuedSince: number | undefined;
  private refreshed = false;

  constructor(
    private readonly options: RetryOptions | false,
    private readonly random: () => number,
    private readonly canRefresh: boolean,
  ) {}

  /** Whether an episode is running: a failure not yet followed by a healthy session. */
  get recovering(): boolean {
    return this.startedAt !== undefined;
  }

  onFailure(error: SpeechKitError, now: number): RecoveryDecision {
    this.startedAt ??= now;
    const attempt = this.failures + 1;
    if (error.code === ErrorCodes.UNAUTHENTICATED && this.canRefresh && !this.refreshed) {
      this.refreshed = true;
      return { action: 'retry', delayMs: 0, refresh: true, event: retryEvent(error, attempt, 0) };
    }
    const retryClass = classify(error.code);
    if (this.options === false || retryClass === 'fail') return { action: 'fail', error };
    this.failures++;
    if (this.failures > this.options.retries || this.spentMs(now) >= this.options.maxTotalMs) {
      return { action: 'fail', error: exhausted(error, this.failures) };
    }
    const delayMs = retryClass === 'rollover' ? 0 : backoffDelay(this.options, retryClass, this.failures, this.random());
    return { action: 'retry', delayMs, refresh: false, event: retryEvent(error, this.failures, delayMs) };
  }

  /** A session proved healthy: the episode is over and the next failure starts with a full budget. */
  onHealthy(): void {
    this.failures = 0;
    this.startedAt = undefined;
    this.queuedMs = 0;
    this.queuedSince = undefined;
    this.refreshed = false;
  }

  /** A session of this episode waits in the start limiter's queue. */
  queued(now: number): void {
    if (this.startedAt !== undefined) this.queuedSince ??= now;
  }

  /** The slot came, or the wait ended without one. */
  granted(now: number): void {
    if (this.queuedSince === undefined) return;
    this.queuedMs += now - this.queuedSince;
    this.queuedSince = undefined;
  }

  /** Time spent on this episode so far, queueing excluded. */
  private spentMs(now: number): number {
    if (this.startedAt === undefined) return 0;
    return now - this.startedAt - this.queuedMs - (this.queuedSince === undefined ? 0 : now - this.queuedSince);
  }
}

function retryEvent(error: SpeechKitError, attempt: number, delayMs: number): RetryEvent {
  return { attempt, code: error.code, grpcCode: error.grpcCode, delayMs, session: error.session };
}

/** The error a stream fails with when an episode gives up on a retryable failure. */
function exhausted(error: SpeechKitError, failures: number): SpeechKitError {
  return new SpeechKitError(ErrorCodes.RETRIES_EXHAUSTED, `Gave up after ${failures} failed sessions; last failure: ${error.message}`, {
    cause: error,
    ...(error.grpcCode !== undefined && { grpcCode: error.grpcCode }),
    ...(error.grpcStatus !== undefined && { grpcStatus: error.grpcStatus }),
    ...(error.session !== undefined && { session: error.session }),
    ...(error.requestId !== undefined && { requestId: error.requestId }),
  });
}
