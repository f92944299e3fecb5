import type { AuthPolicy } from '../auth/credentials.js';
import type { FaultRule } from '../faults/fault-rules.js';
import type { RecognizerTiming, SessionLimits } from '../limits/limits.js';
import type { ServiceProfile } from '../server/profile.js';
import type { SessionRecordImpl } from './session-record.js';

/** What the server gives every call, whatever the API version. */
export interface SessionContext {
  readonly limits: SessionLimits;
  readonly timing: RecognizerTiming;
  readonly auth: AuthPolicy;
  readonly responseDelayMs: number;
  readonly profile: ServiceProfile;
  log(line: string): void;
  /** Registers a new session record and hands back the faults scheduled for it. */
  openSession(init: {
    requestId: string;
    clientRequestId?: string;
    metadata: Record<string, string>;
  }): { record: SessionRecordImpl; faults: FaultRule[] };
  /** Keeps the session reachable for `close()` until it ends. */
  track(session: ActiveSession): void;
  untrack(session: ActiveSession): void;
}

export interface ActiveSession {
  /** Ends the call at once with UNAVAILABLE (server going away). */
  shutdown(details: string): void;
}
