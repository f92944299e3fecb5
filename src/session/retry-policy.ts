import { ErrorCodes, GrpcStatus, type ErrorCode } from '../errors.js';

/**
 * Which failures are worth a new session, and how long to wait first. Pure: the stream feeds it
 * errors and clock readings, and p-retry runs the attempts.
 */
export type RetryClass = 'retry' | 'retry-slow' | 'rollover' | 'fail';

/**
 * The retry table. `retry-slow` waits longer (quota). `rollover` is a session limit hit despite
 * the margins: a new session at once, not counted as a failure. Everything else fails fast.
 */
export const RETRY_TABLE: Readonly<Record<string, RetryClass>> = Object.freeze({
  [ErrorCodes.UNAVAILABLE]: 'retry',
  [ErrorCodes.STALLED]: 'retry',
  [ErrorCodes.INTERNAL]: 'retry',
  [ErrorCodes.DEADLINE_EXCEEDED]: 'retry',
  [ErrorCodes.SESSION_ENDED]: 'retry',
  [ErrorCodes.RESOURCE_EXHAUSTED]: 'retry-slow',
  [ErrorCodes.SESSION_LIMIT]: 'rollover',
  [ErrorCodes.INVALID_ARGUMENT]: 'fail',
  [ErrorCodes.PERMISSION_DENIED]: 'fail',
  [ErrorCodes.UNAUTHENTICATED]: 'fail',
  [ErrorCodes.SERVICE]: 'fail',
  [ErrorCodes.AUTH]: 'fail',
  [ErrorCodes.INVALID_AUDIO]: 'fail',
});

/** gRPC statuses by retry class, for the README and for callers that see raw statuses. */
export const RETRYABLE_GRPC_STATUSES: readonly number[] = [
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNKNOWN,
  GrpcStatus.DATA_LOSS,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
];

export function classify(code: ErrorCode | string): RetryClass {
  return RETRY_TABLE[code] ?? 'fail';
}

/** Recovery from transient failures (the `retry` option; each field optional there). */
export interface RetryOptions {
  /** Retries per failure episode (attempts = retries + 1). Default 6. */
  retries: number;
  /** First backoff ceiling, in ms. Default 250. */
  minDelayMs: number;
  /** Backoff ceiling cap, in ms. Default 10 000. */
  maxDelayMs: number;
  /** Backoff growth per attempt. Default 2. */
  factor: number;
  /** First backoff ceiling for RESOURCE_EXHAUSTED (quota), in ms. Default 2000. */
  slowMinDelayMs: number;
  /** Give up when an episode has lasted this long, in ms, not counting time queued for a start slot. Default 60 000. */
  maxTotalMs: number;
  /** A session that lives this long from when it opens, or delivers a final, resets the budget. Default 10 000 ms. */
  healthyAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 6,
  minDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  slowMinDelayMs: 2_000,
  maxTotalMs: 60_000,
  healthyAfterMs: 10_000,
};

/**
 * Exponential backoff with full jitter: a uniform draw between 0 and the attempt's ceiling.
 * `attempt` is 1 for the first retry. `random01` is a draw in [0, 1).
 */
export function backoffDelay(options: RetryOptions, retryClass: RetryClass, attempt: number, random01: number): number {
  const base = retryClass === 'retry-slow' ? options.slowMinDelayMs : options.minDelayMs;
  const ceiling = Math.min(options.maxDelayMs, base * options.factor ** Math.max(0, attempt - 1));
  const floor = retryClass === 'retry-slow' ? base / 2 : 0;
  return Math.round(floor + (ceiling - floor) * random01);
}

export function validateRetry(options: RetryOptions): string | undefined {
  for (const key of ['retries', 'minDelayMs', 'maxDelayMs', 'slowMinDelayMs', 'maxTotalMs', 'healthyAfterMs'] as const) {
    const value = options[key];
    if (typeof value !== 'number' || !(value >= 0) || (key !== 'retries' && key !== 'maxTotalMs' && !Number.isFinite(value))) {
      return `\`retry.${key}\` must be a number ≥ 0`;
    }
  }
  if (!Number.isInteger(options.retries) && options.retries !== Infinity) return '`retry.retries` must be an integer';
  if (!(options.factor >= 1 && Number.isFinite(options.factor))) return '`retry.factor` must be a finite number ≥ 1';
  if (options.maxDelayMs < options.minDelayMs) return '`retry.maxDelayMs` must be ≥ minDelayMs';
  return undefined;
}
