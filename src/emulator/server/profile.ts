import { DEFAULT_PARTIAL_EVERY_MS } from '../limits/limits.js';

export type ServiceProfileName = 'lenient' | 'strict';

/** v3-only switches of a {@link ServiceProfile}. */
export interface V3Profile {
  /** `final_time_ms` and the eou cursors (`eou_time_ms`, `eou_update.time_ms`) lag the truth by this much, ms. */
  cursorLagMs: number;
  /** `final_refinement`: right after its final, `lateMs` after it, or never sent. */
  refinement: 'on-time' | 'late' | 'missing';
  /** `eou_update` (after a final, or answering an external `eou`): on time, `lateMs` late, or never sent. */
  eouUpdate: 'on-time' | 'late' | 'missing';
  /** How late 'late' is, wall ms. Later responses of the session may overtake a late one. */
  lateMs: number;
}

/**
 * Every behaviour where real SpeechKit-compatible services vary, as a switch. 'lenient' (the
 * default) is the emulator as it always was; 'strict' is the most demanding plausible reading of
 * the service's documentation.
 */
export interface ServiceProfile {
  /** v2 results carry `words` with start/end times (lenient true; strict false: no `words` at all). */
  wordTimes: boolean;
  /**
   * Refuse audio ahead of real time: over any window, audio received (audio time, v3
   * `silence_chunk`s included) ≤ maxRatio × wall time + leadMs (a token bucket). A breach ends the
   * session with INVALID_ARGUMENT `audio runs ahead of real time ...`, recorded as
   * `SessionRecord.pacingBreach` (lenient false; strict { maxRatio: 2, leadMs: 1500 }).
   */
  pacing: false | { maxRatio: number; leadMs: number };
  /**
   * On the client's half-close: 'flush' the open utterance, send what is queued, then OK;
   * 'no-flush': send what is queued, then OK, without the open utterance's final; 'ok-early': OK
   * within ~10 ms, dropping the open utterance and every response still queued (a final waiting
   * out its latency included). Lenient 'flush', strict 'ok-early'.
   */
  halfClose: 'flush' | 'no-flush' | 'ok-early';
  /**
   * Each final (and the refinement / eou_update after it) goes out a seeded random delay in this
   * range, wall ms, after its utterance ended; order is kept (lenient [0, 0], strict [0, 1500]).
   */
  finalLatencyMs: [number, number];
  /** Audio ms between partials of an open utterance (lenient 300, strict 100); `recognizer.partialEveryMs` wins. */
  partialEveryMs: number;
  /**
   * A tone cut by a session boundary is still reported (garbled but heard, as a recognizer
   * reports a cut word) on both sides of the cut, however little of it a side holds (as long as
   * its window can be classified). Lenient false: a fragment shorter than 40 ms or two analysis
   * windows is ignored; strict true.
   */
  cutToneHeard: boolean;
  v3: V3Profile;
  /** Seed of the random final latencies (default 1); each session draws from its own stream. */
  seed?: number;
}

/** A profile given as an object: any field left out comes from `base` (default 'lenient'). */
export type ServiceProfileInput = Partial<Omit<ServiceProfile, 'v3'>> & {
  v3?: Partial<V3Profile>;
  base?: ServiceProfileName;
};

/**
 * The presets. 'lenient' is the emulator as it was before profiles existed (every existing test
 * runs against it); 'strict' takes the most demanding plausible reading of the service's docs at
 * every switch, so a client that passes against it does not rely on the emulator being kind.
 */
