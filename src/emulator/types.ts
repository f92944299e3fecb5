import type { EmulatorAuthOptions } from './auth/credentials.js';
import type { EmulatorIam, EmulatorIamOptions } from './auth/iam.js';
import type { SessionRecord } from './call/session-record.js';
import type { GrpcStatusName } from './call/status.js';
import type { FaultRule } from './faults/fault-rules.js';
import type { EmulatorLimitOptions, EmulatorRecognizerOptions } from './limits/limits.js';
import type { EmulatorTlsOptions } from './network/tls.js';

/**
 * Public types of the local SpeechKit emulator. Kept apart from the implementation so that the
 * option and record shapes can be read (and later extended for API v3) in one place.
 */

export interface EmulatorOptions {
  /** Interface to listen on (default '127.0.0.1'). */
  host?: string;
  /** Port (default 0: an ephemeral port). */
  port?: number;
  auth?: EmulatorAuthOptions;
  limits?: EmulatorLimitOptions;
  recognizer?: EmulatorRecognizerOptions;
  /** API v3: wall-time interval of the `status_code` keep-alive responses, in ms (default 1000). */
  statusEveryMs?: number;
  /** Wall-time delay of every response, in ms (default 0). Order is kept. */
  responseDelayMs?: number;
  faults?: FaultRule[];
  /** Also serve IAM's token endpoint (service-account JWT → IAM token) on its own port. */
  iam?: EmulatorIamOptions;
  /** Serve over TLS with this certificate instead of plaintext. */
  tls?: EmulatorTlsOptions;
  /**
   * Keep every session's audio bytes in `SessionRecord.audio` (default true). Turn off for load
   * runs: a thousand 16 kHz streams send 32 MB a second. Sizes, timings and results are recorded
   * either way.
   */
  recordAudio?: boolean;
  /** Receives debug lines. Credentials are never logged. */
  logger?: (line: string) => void;
  /**
   * How the service behaves where real services vary (default 'lenient'): a preset name, or a
   * profile object whose missing fields come from `base` (default 'lenient'). See {@link ServiceProfile}.
   */
  profile?: ServiceProfileName | ServiceProfileInput;
}

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

export interface Emulator {
  /** 'host:port', usable as a client endpoint (with `tls: false` unless started with `tls`). */
  address: string;
  port: number;
  /** The IAM token endpoint, when started with `iam`. */
  iam: EmulatorIam | undefined;
  /** Every session seen (including refused and failed ones), in start order. */
  sessions: SessionRecord[];
  addFault(rule: FaultRule): void;
  /** Refuse the next `count` sessions at call start with `status` (default UNAVAILABLE). */
  refuseNext(count: number, status?: GrpcStatusName): void;
  /** Forget recorded sessions and pending faults. */
  reset(): void;
  /** Stop the server: active calls end with UNAVAILABLE, then graceful shutdown, forced after a short bound. */
  close(): Promise<void>;
}
