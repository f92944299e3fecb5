import type { ServerClock } from './server-clock.js';

/** A start slot reserved and not granted yet. */
export interface Slot {
  /** When the start may go: on the server's clock (mapped here when it is due), or, for a local slot, on the local one. */
  serverMs: number | undefined;
  localMs: number;
  /** The schedule was free when it was taken (no wait): nothing came after it to crowd, so lateness does not matter. */
  free: boolean;
  /** The concurrency lease taken with it, if there is a cap. */
  lease: string | undefined;
}

/**
 * Reserved slots, earliest first on the local clock. A shared slot's local time is read through
 * the server clock each time (it is known better as answers come), so the order is kept on
 * insertion with the times known then.
 */
export class SlotSchedule {
  private readonly slots: Slot[] = [];

  constructor(private readonly serverClock: ServerClock) {}

  get length(): number {
    return this.slots.length;
  }

  /** Local time at which `slot` may go, as the server's clock is known at `now`. */
  at(slot: Slot, now: number): number {
    return slot.serverMs === undefined ? slot.localMs : this.serverClock.toLocal(slot.serverMs, now);
  }

  /** Local time the earliest slot may go, if there is one. */
  firstAt(now: number): number | undefined {
    const first = this.slots[0];
    return first && this.at(first, now);
  }

  insert(slot: Slot, now: number): void {
    const at = this.at(slot, now);
    let i = this.slots.length;
    while (i > 0 && this.at(this.slots[i - 1]!, now) > at) i--;
    this.slots.splice(i, 0, slot);
  }

  /** The earliest slot, taken, if it may go by `untilMs`. */
  takeDue(now: number, untilMs: number): Slot | undefined {
    const first = this.slots[0];
    return first && this.at(first, now) <= untilMs ? this.slots.shift() : undefined;
  }

  /** The latest slot, taken. */
  pop(): Slot | undefined {
    return this.slots.pop();
  }

  /** Whether any slot was reserved on the shared schedule (not a local one). */
  anyShared(): boolean {
    return this.slots.some((s) => s.serverMs !== undefined);
  }

  /** Takes every slot's lease (they are freed elsewhere); the slots stay. */
  takeLeases(): string[] {
    const leases: string[] = [];
    for (const slot of this.slots) {
      if (slot.lease !== undefined) leases.push(slot.lease);
      slot.lease = undefined;
    }
    return leases;
  }

  /** Slots reserved before an outage keep the times they had: the server that comes back may be another, with another clock. */
  freeze(now: number): void {
    for (const slot of this.slots) {
      slot.localMs = this.at(slot, now);
      slot.serverMs = undefined;
    }
  }
}
