import pRetry from 'p-retry';
import { trace } from '../debug.js';
import { ErrorCodes, redact, SpeechKitError } from '../errors.js';
import type { Clock, TimerHandle } from '../timing/clock.js';
import { ExchangeFailure, type IssuedToken } from './iam-exchange.js';

/** IAM's docs recommend getting a new token about every hour (a token lives at most 12 hours). */
export const REFRESH_EVERY_MS = 60 * 60 * 1_000;
/** IAM tokens live at most 12 hours; a longer claimed life (a skewed clock) is not believed. */
export const MAX_TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1_000;
/** A token this close to its expiry is not handed to a new session (capped at 10 % of its life). */
export const EXPIRY_MARGIN_MS = 5 * 60 * 1_000;
/**
 * One token request, retried on transient failures (network, timeout, 5xx, 429): three attempts,
 * 500 ms and then 2 s apart. A plain retried promise, so p-retry runs it with its own timers; the
 * exchange's timeout and the token's lifetimes stay on the injected clock.
 */
const EXCHANGE_RETRY = { retries: 2, minTimeout: 500, factor: 4, maxTimeout: 2_000, randomize: false } as const;
/** Background refreshes that fail are retried with backoff up to this. */
const MAX_BACKGROUND_RETRY_MS = 60_000;
const MIN_BACKGROUND_RETRY_MS = 100;
/** Recent tokens are kept only to scrub them from errors and logs. */
const REMEMBERED_TOKENS = 4;

/** Where a cache gets new tokens from. */
export interface TokenSource {
  /** One token request. `background`: nothing waits for it, so it must not keep the process alive. */
  fetch(background: boolean): Promise<IssuedToken>;
  /** Secrets of the source itself (key material), for scrubbing. */
  secrets(): readonly string[];
  /** Who the tokens are for, for errors and logs; never secret. */
  readonly label: string;
}

/** Payload of a stream's `credentials` event. Never carries a credential. */
export type CredentialsEvent =
  | {
      /** A new IAM token was obtained (shared by every stream using the same key). */
      type: 'token';
      /** When IAM says the token expires, ISO 8601. */
      expiresAt: string;
      /** When the next refresh is due, from now. */
      refreshInMs: number;
    }
  | {
      /** A background refresh failed; the current token is still used while it is valid. */
      type: 'refresh-failed';
      code: typeof ErrorCodes.AUTH;
      message: string;
      /** When the refresh is tried again, from now. */
      retryInMs: number;
      /** How long the current token remains usable, from now. */
      validForMs: number;
    };

interface CurrentToken {
  token: string;
  expiresAtMs: number;
  /** Monotonic clock times. */
  usableUntil: number;
  refreshAt: number;
}

/**
 * One IAM token for everyone using the same key. The token is refreshed ahead of time on the
 * injected clock (hourly, or at half its life if that is shorter), so a session never waits for a
 * refresh while the current token is still good; only the very first request, or one after the
 * token was refused or ran out, waits. Concurrent requests share one exchange. The refresh timer
 * does not keep the process alive and stops when the last stream releases the cache.
 */
export class TokenCache {
  private current: CurrentToken | undefined;
  private inflight: Promise<string> | undefined;
  private refs = 0;
  private timer: TimerHandle | undefined;
  private failures = 0;
  private readonly recent: string[] = [];
  private readonly listeners = new Set<(event: CredentialsEvent) => void>();

  constructor(
    private readonly source: TokenSource,
    private readonly clock: Clock,
    /** Unix epoch ms, to read IAM's `expiresAt`; tests pass a fake one. */
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** A stream starts using the cache. Returns its release function (idempotent). */
  acquire(listener?: (event: CredentialsEvent) => void): () => void {
    this.refs++;
    if (listener) this.listeners.add(listener);
    if (this.current && this.timer === undefined) this.schedule(this.current.refreshAt);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.refs--;
      if (listener) this.listeners.delete(listener);
      if (this.refs === 0) this.cancelTimer();
    };
  }

  /** Streams holding the cache. */
  get holders(): number {
    return this.refs;
  }

  /** A token for a new session: the current one while it is good, else a new one (shared). */
  async token(): Promise<string> {
    const current = this.current;
    const now = this.clock.now();
    if (current && now < current.usableUntil) {
      if (now >= current.refreshAt) this.refreshInBackground();
      return current.token;
    }
    return this.refresh(false);
  }

  /**
   * The service refused `refused`: forget it and get a new one, unless that already happened (many
   * streams refused the same token at once: one exchange for all of them). Resolves with the token
   * to use next; rejects when no new token could be had.
   */
  forceRefresh(refused: string | undefined): Promise<string> {
    if (this.current && (refused === undefined || this.current.token === refused)) this.current = undefined;
    return this.inflight ?? (this.current ? Promise.resolve(this.current.token) : this.refresh(false));
  }

