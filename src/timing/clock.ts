/**
 * The one seam for time. Pacing, timeouts, retries and rollover read time only through a Clock,
 * so their tests run on fake time in milliseconds.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Runs `fn` once, `ms` from now (0 or less: as soon as possible). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer `setTimeout` returned; a timer that already ran is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Whatever a `Clock`'s `setTimeout` returns, handed back to its `clearTimeout`. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** Real time: `performance.now()` and the runtime's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
