/** `'fallback'`: Redis stopped answering; this process starts sessions on its own, at its local rate. */
export interface RedisFallbackEvent {
  /** Why, e.g. `no answer from Redis within 1000 ms` or the connection's error (never a secret). */
  reason: string;
  /** Starts per second this process allows itself until Redis is back. */
  perSecond: number;
  /** Sessions open at once it allows itself meanwhile, if there is a fleet-wide cap. */
  maxConcurrent: number | undefined;
}

/** `'shared'`: Redis answers again; starts go through the fleet's shared schedule again. */
export interface RedisSharedEvent {
  /** How long this process ran on its local rate. */
  downMs: number;
}

/** The fleet limiter's events and their payloads. */
export interface RedisStartLimiterEvents {
  fallback: [event: RedisFallbackEvent];
  shared: [event: RedisSharedEvent];
}