  /** Every secret the cache knows: key material and recent tokens. */
  secrets(): string[] {
    return [...this.source.secrets(), ...this.recent];
  }

  private refresh(background: boolean): Promise<string> {
    this.inflight ??= this.obtain(background).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private refreshInBackground(): void {
    if (this.inflight || this.refs === 0) return;
    this.refresh(true).catch((error: SpeechKitError) => this.onBackgroundFailure(error));
  }

  private async obtain(background: boolean): Promise<string> {
    try {
      return await pRetry(async () => this.store(await this.source.fetch(background)), {
        ...EXCHANGE_RETRY,
        // A background refresh must not keep the process alive while it waits to try again.
        unref: background,
        shouldRetry: ({ error }) => error instanceof ExchangeFailure && error.transient,
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (retriesLeft > 0 && error instanceof ExchangeFailure && error.transient) {
            trace('auth', `token request for ${this.source.label} failed (${this.messageOf(error)}); trying again`, this.secrets());
          }
        },
      });
    } catch (error) {
      throw this.authError(error);
    }
  }

  private store(issued: IssuedToken): string {
    const now = this.clock.now();
    const lifetimeMs = Math.min(issued.expiresAtMs - this.wallNow(), MAX_TOKEN_LIFETIME_MS);
    if (!(lifetimeMs > 0)) {
      throw new SpeechKitError(ErrorCodes.AUTH, `IAM issued a token for ${this.source.label} that has already expired by this machine's clock; check the system time`);
    }
    const refreshInMs = Math.min(REFRESH_EVERY_MS, lifetimeMs / 2);
    this.current = {
      token: issued.token,
      expiresAtMs: issued.expiresAtMs,
      usableUntil: now + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs * 0.1),
      refreshAt: now + refreshInMs,
    };
    this.recent.push(issued.token);
    if (this.recent.length > REMEMBERED_TOKENS) this.recent.shift();
    this.failures = 0;
    this.schedule(this.current.refreshAt);
    const expiresAt = new Date(issued.expiresAtMs).toISOString();
    trace('auth', `new IAM token for ${this.source.label}, expires ${expiresAt}, next refresh in ${Math.round(refreshInMs)} ms`, this.secrets());
    this.emit({ type: 'token', expiresAt, refreshInMs });
    return issued.token;
  }

  private onBackgroundFailure(error: SpeechKitError): void {
    this.failures++;
    const now = this.clock.now();
    const validForMs = this.current ? Math.max(0, this.current.usableUntil - now) : 0;
    const retryInMs = Math.max(
      MIN_BACKGROUND_RETRY_MS,
      Math.min(MAX_BACKGROUND_RETRY_MS, 1_000 * 2 ** (this.failures - 1), validForMs / 4),
    );
    // New sessions must not each start an exchange while IAM is failing: they wait for the retry too.
    if (this.current) this.current.refreshAt = now + retryInMs;
    this.schedule(now + retryInMs);
    trace('auth', `background refresh failed (${error.message}); current token usable for ${Math.round(validForMs)} ms more; next try in ${Math.round(retryInMs)} ms`, this.secrets());
    this.emit({ type: 'refresh-failed', code: ErrorCodes.AUTH, message: error.message, retryInMs, validForMs });
  }

  private schedule(atMs: number): void {
    this.cancelTimer();
    if (this.refs === 0) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.refreshInBackground();
    }, Math.max(0, atMs - this.clock.now()));
    // A refresh is housekeeping: it must not be what keeps a process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private authError(error: unknown): SpeechKitError {
    if (error instanceof SpeechKitError) return error;
    return new SpeechKitError(ErrorCodes.AUTH, `Could not get an IAM token for ${this.source.label}: ${this.messageOf(error)}`);
  }

  private messageOf(error: unknown): string {
    return redact(error instanceof Error ? error.message : String(error), this.secrets());
  }

  private emit(event: CredentialsEvent): void {
    const frozen = Object.freeze(event);
    for (const listener of this.listeners) listener(frozen);
  }
}

const registries = new WeakMap<Clock, Map<string, TokenCache>>();

/**
 * The process-wide cache for `key` on `clock`, made by `create` the first time. Streams that
 * authenticate with the same key (and IAM endpoint and trust settings) share it.
 */
export function sharedTokenCache(clock: Clock, key: string, create: () => TokenCache): TokenCache {
  let registry = registries.get(clock);
  if (!registry) registries.set(clock, (registry = new Map()));
  let cache = registry.get(key);
  if (!cache) registry.set(key, (cache = create()));
  return cache;
}
