import * as emulatorModule from '../../src/emulator/index.js';
import { validateFaultRule } from '../../src/emulator/faults/fault-rules.js';
import type { FaultRule } from '../../src/emulator/index.js';
import type { FaultKind } from './dimensions.js';

/**
 * What the emulator and the test helpers can do today. Service profiles, new fault actions and
 * the TCP proxy land on other branches; a cell that needs one that is not there reports "not
 * available" instead of running something else under its name.
 */
export interface Capabilities {
  /** `startEmulator({ profile })` exists. */
  profiles: boolean;
  /** Fault actions the emulator accepts. */
  faultActions: Set<string>;
  /** The emulator's `startTcpProxy` (a TCP forwarder with `blackhole()`). */
  tcpProxy: TcpProxyModule | undefined;
}

export interface TcpProxy {
  address: string;
  blackhole(): void;
  close(): Promise<void>;
}

export interface TcpProxyModule {
  startTcpProxy(options: { target: string }): Promise<TcpProxy>;
}

const ACTIONS_TO_PROBE = ['fail', 'drop', 'end', 'refuse', 'delay', 'stall', 'stall-reads', 'flood', 'bogus-times'];

function acceptsAction(action: string): boolean {
  try {
    validateFaultRule({ action } as FaultRule);
    return true;
  } catch (error) {
    // An action that exists but wants more fields is still there.
    return !/action must be one of/.test(String((error as Error).message));
  }
}

let cached: Promise<Capabilities> | undefined;

export function capabilities(): Promise<Capabilities> {
  cached ??= (async () => {
    const exported = Object.keys(emulatorModule);
    const profiles = exported.some((k) => /profile/i.test(k));
    const faultActions = new Set(ACTIONS_TO_PROBE.filter(acceptsAction));
    const mod = emulatorModule as unknown as Partial<TcpProxyModule>;
    const tcpProxy = typeof mod.startTcpProxy === 'function' ? (mod as TcpProxyModule) : undefined;
    return { profiles, faultActions, tcpProxy };
  })();
  return cached;
}

/** The emulator fault action a matrix fault uses, when it is one. */
export const FAULT_ACTION: Partial<Record<FaultKind, string>> = {
  fail: 'fail',
  drop: 'drop',
  end: 'end',
  refuse: 'refuse',
  stall: 'stall',
  'stall-reads': 'stall-reads',
  flood: 'flood',
  'bogus-times': 'bogus-times',
};

/** Faults that are a profile switch rather than an action. */
export const PROFILE_FAULTS: readonly FaultKind[] = ['ok-early', 'no-flush', 'latency'];
