import type { Metadata } from '@grpc/grpc-js';
import { checkAuthorization, type AuthPolicy } from '../auth/credentials.js';
import { faultStatus, FAULT_HEADER, parseFaultHeader, type FaultAction, type FaultRule } from '../faults/fault-rules.js';
import type { GrpcStatusName } from './status.js';

/** What the start of a call decided. */
export interface Admission {
  /** The session's faults: those queued for it, then (once read) those of its `x-emulator-fault` header. */
  faults: FaultRule[];
  /** Wall delay of every response: the server's, plus what `delay` faults add. */
  delayMs: number;
  /** Fault actions that took effect at call start, in order: `delay`s, then a `refuse`. */
  applied: FaultAction[];
  /** The call must end at once: refused by a fault (`byFault`), a bad fault header, or bad credentials. */
  end?: { name: GrpcStatusName; details: string; byFault: boolean };
  /** Epoch ms at which the IAM token the call came with runs out, when the emulator's IAM issued it. */
  expiresAtMs?: number;
}

/**
 * Admits a call, or not: first the faults queued for the session (their delays, then a refusal),
 * then the call's own fault header (the same way), then its credentials. Each step runs only if
 * the ones before it let the call through, so a refused call never has its header parsed.
 */
export function admitCall(metadata: Metadata, queued: readonly FaultRule[], auth: AuthPolicy, delayMs: number): Admission {
  const admission: Admission = { faults: [...queued], delayMs, applied: [] };
  const refusedBy = (rules: readonly FaultRule[]): boolean => {
    for (const rule of rules) {
      if (rule.action !== 'delay') continue;
      admission.delayMs += rule.delayMs ?? 0;
      admission.applied.push('delay');
    }
    const refusal = rules.find((f) => f.action === 'refuse');
    if (!refusal) return false;
    admission.applied.push('refuse');
    admission.end = { ...faultStatus(refusal), byFault: true };
    return true;
  };
  if (refusedBy(queued)) return admission;
  let headerFaults: FaultRule[];
  try {
    headerFaults = parseFaultHeader(metadata.get(FAULT_HEADER).filter((v): v is string => typeof v === 'string'));
  } catch (err) {
    admission.end = { name: 'INVALID_ARGUMENT', details: (err as Error).message, byFault: false };
    return admission;
  }
  admission.faults.push(...headerFaults);
  if (refusedBy(headerFaults)) return admission;
  const credentials = checkAuthorization(metadata, auth);
  if (!credentials.ok) admission.end = { name: 'UNAUTHENTICATED', details: credentials.details, byFault: false };
  else if (credentials.expiresAtMs !== undefined) admission.expiresAtMs = credentials.expiresAtMs;
  return admission;
}
