import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildArgs, ChildMessage } from './fleet-child.js';
import type { EmulatorStart } from './emulator-child.js';

const CHILD = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));
const RUN_TS = new URL('../helpers/run-ts.mjs', import.meta.url).href;

/** A fleet process (fleet-child.ts, run from the sources) and what it has said so far. */
export interface FleetProcess {
  child: ChildProcess;
  messages: ChildMessage[];
  /** Resolves with the first message of `type` (one already received counts). */
  next<T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>>;
  exited: Promise<number | null>;
}

export function forkFleetProcess(args: ChildArgs): FleetProcess {
  const child = fork(CHILD, [JSON.stringify(args)], { execArgv: ['--import', RUN_TS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: ChildMessage[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (message: ChildMessage) => {
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = <T extends ChildMessage['type']>(type: T) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const look = () => {
        const found = messages.find((m) => m.type === type);
        if (found) return resolve(found as Extract<ChildMessage, { type: T }>);
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`fleet process exited (${child.exitCode ?? child.signalCode}) before '${type}'`));
        waiters.push(look);
      };
      child.once('exit', () => {
        for (const wake of waiters.splice(0)) wake();
      });
      look();
    });
  return { child, messages, next, exited };
}

/** The most of `times` (ms) in any window of `windowMs`. */
export function mostInAnyWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * The most starts provably inside one window of `windowMs`, when each start is known only to lie
 * in [earliest, at]: a window holds a start for sure if the whole interval is inside it. With
 * exact times (earliest = at) this is `mostInAnyWindow`.
 */
export function mostSurelyInAnyWindow(starts: readonly { earliest: number; at: number }[], windowMs = 1000): number {
  let most = 0;
  for (const { earliest: from } of starts) {
    let inside = 0;
    for (const s of starts) if (s.earliest >= from && s.at < from + windowMs) inside++;
    most = Math.max(most, inside);
  }
  return most;
}

/** The emulator in its own process (emulator-child.ts), asked over IPC. */
export async function forkEmulator() {
  const child = fork(fileURLToPath(new URL('./emulator-child.ts', import.meta.url)), [], { execArgv: ['--import', RUN_TS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m: T) => resolve(m));
      child.send({ type });
    });
  const { address } = await new Promise<{ address: string }>((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
  });
  return {
    address,
    reset: () => ask<unknown>('reset'),
    starts: () => ask<{ starts: EmulatorStart[]; lagMaxMs: number }>('starts'),
    kill: () => child.kill('SIGKILL'),
  };
}

/**
 * How well this process can tell when something it handles arrived. Its event loop stamps a call
 * when it gets to it; a loop held up (garbage collection, a CPU taken by other processes) stamps
 * everything that arrived meanwhile at once, later. A heartbeat every 2 ms bounds that: what the
 * loop handles at `at` arrived after the heartbeat before the last one before `at` (the loop ran
 * then, and handled what had come).
 */
export class Heartbeat {
  readonly #beats: number[] = [];
  readonly #timer = setInterval(() => this.#beats.push(Date.now()), 2);

  /** The earliest an event stamped `at` (epoch ms, this process) can have arrived. */
  earliest(at: number): number {
    const beats = this.#beats;
    let lo = 0;
    let hi = beats.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (beats[mid]! <= at) lo = mid + 1;
      else hi = mid;
    }
    return beats[lo - 2] ?? -Infinity;
  }

  reset(): void {
    this.#beats.length = 0;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
