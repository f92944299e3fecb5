import { invalidOption } from '../errors.js';
import { systemClock, type Clock } from '../timing/clock.js';
import { schedulerFor, type Scheduler, type SchedulerTimer } from '../timing/scheduler.js';

/**
 * SpeechKit's quota of new streaming recognition requests per second, per cloud (the service's
 * "Quotas and limits" page; support can raise it). Every session counts: first ones, rollovers
 * and recoveries.
 */
export const DEFAULT_SESSION_STARTS_PER_SECOND = 40;

/**
 * Paces session starts across many streams: at most `perSecond` in any second, spaced evenly
 * (one every `1000 / perSecond` ms, plus a 2 % margin), first come first served. Evenly spaced
 * rather than in bursts, so network jitter cannot push a burst over the service's own count.
 */
export interface SessionStartLimiter {
  /** Starts allowed per second. */
  readonly perSecond: number;
  /** Sessions waiting for a start slot now. */
  readonly waiting: number;
  /** Takes a slot if one is free now and nobody is waiting. */
  tryAcquire(): boolean;
  /** Queues for the next free slot; `onGranted` runs when it comes. Returns a cancel function. */
  acquire(onGranted: () => void): () => void;
  /**
   * A start this limiter granted (`tryAcquire()` true, or `onGranted`) is over: the session it
   * opened has ended, or it went unused. Streams call it exactly once per grant. Only a limiter that
   * also caps sessions open at once (`speechkit-stream/redis`) has it; it frees that place.
   */
  release?(): void;
}

/** Options of `createSessionStartLimiter()`. */
export interface SessionStartLimiterOptions {
  /** Session starts per second. Default 40, the service's default quota. */
  perSecond?: number;
  /** The time source that spaces the starts. Default: real time; inject a fake `Clock` to test on fake time. */
  clock?: Clock;
}

/**
 * Starts are spaced 2 % wider than `1000 / perSecond` ms: the service counts them as they arrive,
 * and a few ms of network jitter must not make any second look like one start too many.
 */
const SPACING_MARGIN = 1.02;
/** Clock noise tolerated when a slot's timer fires (far below the spacing margin). */
const TIME_NOISE_MS = 1e-7;

interface Waiter {
  granted: (() => void) | undefined;
}

const LIMITER = Symbol('speechkit-stream.startLimiter');

class StartLimiter implements SessionStartLimiter {
  readonly [LIMITER] = true;
  readonly perSecond: number;
  private readonly intervalMs: number;
  /** Clock time from which the next start may go. */
  private nextFreeAt = -Infinity;
  private readonly queue: Waiter[] = [];
  private head = 0;
  private live = 0;
  private readonly timer: SchedulerTimer;

  constructor(
    perSecond: number,
    private readonly scheduler: Scheduler,
  ) {
    this.perSecond = perSecond;
    this.intervalMs = (1000 / perSecond) * SPACING_MARGIN;
    this.timer = scheduler.timer(() => this.grantDue());
  }

  get waiting(): number {
    return this.live;
  }

  tryAcquire(): boolean {
    const now = this.scheduler.clock.now();
    if (this.live > 0 || now < this.nextFreeAt) return false;
    this.take(now);
    return true;
  }

  acquire(onGranted: () => void): () => void {
    const waiter: Waiter = { granted: onGranted };
    this.queue.push(waiter);
    this.live++;
    if (this.live === 1) this.timer.set(Math.max(this.nextFreeAt, this.scheduler.clock.now()));
    return () => {
      if (!waiter.granted) return;
      waiter.granted = undefined;
      this.live--;
      if (this.live === 0) this.timer.clear();
    };
  }

  /** Counted from when a start really goes, so a late timer can only lower the rate, never raise it. */
  private take(now: number): void {
    this.nextFreeAt = Math.max(now, this.nextFreeAt) + this.intervalMs;
  }

  private grantDue(): void {
    const now = this.scheduler.clock.now();
    // The scheduler may run a callback up to a ms early; a slot never opens before its time (give
    // or take float noise well under the nanosecond of spacing margin, which would otherwise re-arm
    // the timer for a zero wait forever).
    if (now < this.nextFreeAt - TIME_NOISE_MS) {
      this.timer.set(this.nextFreeAt);
      return;
    }
    const waiter = this.shift();
    if (!waiter) return;
    this.take(now);
    if (this.live > 0) this.timer.set(this.nextFreeAt);
    const granted = waiter.granted!;
    waiter.granted = undefined;
    granted();
  }

  private shift(): Waiter | undefined {
    while (this.head < this.queue.length) {
      const waiter = this.queue[this.head++]!;
      if (waiter.granted) {
        this.live--;
        this.compact();
        return waiter;
      }
    }
    this.compact();
    return undefined;
  }

  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * A limiter for session starts, to share between every stream that draws on the same quota.
 * Streams use one per endpoint by default (40 a second); create your own when the quota was
 * raised, when several processes share it (give each its part), or to keep two clouds' quotas apart.
 *
 * @example
 * const starts = createSessionStartLimiter({ perSecond: 100 }); // a raised quota
 * createRecognizeStream({ auth, startLimiter: starts });
 */
export function createSessionStartLimiter(options: SessionStartLimiterOptions = {}): SessionStartLimiter {
  const perSecond = options.perSecond ?? DEFAULT_SESSION_STARTS_PER_SECOND;
  if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond <= 0) {
    throw invalidOption('perSecond', 'a positive number of session starts per second', options.perSecond);
  }
  return new StartLimiter(perSecond, schedulerFor(options.clock ?? systemClock));
}

/**
 * @internal Marks a limiter made by another of this package's entry points (`speechkit-stream/redis`)
 * as one the `startLimiter` option accepts.
 */
export function brandStartLimiter<T extends SessionStartLimiter>(limiter: T): T {
  Object.defineProperty(limiter, LIMITER, { value: true });
  return limiter;
}

/** Whether `value` is a limiter made by `createSessionStartLimiter()` (or `brandStartLimiter()`). */
export function isSessionStartLimiter(value: unknown): value is SessionStartLimiter {
  return typeof value === 'object' && value !== null && (value as { [LIMITER]?: boolean })[LIMITER] === true;
}

const shared = new WeakMap<Scheduler, Map<string, SessionStartLimiter>>();

/** The process-wide default limiter for streams to `endpoint` on `scheduler`'s clock. */
export function sharedStartLimiter(scheduler: Scheduler, endpoint: string): SessionStartLimiter {
  let byEndpoint = shared.get(scheduler);
  if (!byEndpoint) shared.set(scheduler, (byEndpoint = new Map()));
  let limiter = byEndpoint.get(endpoint);
  if (!limiter) byEndpoint.set(endpoint, (limiter = new StartLimiter(DEFAULT_SESSION_STARTS_PER_SECOND, scheduler)));
  return limiter;
}
