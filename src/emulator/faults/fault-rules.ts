import { isGrpcStatusName, type GrpcStatusName } from '../call/status.js';

/** What a fault does to a session. */
export type FaultAction =
  | 'fail'
  | 'drop'
  | 'end'
  | 'delay'
  | 'refuse'
  | 'stall'
  | 'stall-reads'
  | 'flood'
  | 'bogus-times';

/**
 * A scripted misbehaviour for one or more sessions.
 *
 * - `fail`: end the call with `status` (default UNAVAILABLE) at the trigger point.
 * - `refuse`: end the call with `status` (default UNAVAILABLE) at call start, before the config is read.
 * - `end`: finish with OK at the trigger point, without flushing the open utterance.
 * - `drop`: kill the HTTP/2 connection at the trigger point; the client sees a transport failure.
 * - `delay`: every response of the session is delayed by `delayMs` (on top of `responseDelayMs`).
 * - `stall`: from the trigger point the call stays open and keeps taking audio, but nothing comes
 *   back: no results, no keep-alives, no status (not even after a half-close or a limit breach)
 *   until the client cancels. Responses still queued are dropped.
 * - `stall-reads`: like `stall`, and the server stops reading, so HTTP/2 flow control backs up to
 *   the client's writes.
 * - `flood`: from the trigger point, partial results (text `flood`, never a final, so the
 *   transcript is unaffected) as fast as the transport takes them, for `durationMs` (default:
 *   until the call ends). Counted in `SessionRecord.floodResponses`, not in `results`.
 * - `bogus-times`: the first final after the trigger point has its word times (v2; present even
 *   with `wordTimes: false`) or alternative and word times (v3) shifted by `shiftMs`
 *   (default 3 600 000: an hour ahead).
 *
 * The trigger point of every action but `refuse` and `delay` is the first of `afterAudioMs` (audio received, in audio
 * time), `afterBytes` (audio bytes received) and `afterWallMs` (wall time since the call started)
 * to be reached, checked once the config has been accepted; with none of them, right after the config.
 */
export interface FaultRule {
  /** Emulator-wide 0-based index of the first session this rule applies to; omitted = the next session(s) to start. */
  session?: number;
  /** How many sessions the rule applies to (default 1). With `session`, consecutive sessions from that index. */
  times?: number;
  action: FaultAction;
  /** Status for `fail` / `refuse` (default UNAVAILABLE). */
  status?: GrpcStatusName;
  /** Status details for `fail` / `refuse`. */
  details?: string;
  afterAudioMs?: number;
  afterBytes?: number;
  afterWallMs?: number;
  /** For `delay`: extra wall-time delay of every response of the session. */
  delayMs?: number;
  /** For `flood`: how long it lasts, wall ms (default: until the call ends). */
  durationMs?: number;
  /** For `bogus-times`: the shift of the final's times, ms (default 3 600 000; may be negative). */
  shiftMs?: number;
}

/** Request header that selects faults for the call that carries it. */
export const FAULT_HEADER = 'x-emulator-fault';

const ACTIONS: readonly FaultAction[] = ['fail', 'drop', 'end', 'delay', 'refuse', 'stall', 'stall-reads', 'flood', 'bogus-times'];
const NUMERIC_KEYS = ['afterAudioMs', 'afterBytes', 'afterWallMs', 'delayMs', 'durationMs', 'shiftMs'] as const;

/** Actions that change a session without taking it over: a queued session takes all of them, alongside one other rule. */
const MODIFIERS: ReadonlySet<FaultAction> = new Set(['delay', 'flood', 'bogus-times']);

/** Actions fired at a trigger point (the others act at call start). */
export const TRIGGERED_ACTIONS: ReadonlySet<FaultAction> = new Set(['fail', 'end', 'drop', 'stall', 'stall-reads', 'flood', 'bogus-times']);

/** How far `bogus-times` shifts a final by default: an hour ahead. */
export const DEFAULT_BOGUS_SHIFT_MS = 3_600_000;

function checkNumber(where: string, key: string, value: unknown, integer = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new TypeError(`${where}: ${key} must be a non-negative ${integer ? 'integer' : 'number'}`);
  }
}

/** Throws a TypeError naming the bad field. */
export function validateFaultRule(rule: FaultRule, where = 'fault rule'): FaultRule {
  if (!rule || typeof rule !== 'object') throw new TypeError(`${where} must be an object`);
  if (!ACTIONS.includes(rule.action)) {
    throw new TypeError(`${where}: action must be one of ${ACTIONS.join(', ')}`);
  }
  if (rule.status !== undefined && !isGrpcStatusName(rule.status)) {
    throw new TypeError(`${where}: status must be a gRPC status name such as 'UNAVAILABLE'`);
  }
  if (rule.details !== undefined && typeof rule.details !== 'string') {
    throw new TypeError(`${where}: details must be a string`);
  }
  if (rule.session !== undefined) checkNumber(where, 'session', rule.session, true);
  if (rule.times !== undefined) {
    checkNumber(where, 'times', rule.times, true);
    if (rule.times < 1) throw new TypeError(`${where}: times must be at least 1`);
  }
  for (const key of NUMERIC_KEYS) {
    if (rule[key] === undefined) continue;
    if (key === 'shiftMs') {
      if (typeof rule.shiftMs !== 'number' || !Number.isFinite(rule.shiftMs)) throw new TypeError(`${where}: shiftMs must be a finite number`);
    } else {
      checkNumber(where, key, rule[key]);
    }
  }
  if (rule.action === 'delay' && rule.delayMs === undefined) throw new TypeError(`${where}: delay needs delayMs`);
  return rule;
}

