/**
 * `speechkit-stream/redis`: one session-start quota shared by every process of a fleet, through
 * Redis. Needs `ioredis` only when given a URL (an optional peer dependency: the core package
 * does not load it).
 *
 * ```ts
 * import { createRecognizeStream } from 'speechkit-stream';
 * import { createRedisStartLimiter } from 'speechkit-stream/redis';
 *
 * const starts = createRedisStartLimiter({ redis: process.env.REDIS_URL, perSecond: 40, maxConcurrent: 60 });
 * starts.on('fallback', (e) => log.warn(`start quota: Redis away (${e.reason}), ${e.perSecond}/s locally`));
 * createRecognizeStream({ auth, startLimiter: starts });
 * ```
 */
import { brandStartLimiter, type SessionStartLimiter } from '../session/start-limiter.js';
import { systemClock } from '../timing/clock.js';
import { schedulerFor } from '../timing/scheduler.js';
import { FleetStartLimiter, type RedisFallbackEvent, type RedisSharedEvent, type RedisStartLimiterEvents } from './fleet-limiter.js';
import { RedisLink } from './link.js';
import { resolveRedisLimiterOptions, type RedisClientLike, type RedisStartLimiterOptions } from './options.js';

export type { RedisClientLike, RedisFallbackEvent, RedisSharedEvent, RedisStartLimiterEvents, RedisStartLimiterOptions };

/** A `SessionStartLimiter` shared through Redis; give the same one to every stream of the process. */
export interface RedisStartLimiter extends SessionStartLimiter {
  /** `'shared'` while Redis answers; `'fallback'` while this process starts sessions at its local rate; `'closed'` after `close()`. */
  readonly mode: 'shared' | 'fallback' | 'closed';
  /** The fleet-wide cap on sessions open at once, if one was set. */
  readonly maxConcurrent: number | undefined;
  /** Concurrency places this process's sessions hold now (0 without a cap). */
  readonly held: number;
  /** A session this limiter started has ended: its concurrency place is free. Streams call it. */
  release(): void;
  /** Frees this process's places in Redis, closes the connection the limiter opened (never a client passed in); later starts go at the local rate. */
  close(): Promise<void>;
  on<E extends keyof RedisStartLimiterEvents>(event: E, listener: (...args: RedisStartLimiterEvents[E]) => void): this;
  once<E extends keyof RedisStartLimiterEvents>(event: E, listener: (...args: RedisStartLimiterEvents[E]) => void): this;
  off<E extends keyof RedisStartLimiterEvents>(event: E, listener: (...args: RedisStartLimiterEvents[E]) => void): this;
}

/**
 * Creates a start limiter that every process with the same Redis and `key` shares: at most
 * `perSecond` session starts in any second across the fleet, evenly spaced, first come first
 * served, and optionally at most `maxConcurrent` sessions open at once. Throws
 * `SPEECHKIT_ERR_INVALID_OPTION` for a bad option (never quoting the URL), also when a URL is given
 * and `ioredis` is not installed. It connects lazily; while Redis is unreachable it starts
 * sessions at `fallbackPerSecond` and says so with a `'fallback'` event (`'shared'` when back).
 */
export function createRedisStartLimiter(options: RedisStartLimiterOptions): RedisStartLimiter {
  const resolved = resolveRedisLimiterOptions(options);
  const scheduler = schedulerFor(options.clock ?? systemClock);
  const link = new RedisLink(options.redis, resolved.key, scheduler, resolved.commandTimeoutMs);
  return brandStartLimiter(new FleetStartLimiter(resolved, link, scheduler));
}
