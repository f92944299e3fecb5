/**
 * When to move to a new session, as a pure function of what the current one has used.
 *
 * Limits are counted in audio sent (ms) and bytes sent, never in wall time: the service counts
 * audio. Inside the soft window the stream rolls over at the next natural boundary (a final with
 * end of utterance, or client-detected silence); at the hard margin it cuts before the limit.
 */
export interface RolloverOptions {
  /** Fraction of a limit after which the stream rolls over at the next natural boundary. Default 0.8. */
  softRatio: number;
  /** Fraction of a limit the stream never crosses: it cuts here if no boundary came. Default 0.95. */
  hardRatio: number;
  /** Client-detected silence that counts as a boundary, in ms. Default 400. */
  silenceMs: number;
  /**
   * Spread of the soft point between sessions (± this fraction of the soft window), so streams
   * started together do not roll over together. Default 0.1.
   */
  jitter: number;
}

export const DEFAULT_ROLLOVER: RolloverOptions = { softRatio: 0.8, hardRatio: 0.95, silenceMs: 400, jitter: 0.1 };

export interface SessionUsage {
  audioMs: number;
  bytes: number;
}

export interface Limits {
  maxAudioMs: number;
  maxBytes: number;
}

/** Why the stream rolled over (see `RolloverEvent`); `update`: for settings `stream.update()` changed. */
export type RolloverReason = 'end-of-utterance' | 'silence' | 'limit' | 'update';

export type RolloverDecision = 'continue' | 'at-boundary' | 'now';

/**
 * `jitter01` is a number in [0, 1) drawn once per session; 0.5 means no shift.
 * `next` is the frame about to be sent.
 */
export function rolloverDecision(
  usage: SessionUsage,
  next: SessionUsage,
  limits: Limits,
  options: RolloverOptions,
  jitter01: number,
): RolloverDecision {
  // Runs once per frame per stream: plain numbers, no objects.
  const afterMs = usage.audioMs + next.audioMs;
  const afterBytes = usage.bytes + next.bytes;
  if (afterMs > limits.maxAudioMs * options.hardRatio || afterBytes > limits.maxBytes * options.hardRatio) return 'now';
  const window = options.hardRatio - options.softRatio;
  const soft = Math.min(options.hardRatio, options.softRatio + window * options.jitter * (2 * jitter01 - 1));
  if (usage.audioMs >= limits.maxAudioMs * soft || usage.bytes >= limits.maxBytes * soft) return 'at-boundary';
  return 'continue';
}

export function validateRollover(options: RolloverOptions): string | undefined {
  const { softRatio, hardRatio, silenceMs, jitter } = options;
  if (!(softRatio > 0 && softRatio < 1)) return '`rollover.softRatio` must be between 0 and 1';
  if (!(hardRatio > softRatio && hardRatio <= 1)) return '`rollover.hardRatio` must be above softRatio and at most 1';
  if (!(silenceMs >= 50 && silenceMs <= 4000)) return '`rollover.silenceMs` must be 50–4000 ms';
  if (!(jitter >= 0 && jitter <= 1)) return '`rollover.jitter` must be between 0 and 1';
  return undefined;
}
