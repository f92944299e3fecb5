import { randomUUID } from 'node:crypto';
import type { Scheduler, SchedulerTimer } from '../timing/scheduler.js';
import type { RedisLink } from './link.js';

/** What the leases need of their limiter. */
export interface LeaseHost {
  /** Whether Redis is the limiter's schedule now (away from it, leases there lapse by themselves). */
  shared(): boolean;
  /** A renewal's answer, stamped by the server's clock. */
  sampled(sentMs: number, readMs: number, serverMs: number): void;
  /** Redis failed a lease command. */
  lost(error: unknown): void;
}

/**
 * The concurrency leases of this process's running sessions (only with a fleet-wide cap): each
 * names its process and a sequence number, lives `leaseTtlMs` in Redis, and is renewed every third
 * of that while held, so a process that dies frees its places by itself.
 */
export class Leases {
  readonly held: string[] = [];
  private readonly prefix = randomUUID();
  private seq = 0;
  private readonly renewal: SchedulerTimer;

  constructor(
    private readonly capped: boolean,
    private readonly leaseTtlMs: number,
    private readonly link: RedisLink,
    private readonly scheduler: Scheduler,
    private readonly host: LeaseHost,
  ) {
    this.renewal = scheduler.timer(() => this.renew());
  }

  /** A name for a new lease, if there is a cap. */
  create(): string | undefined {
    return this.capped ? `${this.prefix}:${++this.seq}` : undefined;
  }

  hold(lease: string | undefined): void {
    if (lease === undefined) return;
    this.held.push(lease);
    if (!this.renewal.pending) this.renewal.set(this.scheduler.clock.now() + this.leaseTtlMs / 3);
  }

  /** A session ended: one held lease is freed. Returns whether there was one. */
  releaseOne(): boolean {
    const lease = this.held.pop();
    if (lease === undefined) return false;
    this.free([lease]);
    if (this.held.length === 0) this.renewal.clear();
    return true;
  }

  free(leases: string[]): void {
    if (!this.host.shared()) return;
    this.link.release(leases).catch((error: unknown) => this.host.lost(error));
  }

  /** Every held lease, no longer held (the limiter is closing). */
  takeAll(): string[] {
    this.renewal.clear();
    return this.held.splice(0);
  }

  /** Renews every held lease now (back on Redis: leases taken or lapsed meanwhile are written back). */
  renewNow(): void {
    if (this.held.length === 0) return;
    this.renewal.clear();
    this.renew();
  }

  private renew(): void {
    if (this.held.length === 0) return;
    const sentMs = this.scheduler.clock.now();
    this.renewal.set(sentMs + this.leaseTtlMs / 3);
    if (!this.host.shared()) return;
    this.link.script(['renew', Math.round(this.leaseTtlMs * 1000), ...this.held]).then(
      (reply) => this.host.sampled(sentMs, this.scheduler.clock.now(), reply.nowMs),
      (error: unknown) => this.host.lost(error),
    );
  }
}
