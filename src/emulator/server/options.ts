import type { EmulatorAuthOptions } from '../auth/credentials.js';
import type { EmulatorIam, EmulatorIamOptions } from '../auth/iam.js';
import type { SessionRecord } from '../call/session-record.js';
import type { GrpcStatusName } from '../call/status.js';
import type { FaultRule } from '../faults/fault-rules.js';
import type { EmulatorLimitOptions, EmulatorRecognizerOptions } from '../limits/limits.js';
import type { EmulatorTlsOptions } from '../network/tls.js';
import type { ServiceProfile, ServiceProfileInput, ServiceProfileName } from './profile.js';

/** Options of `startEmulator`. */
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

/** A running emulator, as `startEmulator` hands it back. */
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
