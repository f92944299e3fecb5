import pRetry from 'p-retry';
import { ErrorCodes, SpeechKitError } from '../errors.js';
import type { Scheduler } from '../timing/scheduler.js';
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

export interface EpisodeHooks {
  /**
   * Opens a session; resolves once it is healthy, rejects with its failure. A session that has to
   * queue for a start slot says so through `wait`.
   */
  open(wait: StartWait): Promise<void>;
  onRetry(event: RetryEvent): void;
}

/** How a session tells its episode that it waits in the start limiter's queue. */
export interface StartWait {
  queued(): void;
  /** The slot came, or the wait ended without one. */
  granted(): void;
}

/**
 * The episode's own time, for `maxTotalMs`: time queued for a start slot is the quota's, not the
 * failure's. After a mass outage the last of a thousand streams waits ~25 s for its slot at 40
 * starts a second; that wait must not use up the budget its next failure needs.
 */
class EpisodeClock implements StartWait {
  private readonly startedAt: number;
  private queuedMs = 0;
  private queuedSince: number | undefined;

  constructor(private readonly scheduler: Scheduler) {
    this.startedAt = scheduler.clock.now();
  }

  queued(): void {
    this.queuedSince ??= this.scheduler.clock.now();
  }

  granted(): void {
    if (this.queuedSince === undefined) return;
    this.queuedMs += this.scheduler.clock.now() - this.queuedSince;
    this.queuedSince = undefined;
  }

  /** Time spent on this failure so far, queueing excluded. */
  spentMs(): number {
    const now = this.scheduler.clock.now();
    return now - this.startedAt - this.queuedMs - (this.queuedSince === undefined ? 0 : now - this.queuedSince);
  }
}

/**
 * One recovery episode: new sessions until one is healthy, with p-retry counting the attempts and
 * the retry table deciding what is worth retrying. Backoff waits run on the injected scheduler
 * (full jitter), so tests drive them with fake time. A healthy session ends the episode, which
 * resets the budget for the next failure. p-retry itself never waits (zero timeouts): the only
 * delays are the jittered backoff here and the start limiter's queue, which already spaces a
 * crowd of retries at the quota's rate.
 */
export function runEpisode(
  policy: RetryOptions | false,
  cause: SpeechKitError | undefined,
  scheduler: Scheduler,
  signal: AbortSignal,
  hooks: EpisodeHooks,
  random: () => number = Math.random,
): Promise<void> {
  let lastError = cause;
  // A failure that starts the episode has used the first attempt: `retries` new sessions follow it.
  let budgetUsed = cause && !refreshRetries.has(cause) ? 1 : 0;
  const clock = new EpisodeClock(scheduler);
  if (cause && policy !== false && budgetUsed > policy.retries) return Promise.reject(cause);
  return pRetry(
    async (attemptNumber) => {
      // Retries count from 1 for the first new session after a failure, whether the failure
      // started this episode (`cause`) or ended its first session.
      const retry = cause ? attemptNumber : attemptNumber - 1;
      if (lastError) {
        const refreshed = refreshRetries.get(lastError);
        const retryClass = classify(lastError.code);
        const delayMs = policy === false || retryClass === 'rollover' || refreshed ? 0 : backoffDelay(policy, retryClass, retry, random());
        hooks.onRetry({ attempt: retry, code: lastError.code, grpcCode: lastError.grpcCode, delayMs, session: lastError.session });
        if (refreshed) await refreshed;
        if (delayMs > 0) await sleep(scheduler, delayMs, signal);
      }
      try {
        await hooks.open(clock);
      } catch (error) {
        lastError = error as SpeechKitError;
        throw error;
      }
    },
    {
      // One more than the budget, for a retry after a forced credential refresh.
      retries: policy === false ? 1 : policy.retries + 1,
      // Waiting happens above, on the injected clock; p-retry only counts and decides.
      minTimeout: 0,
      maxTimeout: 0,
      factor: 1,
      signal,
      shouldRetry: ({ error }) => {
        if (!(error instanceof SpeechKitError)) return false;
        if (refreshRetries.has(error)) return true;
        budgetUsed++;
        return (
          policy !== false &&
          budgetUsed <= policy.retries &&
          classify(error.code) !== 'fail' &&
          clock.spentMs() < policy.maxTotalMs
        );
      },
    },
  );
}

const refreshRetries = new WeakMap<SpeechKitError, Promise<void>>();

/**
 * Marks a refusal (UNAUTHENTICATED) as worth exactly one new session once `refreshed` settles:
 * the credentials were refreshed by force.
 */
export function markRefreshRetry(error: SpeechKitError, refreshed: Promise<void>): void {
  refreshRetries.set(error, refreshed.catch(() => {}));
}

/** The error a stream fails with when an episode gives up. */
export function episodeFailure(error: unknown, attempts: number): Error {
  if (!(error instanceof SpeechKitError)) return error as Error;
  if (classify(error.code) === 'fail') return error;
  return new SpeechKitError(ErrorCodes.RETRIES_EXHAUSTED, `Gave up after ${attempts} attempts; last failure: ${error.message}`, {
    cause: error,
    ...(error.grpcCode !== undefined && { grpcCode: error.grpcCode }),
    ...(error.grpcStatus !== undefined && { grpcStatus: error.grpcStatus }),
    ...(error.session !== undefined && { session: error.session }),
    ...(error.requestId !== undefined && { requestId: error.requestId }),
  });
}

function sleep(scheduler: Scheduler, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      cancel();
      reject(signal.reason);
    };
    const cancel = scheduler.at(scheduler.clock.now() + ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
