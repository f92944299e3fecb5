import { resolveLimits, resolveRecognizerTiming, type RecognizerTiming, type SessionLimits } from '../limits/limits.js';
import type { EmulatorOptions } from './options.js';
import { resolveProfile, type ServiceProfile } from './profile.js';

/** Default interval of v3 `status_code` keep-alives (the service's own interval is not published). */
export const DEFAULT_STATUS_EVERY_MS = 1_000;

/** The server's options with every default applied. */
export interface ServerSettings {
  host: string;
  port: number;
  responseDelayMs: number;
  statusEveryMs: number;
  limits: SessionLimits;
  profile: ServiceProfile;
  timing: RecognizerTiming;
}

/** Applies the defaults; throws naming the first bad option, before anything listens. */
export function resolveServerOptions(options: EmulatorOptions): ServerSettings {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer in 0..65535, got ${String(options.port)}`);
  }
  const responseDelayMs = options.responseDelayMs ?? 0;
  if (!Number.isFinite(responseDelayMs) || responseDelayMs < 0) {
    throw new RangeError('responseDelayMs must be a non-negative number');
  }
  const statusEveryMs = options.statusEveryMs ?? DEFAULT_STATUS_EVERY_MS;
  if (!Number.isFinite(statusEveryMs) || statusEveryMs < 10) {
    throw new RangeError('statusEveryMs must be a number of milliseconds ≥ 10');
  }
  const limits = resolveLimits(options.limits);
  const profile = resolveProfile(options.profile);
  // An explicit recognizer option is the caller's word; the profile only sets the default cadence.
  const timing = resolveRecognizerTiming({
    ...options.recognizer,
    partialEveryMs: options.recognizer?.partialEveryMs ?? profile.partialEveryMs,
  });
  return { host, port, responseDelayMs, statusEveryMs, limits, profile, timing };
}
