import type { Scheduler, SchedulerTimer } from '../timing/scheduler.js';
import type { RedisLink } from './link.js';
import type { ServerClock } from './server-clock.js';

/**
 * While slots wait and the server's clock is known here only to within more than this (or twice
 * the quickest round trip, for a Redis far away), as when every answer so far came slowly in a
 * burst, it is asked the time every `CLOCK_PROBE_MS`: one quick answer pins it, and the slots go
 * when the server meant them to.
 */
const CLOCK_GOOD_MS = 4;
const CLOCK_PROBE_MS = 100;

/** What the probe needs of its limiter. */
export interface ClockProbeHost {
  /** Whether Redis is the limiter's schedule now. */
  shared(): boolean;
  closed(): boolean;
  /** Whether reserved slots wait on the server's clock. */
  slotsWaiting(): boolean;
  /** The server's clock is known better: slots may be due at other local times. */
  improved(): void;
  lost(error: unknown): void;
}

/** Asks Redis the time when the slots waiting need it known better (one question at a time). */
export class ClockProbe {
  private asking = false;
  private readonly timer: SchedulerTimer;

  constructor(
    private readonly serverClock: ServerClock,
    private readonly link: RedisLink,
    private readonly scheduler: Scheduler,
    private readonly host: ClockProbeHost,
  ) {
    this.timer = scheduler.timer(() => this.ask());
    // Knowing the server's clock before the first burst of starts: answers in a burst come slowly.
    this.timer.set(scheduler.clock.now());
  }

  /** Slots wait on a server clock known only roughly: ask it the time, soon. */
  check(): void {
    const now = this.scheduler.clock.now();
    if (!this.host.shared() || this.asking || this.timer.pending || !this.host.slotsWaiting()) return;
    // Far from Redis, every round trip is slow: as good as its quickest one is as good as it gets.
    const good = Math.max(CLOCK_GOOD_MS, 2 * this.serverClock.quickestRoundTrip);
    if (this.serverClock.uncertainty(now) > good) this.timer.set(now + CLOCK_PROBE_MS);
  }

  stop(): void {
    this.timer.clear();
  }

  private ask(): void {
    if (!this.host.shared() || this.asking || (!this.host.slotsWaiting() && this.serverClock.known)) return;
    this.asking = true;
    const sentMs = this.scheduler.clock.now();
    this.link.script(['time']).then(
      (reply) => {
        this.asking = false;
        if (this.host.closed()) return;
        this.serverClock.sample(sentMs, this.scheduler.clock.now(), reply.nowMs);
        this.host.improved();
        this.check();
      },
      (error: unknown) => {
        this.asking = false;
        this.host.lost(error);
      },
    );
  }
}