export const SERVICE_PROFILES: Readonly<Record<ServiceProfileName, Readonly<ServiceProfile>>> = Object.freeze({
  lenient: Object.freeze({
    wordTimes: true,
    pacing: false,
    halfClose: 'flush',
    finalLatencyMs: [0, 0],
    partialEveryMs: DEFAULT_PARTIAL_EVERY_MS,
    cutToneHeard: false,
    v3: Object.freeze({ cursorLagMs: 0, refinement: 'on-time', eouUpdate: 'on-time', lateMs: 0 }),
  }) as ServiceProfile,
  strict: Object.freeze({
    // Whether the v2 streaming service fills `words` is not documented: assume it does not.
    wordTimes: false,
    // The docs ask for audio "in real time"; a replay at 2x with a chunk or two of lead passes.
    pacing: Object.freeze({ maxRatio: 2, leadMs: 1500 }),
    halfClose: 'ok-early',
    finalLatencyMs: [0, 1500],
    partialEveryMs: 100,
    cutToneHeard: true,
    v3: Object.freeze({ cursorLagMs: 200, refinement: 'late', eouUpdate: 'late', lateMs: 1000 }),
  }) as ServiceProfile,
});

const HALF_CLOSE = ['flush', 'no-flush', 'ok-early'] as const;
const LATENESS = ['on-time', 'late', 'missing'] as const;

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`profile.${name} must be a non-negative finite number`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new TypeError(`profile.${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** A preset by name, or a profile object completed from its `base`; throws naming the bad field. */
export function resolveProfile(input: ServiceProfileName | ServiceProfileInput = 'lenient'): ServiceProfile {
  if (typeof input === 'string') {
    const preset = SERVICE_PROFILES[input];
    if (!preset || !Object.hasOwn(SERVICE_PROFILES, input)) {
      throw new TypeError(`profile must be one of ${Object.keys(SERVICE_PROFILES).join(', ')} or a profile object`);
    }
    return clone(preset);
  }
  if (!input || typeof input !== 'object') throw new TypeError('profile must be a preset name or a profile object');
  const base = resolveProfile(input.base ?? 'lenient');
  const { base: _base, v3, ...rest } = input;
  const merged = { ...base, ...rest, v3: { ...base.v3, ...v3 } } as ServiceProfile;
  return validate(merged);
}

function validate(p: ServiceProfile): ServiceProfile {
  if (typeof p.wordTimes !== 'boolean') throw new TypeError('profile.wordTimes must be a boolean');
  if (typeof p.cutToneHeard !== 'boolean') throw new TypeError('profile.cutToneHeard must be a boolean');
  if (p.pacing !== false) {
    if (!p.pacing || typeof p.pacing !== 'object') throw new TypeError('profile.pacing must be false or { maxRatio, leadMs }');
    const ratio = nonNegative('pacing.maxRatio', p.pacing.maxRatio);
    if (ratio <= 0) throw new RangeError('profile.pacing.maxRatio must be positive');
    nonNegative('pacing.leadMs', p.pacing.leadMs);
  }
  oneOf('halfClose', p.halfClose, HALF_CLOSE);
  const range = p.finalLatencyMs;
  if (!Array.isArray(range) || range.length !== 2) throw new TypeError('profile.finalLatencyMs must be [minMs, maxMs]');
  if (nonNegative('finalLatencyMs[0]', range[0]) > nonNegative('finalLatencyMs[1]', range[1])) {
    throw new RangeError('profile.finalLatencyMs: min must not exceed max');
  }
  if (nonNegative('partialEveryMs', p.partialEveryMs) <= 0) throw new RangeError('profile.partialEveryMs must be positive');
  const v3: V3Profile = p.v3;
  nonNegative('v3.cursorLagMs', v3.cursorLagMs);
  oneOf('v3.refinement', v3.refinement, LATENESS);
  oneOf('v3.eouUpdate', v3.eouUpdate, LATENESS);
  nonNegative('v3.lateMs', v3.lateMs);
  if (p.seed !== undefined && (!Number.isInteger(p.seed) || p.seed < 0)) {
    throw new RangeError('profile.seed must be a non-negative integer');
  }
  return p;
}

function clone(p: Readonly<ServiceProfile>): ServiceProfile {
  return {
    ...p,
    pacing: p.pacing === false ? false : { ...p.pacing },
    finalLatencyMs: [p.finalLatencyMs[0], p.finalLatencyMs[1]],
    v3: { ...p.v3 },
  };
}
