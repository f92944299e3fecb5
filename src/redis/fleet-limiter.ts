import { EventEmitter } from 'node:events';
import { createSessionStartLimiter, type SessionStartLimiter } from '../session/start-limiter.js';
import type { Scheduler, SchedulerTimer } from '../timing/scheduler.js';
import type { RedisLink } from './link.js';
import type { ResolvedRedisLimiterOptions } from './options.js';
import type { RedisFallbackEvent, RedisSharedEvent, RedisStartLimiterEvents } from './fleet-events.js';
import { ClockProbe } from './clock-probe.js';
import { Leases } from './leases.js';
import type { ScriptReply } from './script.js';
import { ServerClock } from './server-clock.js';
import { SlotSchedule } from './slot-schedule.js';
import { Waiters } from './waiters.js';

export type { RedisFallbackEvent, RedisSharedEvent, RedisStartLimiterEvents } from './fleet-events.js';

/** The scheduler may run a timer up to 1 ms early; a slot that close is on time. */
const EARLY_MS = 1;
/** With the concurrency cap full, how often to ask again (a release here asks at once). */
const CAP_POLL_MS = 200;
type Mode = 'shared' | 'fallback' | 'closed';

/**
 * A session start limiter that every process of a fleet shares through Redis. Each waiting start
 * asks Redis for a slot (one script call, `FLEET_SCRIPT`), in the order they came; slots are
 * granted, in this process, to its waiters first come first served, when their time comes. A slot
 * of a busy schedule whose wait ended late (the process paused, or its answer sat unread) is given
 * up and another asked for: a start that goes late lands among the starts of the slots after it,
 * and the second after it could hold more than the quota as the service counts it.
 *
 * When Redis does not answer, starts go through a local limiter at `fallbackPerSecond` until a
 * probe finds Redis again; slots already reserved are still used. Nothing waits on Redis longer
 * than `commandTimeoutMs`, and no waiter is ever dropped.
 */
export class FleetStartLimiter extends EventEmitter<RedisStartLimiterEvents> implements SessionStartLimiter {
  readonly perSecond: number;
  readonly maxConcurrent: number | undefined;
  readonly #options: ResolvedRedisLimiterOptions;
  readonly #link: RedisLink;
  readonly #scheduler: Scheduler;
  readonly #local: SessionStartLimiter;
  readonly #serverClock = new ServerClock();
  #mode: Mode = 'shared';
  #downSince = 0;
  readonly #waiters = new Waiters();
  /** Reserved slots not granted yet, earliest first. */
  readonly #slots = new SlotSchedule(this.#serverClock);
  /** Reservations asked of Redis and not answered yet. */
  #asking = 0;
  /** Slots asked of the local limiter (fallback) and not come yet. */
  readonly #localAsks = new Set<() => void>();
  /** Redis said the cap is full: one question at a time until it says otherwise, none before `#capFullUntil`. */
  #capFull = false;
  #capFullUntil = -Infinity;
  /** Leases of sessions that started and have not ended. */
  readonly #leases: Leases;
  #probing = false;
  readonly #clockProbe: ClockProbe;
  readonly #due: SchedulerTimer;
  readonly #poll: SchedulerTimer;
  readonly #probe: SchedulerTimer;