interface PendingRule {
  rule: FaultRule;
  remaining: number;
}

/**
 * Faults waiting for sessions. A rule with `session` applies to sessions `session ..
 * session + times - 1`, alongside any other rule for them. Rules without `session` form a queue
 * for the next sessions to start: each session takes every pending modifier (`delay`, `flood`,
 * `bogus-times`) but only the first pending other rule (`refuse`, `fail`, `end`, `drop`, `stall`,
 * `stall-reads`), so that, for example,
 * `refuseNext(2)` followed by `addFault({ action: 'fail' })` refuses two sessions and fails the
 * third, instead of spending all three on the first session.
 */
export class FaultRegistry {
  #pending: PendingRule[] = [];

  add(rule: FaultRule): void {
    validateFaultRule(rule);
    this.#pending.push({ rule: { ...rule }, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.#pending = [];
  }

  /** The rules for the session with this index; consumes one use of each. */
  takeFor(sessionIndex: number): FaultRule[] {
    const taken: FaultRule[] = [];
    let endingTaken = false;
    for (const pending of this.#pending) {
      const { rule } = pending;
      if (pending.remaining <= 0) continue;
      if (rule.session !== undefined) {
        const last = rule.session + (rule.times ?? 1) - 1;
        if (sessionIndex < rule.session || sessionIndex > last) continue;
      } else if (!MODIFIERS.has(rule.action)) {
        if (endingTaken) continue;
        endingTaken = true;
      }
      pending.remaining -= 1;
      taken.push(rule);
    }
    this.#pending = this.#pending.filter((p) => p.remaining > 0);
    return taken;
  }
}

const HEADER_KEYS = new Set(['action', 'status', 'details', ...NUMERIC_KEYS]);

/**
 * Parses `x-emulator-fault` values: `key=value` pairs separated by `;`, several rules separated by
 * `,` (or sent as repeated headers). Values may be percent-encoded, e.g. `details=a%3Bb`.
 * Example: `action=fail;status=UNAVAILABLE;afterAudioMs=2000`.
 * `session` and `times` are not accepted: a header always applies to its own call.
 * Throws a TypeError with a message fit for INVALID_ARGUMENT details.
 */
export function parseFaultHeader(values: readonly string[]): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      if (part.trim() === '') continue;
      const fields: Record<string, string> = {};
      for (const pair of part.split(';')) {
        if (pair.trim() === '') continue;
        const eq = pair.indexOf('=');
        if (eq < 0) throw new TypeError(`${FAULT_HEADER}: expected key=value, got '${pair.trim()}'`);
        const key = pair.slice(0, eq).trim();
        if (!HEADER_KEYS.has(key)) {
          throw new TypeError(`${FAULT_HEADER}: unknown key '${key}' (known: ${[...HEADER_KEYS].join(', ')})`);
        }
        let decoded: string;
        try {
          decoded = decodeURIComponent(pair.slice(eq + 1).trim());
        } catch {
          throw new TypeError(`${FAULT_HEADER}: bad percent-encoding in '${key}'`);
        }
        fields[key] = decoded;
      }
      const rule: Record<string, unknown> = {};
      for (const [key, raw] of Object.entries(fields)) {
        rule[key] = (NUMERIC_KEYS as readonly string[]).includes(key) ? (raw === '' ? NaN : Number(raw)) : raw;
      }
      if (rule['action'] === undefined) throw new TypeError(`${FAULT_HEADER}: missing action`);
      rules.push(validateFaultRule(rule as unknown as FaultRule, FAULT_HEADER));
    }
  }
  return rules;
}

/** How far a session has got, for trigger points. */
export interface SessionProgress {
  audioMs: number;
  bytes: number;
  wallMs: number;
}

export function isTriggered(rule: FaultRule, progress: SessionProgress): boolean {
  const { afterAudioMs, afterBytes, afterWallMs } = rule;
  if (afterAudioMs === undefined && afterBytes === undefined && afterWallMs === undefined) return true;
  return (
    (afterAudioMs !== undefined && progress.audioMs >= afterAudioMs) ||
    (afterBytes !== undefined && progress.bytes >= afterBytes) ||
    (afterWallMs !== undefined && progress.wallMs >= afterWallMs)
  );
}

export function faultStatus(rule: FaultRule): { name: GrpcStatusName; details: string } {
  const name = rule.status ?? 'UNAVAILABLE';
  return { name, details: rule.details ?? `emulator fault: ${rule.action} with ${name}` };
}
