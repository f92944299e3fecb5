import { invalidOption } from '../errors.js';
import { DEFAULT_SESSION_STARTS_PER_SECOND } from '../session/start-limiter.js';
import type { Clock } from '../timing/clock.js';

/**
 * What the limiter needs of a Redis client: ioredis's `call` (a `Redis` or a `Cluster`). Any
 * object with that method works; the limiter sends `EVALSHA`, `EVAL`, `ZREM` through it.
 */
export interface RedisClientLike {
  call(command: string, args: (string | number)[]): Promise<unknown>;
}

/** Options of `createRedisStartLimiter()`. */
export interface RedisStartLimiterOptions {
  /**
   * The Redis every process of the fleet shares: an `ioredis` client (yours: the limiter never
   * closes it), or a `redis://` / `rediss://` URL (the limiter opens its own connection with
   * `ioredis`, an optional peer dependency, and `close()` closes it). The URL's password is held
   * where nothing handed out reaches it.
   */
  redis: RedisClientLike | string;
  /** Session starts per second for the whole fleet: the cloud's quota. Default 40. */
  perSecond?: number;
  /** Redis key prefix the fleet shares; processes with the same key share one quota. Default `'speechkit-stream:starts'`. */
  key?: string;
  /**
   * Room for starts that reach the service later than their slot (network paths differ between
   * hosts, a process pauses): starts are spaced `(1000 + marginMs) / perSecond` ms apart, so a
   * start can arrive up to `marginMs` late without any second holding more than `perSecond`.
   * Default 50.
   */
  marginMs?: number;
  /** Fleet-wide cap on sessions open at once; unset, no cap. Places are leases that lapse after `leaseTtlMs` unless renewed. */
  maxConcurrent?: number;
  /** How long a concurrency lease lives without renewal (a crashed process frees its places after this). Renewed every third of it. Default 15 000. */
  leaseTtlMs?: number;
  /**
   * Starts per second this process allows itself while Redis is unreachable. Default a quarter of
   * `perSecond`: right for a fleet of up to four processes; give `perSecond / processes` for more.
   */
  fallbackPerSecond?: number;
  /** Sessions open at once this process allows itself while Redis is unreachable. Default a quarter of `maxConcurrent`, rounded up. */
  fallbackMaxConcurrent?: number;
  /** A Redis command that has not answered after this long counts as Redis unreachable. Default 1000. */
  commandTimeoutMs?: number;
  /** While Redis is unreachable, how often to try it again. Default 1000. */
  probeEveryMs?: number;
  /** The time source of local waits and timeouts. Default: real time; inject a fake `Clock` to test on fake time. */
  clock?: Clock;
}

export interface ResolvedRedisLimiterOptions {
  perSecond: number;
  key: string;
  marginMs: number;
  maxConcurrent: number | undefined;
  leaseTtlMs: number;
  fallbackPerSecond: number;
  fallbackMaxConcurrent: number | undefined;
  commandTimeoutMs: number;
  probeEveryMs: number;
  /** µs between two starts, on the Redis server's clock. */
  intervalUs: number;
  /** A slot whose wait ends later than this is given up (see `FleetStartLimiter`). */
  lateMs: number;
}

export const DEFAULT_KEY = 'speechkit-stream:starts';
const DEFAULT_MARGIN_MS = 50;
const DEFAULT_LEASE_TTL_MS = 15_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
const DEFAULT_PROBE_EVERY_MS = 1_000;
/** The share of the fleet's quota a process takes while Redis is unreachable, by default. */
const FALLBACK_SHARE = 1 / 4;
/** Below this, a slot's lateness is timer noise, not a pause. */
const MIN_LATE_MS = 5;

function positive(options: RedisStartLimiterOptions, name: keyof RedisStartLimiterOptions, fallback: number, what: string, integer = false): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw invalidOption(name, what, value);
  }
  return value;
}

/** Validates every option before anything connects; errors name the option and never quote the URL. */
export function resolveRedisLimiterOptions(options: RedisStartLimiterOptions): ResolvedRedisLimiterOptions {
  if (typeof options !== 'object' || options === null) throw invalidOption('redis', 'an options object with `redis`, an ioredis client or a redis:// URL');
  const perSecond = positive(options, 'perSecond', DEFAULT_SESSION_STARTS_PER_SECOND, 'a positive number of session starts per second');
  const key = options.key ?? DEFAULT_KEY;
  if (typeof key !== 'string' || key.length === 0 || /[{}]/.test(key)) {
    throw invalidOption('key', 'a non-empty string without { or } (the limiter puts it in a hash tag)', key);
  }
  const marginMs = options.marginMs ?? DEFAULT_MARGIN_MS;
  if (typeof marginMs !== 'number' || !Number.isFinite(marginMs) || marginMs < 0 || marginMs > 1000) {
    throw invalidOption('marginMs', 'a number of milliseconds from 0 to 1000', marginMs);
  }
  const maxConcurrent = options.maxConcurrent === undefined ? undefined : positive(options, 'maxConcurrent', 0, 'a positive whole number of sessions', true);
  const leaseTtlMs = positive(options, 'leaseTtlMs', DEFAULT_LEASE_TTL_MS, 'a positive number of milliseconds');
  if (leaseTtlMs < 300) throw invalidOption('leaseTtlMs', 'at least 300 milliseconds (leases are renewed every third of it)', leaseTtlMs);
  const fallbackPerSecond = positive(options, 'fallbackPerSecond', perSecond * FALLBACK_SHARE, 'a positive number of session starts per second');
  const fallbackDefault = maxConcurrent === undefined ? 0 : Math.ceil(maxConcurrent * FALLBACK_SHARE);
  const fallbackMaxConcurrent = options.fallbackMaxConcurrent === undefined
    ? maxConcurrent === undefined ? undefined : fallbackDefault
    : positive(options, 'fallbackMaxConcurrent', fallbackDefault, 'a positive whole number of sessions', true);
  const commandTimeoutMs = positive(options, 'commandTimeoutMs', DEFAULT_COMMAND_TIMEOUT_MS, 'a positive number of milliseconds');
  const probeEveryMs = positive(options, 'probeEveryMs', DEFAULT_PROBE_EVERY_MS, 'a positive number of milliseconds');
  const clock = options.clock;
  if (clock !== undefined && (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function')) {
    throw invalidOption('clock', 'a Clock (now, setTimeout, clearTimeout)', clock);
  }
  return {
    perSecond,
    key,
    marginMs,
    maxConcurrent,
    leaseTtlMs,
    fallbackPerSecond,
    fallbackMaxConcurrent,
    commandTimeoutMs,
    probeEveryMs,
    intervalUs: Math.ceil(((1000 + marginMs) / perSecond) * 1000),
    lateMs: Math.max(MIN_LATE_MS, marginMs / 2),
  };
}

/** Whether `value` can carry the limiter's commands. */
export function isRedisClient(value: unknown): value is RedisClientLike {
  return typeof value === 'object' && value !== null && typeof (value as { call?: unknown }).call === 'function';
}