  constructor(options: ResolvedRedisLimiterOptions, link: RedisLink, scheduler: Scheduler) {
    super();
    this.perSecond = options.perSecond;
    this.maxConcurrent = options.maxConcurrent;
    this.#options = options;
    this.#link = link;
    this.#scheduler = scheduler;
    // The local rate keeps the fleet's margin too: it is what the service sees of this process.
    this.#local = createSessionStartLimiter({
      perSecond: (options.fallbackPerSecond * 1000) / (1000 + options.marginMs),
      clock: scheduler.clock,
    });
    this.#due = scheduler.timer(() => this.#grantDue());
    this.#poll = scheduler.timer(() => this.#pump());
    this.#leases = new Leases(options.maxConcurrent !== undefined, options.leaseTtlMs, link, scheduler, {
      shared: () => this.#mode === 'shared',
      sampled: (sentMs, readMs, serverMs) => this.#serverClock.sample(sentMs, readMs, serverMs),
      lost: (error) => this.#toFallback(error),
    });
    this.#probe = scheduler.timer(() => this.#tryRedis());
    this.#clockProbe = new ClockProbe(this.#serverClock, link, scheduler, {
      shared: () => this.#mode === 'shared',
      closed: () => this.#mode === 'closed',
      slotsWaiting: () => this.#slots.length > 0,
      improved: () => this.#armDue(),
      lost: (error) => this.#toFallback(error),
    });
  }

  /** `'shared'` while Redis answers, `'fallback'` while this process runs on its local rate, `'closed'` after `close()`. */
  get mode(): Mode {
    return this.#mode;
  }

  /** Sessions waiting for a start slot in this process. */
  get waiting(): number {
    return this.#waiters.live;
  }

  /** Concurrency places held by this process's sessions now (0 without `maxConcurrent`). */
  get held(): number {
    return this.#leases.held.length;
  }

  /** Only in fallback: the shared schedule is always asked, and Redis cannot answer synchronously. */
  tryAcquire(): boolean {
    if (this.#mode === 'shared' || this.#waiters.live > 0 || !this.#localRoom()) return false;
    if (!this.#local.tryAcquire()) return false;
    this.#leases.hold(this.#leases.create());
    return true;
  }

  acquire(onGranted: () => void): () => void {
    const waiter = this.#waiters.add(onGranted);
    this.#pump();
    return () => {
      if (this.#waiters.cancel(waiter)) this.#trim();
    };
  }

  /** A session this limiter started has ended (or its start went unused): its concurrency place is free. */
  release(): void {
    if (!this.#leases.releaseOne()) return;
    // The place freed here is one the fleet can use: ask (once, if the cap was full) at once.
    this.#capFullUntil = -Infinity;
    this.#pump();
  }

  /**
   * Stops using Redis: frees this process's leases there at once, closes the connection the
   * limiter opened, and serves any start still asked for at the local rate.
   */
  async close(): Promise<void> {
    if (this.#mode === 'closed') return;
    const wasShared = this.#mode === 'shared';
    this.#mode = 'closed';
    for (const timer of [this.#poll, this.#probe]) timer.clear();
    this.#clockProbe.stop();
    const leases = [...this.#leases.takeAll(), ...this.#slots.takeLeases()];
    this.#pump();
    if (wasShared && leases.length > 0) await this.#link.release(leases).catch(() => {});
    await this.#link.close();
  }

  #pump(): void {
    let needed = this.#waiters.live - this.#slots.length - this.#asking - this.#localAsks.size;
    const now = this.#scheduler.clock.now();
    for (; needed > 0; needed--) {
      if (this.#mode === 'shared') {
        const cap = this.maxConcurrent;
        if (cap !== undefined) {
          // This process alone fills the cap: only a release here can make room.
          if (this.#leases.held.length + this.#slots.length + this.#asking >= cap) break;
          if (this.#capFull && now < this.#capFullUntil) {
            this.#poll.set(this.#capFullUntil);
            break;
          }
          if (this.#capFull && this.#asking > 0) break;
        }
        this.#ask();
        if (this.#capFull) break;
      } else {
        // Slots reserved before Redis went away are used first: the local rate comes on top of
        // nothing, so this process never starts faster than either.
        if (!this.#localRoom() || this.#slots.anyShared()) break;
        this.#askLocal();
      }
    }
  }

  /** Room under the fallback cap for one more start. */
  #localRoom(): boolean {
    const cap = this.#options.fallbackMaxConcurrent;
    return cap === undefined || this.#leases.held.length + this.#slots.length + this.#localAsks.size < cap;
  }

  #ask(): void {
    this.#asking++;
    const lease = this.#leases.create();
    const { intervalUs, leaseTtlMs } = this.#options;
    const args = ['reserve', intervalUs, this.maxConcurrent ?? 0, lease ?? '', Math.round(leaseTtlMs * 1000)];
    const sentMs = this.#scheduler.clock.now();
    this.#link.script(args, (late) => {
      // Given up on when it timed out: its slot is lost, its lease need not wait for the TTL.
      if (late.kind === 'slot' && lease !== undefined) this.#link.release([lease]).catch(() => {});
    }).then(
      (reply) => {
        this.#asking--;
        this.#reserved(reply, lease, sentMs);
      },
      (error: unknown) => {
        this.#asking--;
        this.#toFallback(error);
        this.#pump();
      },
    );
  }

  #reserved(reply: ScriptReply, lease: string | undefined, sentMs: number): void {
    const now = this.#scheduler.clock.now();
    this.#serverClock.sample(sentMs, now, reply.nowMs);
    if (this.#mode === 'closed') {
      if (reply.kind === 'slot' && lease !== undefined) void this.#link.release([lease]).catch(() => {});
      return;
    }
    if (reply.kind === 'full') {
      const lapses = this.#serverClock.toLocal(reply.expiresMs, now) - now;
      this.#capFull = true;
      this.#capFullUntil = now + Math.max(1, Math.min(CAP_POLL_MS, lapses + 1));
    } else if (reply.kind === 'slot') {
      this.#capFull = false;
      this.#slots.insert({ serverMs: reply.slotMs, localMs: 0, free: reply.slotMs <= reply.nowMs, lease }, now);
      this.#armDue();
      this.#clockProbe.check();
      this.#trim();
    }
    this.#pump();
  }

  #askLocal(): void {
    const done = () => {
      this.#localAsks.delete(cancel);
      const now = this.#scheduler.clock.now();
      this.#slots.insert({ serverMs: undefined, localMs: now, free: true, lease: this.#leases.create() }, now);
      this.#armDue();
      this.#trim();
    };
    const cancel = this.#local.acquire(done);
    this.#localAsks.add(cancel);
  }

  #armDue(): void {
    const at = this.#slots.firstAt(this.#scheduler.clock.now());
    if (at !== undefined) this.#due.set(at);
    else this.#due.clear();
  }

  /** Slots beyond the waiters that are left go (the latest first), their leases with them, and so do local asks no waiter needs. */
  #trim(): void {
    while (this.#slots.length > this.#waiters.live) this.#drop(this.#slots.pop()!);
    if (this.#slots.length === 0) this.#due.clear();
    let surplus = this.#slots.length + this.#asking + this.#localAsks.size - this.#waiters.live;
    if (surplus <= 0) return;
    const asks = [...this.#localAsks];
    while (surplus-- > 0 && asks.length > 0) {
      const cancel = asks.pop()!;
      this.#localAsks.delete(cancel);
      cancel();
    }
  }

  #takeLocalAsks(): (() => void)[] {
    const asks = [...this.#localAsks];
    this.#localAsks.clear();
    return asks;
  }

  #drop(slot: { lease: string | undefined }): void {
    if (slot.lease !== undefined) this.#leases.free([slot.lease]);
  }

  #grantDue(): void {
    const now = this.#scheduler.clock.now();
    for (let slot = this.#slots.takeDue(now, now + EARLY_MS); slot; slot = this.#slots.takeDue(now, now + EARLY_MS)) {
      const late = now - this.#slots.at(slot, now) > this.#options.lateMs;
      const granted = late && !slot.free ? undefined : this.#waiters.next();
      if (!granted) {
        this.#drop(slot);
        continue;
      }
      this.#leases.hold(slot.lease);
      granted();
    }
    this.#armDue();
    this.#pump();
  }

  #toFallback(error: unknown): void {
    if (this.#mode !== 'shared') return;
    this.#mode = 'fallback';
    this.#downSince = this.#scheduler.clock.now();
    this.#capFull = false;
    const reason = error instanceof Error ? error.message : 'Redis is unreachable';
    const { fallbackPerSecond, fallbackMaxConcurrent } = this.#options;
    this.#emitLater('fallback', { reason, perSecond: fallbackPerSecond, maxConcurrent: fallbackMaxConcurrent });
    this.#probe.set(this.#scheduler.clock.now() + this.#options.probeEveryMs);
    this.#pump();
  }

  /** Fallback: one probe at a time; Redis answering the script again means back to the shared schedule. */
  #tryRedis(): void {
    if (this.#mode !== 'fallback' || this.#probing) return;
    this.#probing = true;
    const sentMs = this.#scheduler.clock.now();
    this.#link.script(['time']).then(
      (reply) => {
        this.#probing = false;
        if (this.#mode !== 'fallback') return;
        this.#slots.freeze(this.#scheduler.clock.now());
        this.#serverClock.reset();
        this.#serverClock.sample(sentMs, this.#scheduler.clock.now(), reply.nowMs);
        this.#toShared();
      },
      () => {
        this.#probing = false;
        if (this.#mode === 'fallback') this.#probe.set(this.#scheduler.clock.now() + this.#options.probeEveryMs);
      },
    );
  }

  #toShared(): void {
    this.#mode = 'shared';
    this.#emitLater('shared', { downMs: this.#scheduler.clock.now() - this.#downSince });
    // Waiters that had not got a local slot yet ask the shared schedule, in their order.
    for (const cancel of this.#takeLocalAsks()) cancel();
    // Leases taken or lapsed meanwhile are written back: those sessions still run.
    this.#leases.renewNow();
    this.#pump();
  }

  /** Listeners run outside the limiter's own callbacks: one that throws cannot break a grant or become a rejection. */
  #emitLater(event: 'fallback', payload: RedisFallbackEvent): void;
  #emitLater(event: 'shared', payload: RedisSharedEvent): void;
  #emitLater(event: keyof RedisStartLimiterEvents, payload: RedisFallbackEvent | RedisSharedEvent): void {
    process.nextTick(() => (this.emit as (name: string, value: unknown) => boolean)(event, payload));
  }
}
