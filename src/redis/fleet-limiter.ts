import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createSessionStartLimiter, type SessionStartLimiter } from '../session/start-limiter.js';
import type { Scheduler, SchedulerTimer } from '../timing/scheduler.js';
import type { RedisLink } from './link.js';
import type { ResolvedRedisLimiterOptions } from './options.js';
import type { ScriptReply } from './script.js';
import { ServerClock } from './server-clock.js';

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

export interface RedisStartLimiterEvents {
  fallback: [event: RedisFallbackEvent];
  shared: [event: RedisSharedEvent];
}

/** The scheduler may run a timer up to 1 ms early; a slot that close is on time. */
const EARLY_MS = 1;
/** With the concurrency cap full, how often to ask again (a release here asks at once). */
const CAP_POLL_MS = 200;
/**
 * While slots wait and the server's clock is known here only to within more than this (or twice
 * the quickest round trip, for a Redis far away), as when every answer so far came slowly in a
 * burst, it is asked the time every `CLOCK_PROBE_MS`: one quick answer pins it, and the slots go
 * when the server meant them to.
 */
const CLOCK_GOOD_MS = 4;
const CLOCK_PROBE_MS = 100;

interface Waiter {
  granted: (() => void) | undefined;
}

interface Slot {
  /** When the start may go: on the server's clock (mapped here when it is due), or, for a local slot, on the local one. */
  serverMs: number | undefined;
  localMs: number;
  /** The schedule was free when it was taken (no wait): nothing came after it to crowd, so lateness does not matter. */
  free: boolean;
  /** The concurrency lease taken with it, if there is a cap. */
  lease: string | undefined;
}

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
  readonly #queue: Waiter[] = [];
  #head = 0;
  #live = 0;
  /** Reserved slots not granted yet, earliest first. */
  readonly #slots: Slot[] = [];
  /** Reservations asked of Redis and not answered yet. */
  #asking = 0;
  /** Slots asked of the local limiter (fallback) and not come yet. */
  readonly #localAsks = new Set<() => void>();
  /** Redis said the cap is full: one question at a time until it says otherwise, none before `#capFullUntil`. */
  #capFull = false;
  #capFullUntil = -Infinity;
  /** Leases of sessions that started and have not ended. */
  readonly #held: string[] = [];
  readonly #leasePrefix = randomUUID();
  #leaseSeq = 0;
  #probing = false;
  #clockProbing = false;
  readonly #clockProbe: SchedulerTimer;
  readonly #due: SchedulerTimer;
  readonly #poll: SchedulerTimer;
  readonly #renew: SchedulerTimer;
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
    this.#renew = scheduler.timer(() => this.#renewLeases());
    this.#probe = scheduler.timer(() => this.#tryRedis());
    this.#clockProbe = scheduler.timer(() => this.#askTime());
    // Knowing the server's clock before the first burst of starts: answers in a burst come slowly.
    this.#clockProbe.set(scheduler.clock.now());
  }

  /** `'shared'` while Redis answers, `'fallback'` while this process runs on its local rate, `'closed'` after `close()`. */
  get mode(): Mode {
    return this.#mode;
  }

  /** Sessions waiting for a start slot in this process. */
  get waiting(): number {
    return this.#live;
  }

  /** Concurrency places held by this process's sessions now (0 without `maxConcurrent`). */
  get held(): number {
    return this.#held.length;
  }

  /** Only in fallback: the shared schedule is always asked, and Redis cannot answer synchronously. */
  tryAcquire(): boolean {
    if (this.#mode === 'shared' || this.#live > 0 || !this.#localRoom()) return false;
    if (!this.#local.tryAcquire()) return false;
    this.#hold(this.#newLease());
    return true;
  }

  acquire(onGranted: () => void): () => void {
    const waiter: Waiter = { granted: onGranted };
    this.#queue.push(waiter);
    this.#live++;
    this.#pump();
    return () => {
      if (!waiter.granted) return;
      waiter.granted = undefined;
      this.#live--;
      this.#trim();
    };
  }

  /** A session this limiter started has ended (or its start went unused): its concurrency place is free. */
  release(): void {
    const lease = this.#held.pop();
    if (lease === undefined) return;
    this.#freeLeases([lease]);
    if (this.#held.length === 0) this.#renew.clear();
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
    for (const timer of [this.#poll, this.#renew, this.#probe, this.#clockProbe]) timer.clear();
    const leases = [...this.#held, ...this.#slots.map((s) => s.lease)].filter((l): l is string => l !== undefined);
    this.#held.length = 0;
    for (const slot of this.#slots) slot.lease = undefined;
    this.#pump();
    if (wasShared && leases.length > 0) await this.#link.release(leases).catch(() => {});
    await this.#link.close();
  }

  #pump(): void {
    let needed = this.#live - this.#slots.length - this.#asking - this.#localAsks.size;
    const now = this.#scheduler.clock.now();
    for (; needed > 0; needed--) {
      if (this.#mode === 'shared') {
        const cap = this.maxConcurrent;
        if (cap !== undefined) {
          // This process alone fills the cap: only a release here can make room.
          if (this.#held.length + this.#slots.length + this.#asking >= cap) break;
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
        if (!this.#localRoom() || this.#slots.some((s) => s.serverMs !== undefined)) break;
        this.#askLocal();
      }
    }
  }

  /** Room under the fallback cap for one more start. */
  #localRoom(): boolean {
    const cap = this.#options.fallbackMaxConcurrent;
    return cap === undefined || this.#held.length + this.#slots.length + this.#localAsks.size < cap;
  }

  #newLease(): string | undefined {
    return this.maxConcurrent === undefined ? undefined : `${this.#leasePrefix}:${++this.#leaseSeq}`;
  }

  #ask(): void {
    this.#asking++;
    const lease = this.#newLease();
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
      this.#insert({ serverMs: reply.slotMs, localMs: 0, free: reply.slotMs <= reply.nowMs, lease });
      this.#checkClock();
      this.#trim();
    }
    this.#pump();
  }

  #askLocal(): void {
    const done = () => {
      this.#localAsks.delete(cancel);
      this.#insert({ serverMs: undefined, localMs: this.#scheduler.clock.now(), free: true, lease: this.#newLease() });
      this.#trim();
    };
    const cancel = this.#local.acquire(done);
    this.#localAsks.add(cancel);
  }

  /** Local time at which `slot` may go, as the server's clock is known now. */
  #at(slot: Slot, now: number): number {
    return slot.serverMs === undefined ? slot.localMs : this.#serverClock.toLocal(slot.serverMs, now);
  }

  #insert(slot: Slot): void {
    const now = this.#scheduler.clock.now();
    const at = this.#at(slot, now);
    let i = this.#slots.length;
    while (i > 0 && this.#at(this.#slots[i - 1]!, now) > at) i--;
    this.#slots.splice(i, 0, slot);
    this.#armDue();
  }

  #armDue(): void {
    if (this.#slots.length > 0) this.#due.set(this.#at(this.#slots[0]!, this.#scheduler.clock.now()));
    else this.#due.clear();
  }

  /** Slots wait on a server clock known only roughly: ask it the time, soon. */
  #checkClock(): void {
    const now = this.#scheduler.clock.now();
    if (this.#mode !== 'shared' || this.#clockProbing || this.#clockProbe.pending || this.#slots.length === 0) return;
    // Far from Redis, every round trip is slow: as good as its quickest one is as good as it gets.
    const good = Math.max(CLOCK_GOOD_MS, 2 * this.#serverClock.quickestRoundTrip);
    if (this.#serverClock.uncertainty(now) > good) this.#clockProbe.set(now + CLOCK_PROBE_MS);
  }

  #askTime(): void {
    if (this.#mode !== 'shared' || this.#clockProbing || (this.#slots.length === 0 && this.#serverClock.known)) return;
    this.#clockProbing = true;
    const sentMs = this.#scheduler.clock.now();
    this.#link.script(['time']).then(
      (reply) => {
        this.#clockProbing = false;
        if (this.#mode === 'closed') return;
        this.#serverClock.sample(sentMs, this.#scheduler.clock.now(), reply.nowMs);
        this.#armDue();
        this.#checkClock();
      },
      (error: unknown) => {
        this.#clockProbing = false;
        this.#toFallback(error);
      },
    );
  }

  /** Slots beyond the waiters that are left go (the latest first), their leases with them, and so do local asks no waiter needs. */
  #trim(): void {
    while (this.#slots.length > this.#live) this.#drop(this.#slots.pop()!);
    if (this.#slots.length === 0) this.#due.clear();
    let surplus = this.#slots.length + this.#asking + this.#localAsks.size - this.#live;
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

  #drop(slot: Slot): void {
    if (slot.lease !== undefined) this.#freeLeases([slot.lease]);
  }

  #grantDue(): void {
    const now = this.#scheduler.clock.now();
    while (this.#slots.length > 0 && this.#at(this.#slots[0]!, now) <= now + EARLY_MS) {
      const slot = this.#slots.shift()!;
      const late = now - this.#at(slot, now) > this.#options.lateMs;
      const waiter = late && !slot.free ? undefined : this.#nextWaiter();
      if (!waiter) {
        this.#drop(slot);
        continue;
      }
      this.#hold(slot.lease);
      const granted = waiter.granted!;
      waiter.granted = undefined;
      granted();
    }
    this.#armDue();
    this.#pump();
  }

  #nextWaiter(): Waiter | undefined {
    while (this.#head < this.#queue.length) {
      const waiter = this.#queue[this.#head++]!;
      if (waiter.granted) {
        this.#live--;
        this.#compact();
        return waiter;
      }
    }
    this.#compact();
    return undefined;
  }

  #compact(): void {
    if (this.#head > 64 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #hold(lease: string | undefined): void {
    if (lease === undefined) return;
    this.#held.push(lease);
    if (!this.#renew.pending) this.#renew.set(this.#scheduler.clock.now() + this.#options.leaseTtlMs / 3);
  }

  #freeLeases(leases: string[]): void {
    // Away from Redis, a lease there lapses by itself; asking would only wait for the timeout.
    if (this.#mode !== 'shared') return;
    this.#link.release(leases).catch((error: unknown) => this.#toFallback(error));
  }

  #renewLeases(): void {
    if (this.#held.length === 0) return;
    const sentMs = this.#scheduler.clock.now();
    this.#renew.set(sentMs + this.#options.leaseTtlMs / 3);
    if (this.#mode !== 'shared') return;
    this.#link.script(['renew', Math.round(this.#options.leaseTtlMs * 1000), ...this.#held]).then(
      (reply) => this.#serverClock.sample(sentMs, this.#scheduler.clock.now(), reply.nowMs),
      (error: unknown) => this.#toFallback(error),
    );
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
        this.#freezeSlots();
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

  /** Slots reserved before an outage keep the times they had: the server that comes back may be another, with another clock. */
  #freezeSlots(): void {
    const now = this.#scheduler.clock.now();
    for (const slot of this.#slots) {
      slot.localMs = this.#at(slot, now);
      slot.serverMs = undefined;
    }
  }

  #toShared(): void {
    this.#mode = 'shared';
    this.#emitLater('shared', { downMs: this.#scheduler.clock.now() - this.#downSince });
    // Waiters that had not got a local slot yet ask the shared schedule, in their order.
    for (const cancel of this.#takeLocalAsks()) cancel();
    // Leases taken or lapsed meanwhile are written back: those sessions still run.
    if (this.#held.length > 0) {
      this.#renew.clear();
      this.#renewLeases();
    }
    this.#pump();
  }

  /** Listeners run outside the limiter's own callbacks: one that throws cannot break a grant or become a rejection. */
  #emitLater(event: 'fallback', payload: RedisFallbackEvent): void;
  #emitLater(event: 'shared', payload: RedisSharedEvent): void;
  #emitLater(event: keyof RedisStartLimiterEvents, payload: RedisFallbackEvent | RedisSharedEvent): void {
    process.nextTick(() => (this.emit as (name: string, value: unknown) => boolean)(event, payload));
  }
}
