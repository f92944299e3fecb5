import { isTriggered, TRIGGERED_ACTIONS, type FaultRule, type SessionProgress } from './fault-rules.js';

/** What `FaultTriggers` needs of its session. */
export interface TriggeredSession {
  /** Whether the session is open (not ending or ended). */
  open(): boolean;
  /** Whether a `stall` has taken effect. */
  stalled(): boolean;
  progress(): SessionProgress;
  /** Applies a rule whose trigger point has been reached. */
  fire(rule: FaultRule): void;
  /** Runs a timer's work so that a bug in it ends the call, not the process. */
  guard(fn: () => void): void;
}

/**
 * Watches a session's fault rules and fires each triggered one once, in order, when its trigger
 * point is reached: checked whenever the session says so (after audio) and, for `afterWallMs`, on
 * wall-clock timers. Nothing fires before `arm()` (the session arms once its config is accepted).
 */
export class FaultTriggers {
  readonly #rules: readonly FaultRule[];
  readonly #session: TriggeredSession;
  readonly #fired = new Set<FaultRule>();
  #armed = false;
  #timers: NodeJS.Timeout[] = [];

  constructor(rules: readonly FaultRule[], session: TriggeredSession) {
    this.#rules = rules;
    this.#session = session;
  }

  arm(): void {
    if (this.#armed || !this.#session.open()) return;
    this.#armed = true;
    for (const rule of this.#rules) {
      if (TRIGGERED_ACTIONS.has(rule.action) && rule.afterWallMs !== undefined) this.#watchWallClock(rule.afterWallMs);
    }
    this.check();
  }

  /** Fires, once each and in order, the rules whose trigger point has been reached. */
  check(): void {
    if (!this.#armed) return;
    const progress = this.#session.progress();
    for (const rule of this.#rules) {
      if (!this.#session.open() || this.#session.stalled()) return;
      if (!TRIGGERED_ACTIONS.has(rule.action) || this.#fired.has(rule) || !isTriggered(rule, progress)) continue;
      this.#fired.add(rule);
      this.#session.fire(rule);
    }
  }

  /** Stops the wall-clock timers. */
  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
  }

  /** Timers may fire a little early against performance.now(); re-arm until the point is really reached. */
  #watchWallClock(atMs: number): void {
    const wait = atMs - this.#session.progress().wallMs;
    if (wait <= 0 || !this.#session.open()) return;
    const timer = setTimeout(() => {
      this.#timers = this.#timers.filter((t) => t !== timer);
      this.#session.guard(() => {
        this.check();
        this.#watchWallClock(atMs);
      });
    }, Math.ceil(wait));
    this.#timers.push(timer);
  }
}
