/**
 * What to do when no audio has gone to the service for a while (a live source paused, or the
 * reader stopped reading). The service ends a session after 5 s without a message.
 *
 * - `keepalive` (default): send a frame of silence now and then; the session stays open (and the
 *   silence counts against its limits). Silence is free to make in every format: zeros for PCM, a
 *   3-byte silent packet per 20 ms on the session's own Ogg pages for Ogg Opus, and a duration
 *   (`silence_chunk`) with API v3.
 * - `close`: half-close the session after a short pause (its finals are delivered) and open the
 *   next one when audio resumes; the cheaper choice for long pauses.
 */
export type IdlePolicy = 'keepalive' | 'close';

export interface IdleOptions {
  /** Default: `keepalive`. */
  policy: IdlePolicy | undefined;
  /** Pause after which the policy acts, in ms. Default 1000: well inside the service's 5 s. */
  afterMs: number;
}

export const DEFAULT_IDLE_AFTER_MS = 1_000;
/** The service ends a session after this long without a message (its docs). */
export const SERVICE_IDLE_LIMIT_MS = 5_000;

export type IdleAction = 'wait' | 'keepalive' | 'close';

export function idleAction(policy: IdlePolicy, lastMessageAtMs: number, nowMs: number, afterMs: number): IdleAction {
  if (nowMs - lastMessageAtMs < afterMs) return 'wait';
  return policy;
}

/** Keep-alive for every format and API: each one can make silence (see above). */
export function defaultIdlePolicy(_encoding: 'LINEAR16_PCM' | 'OGG_OPUS', _canSendSilence = false): IdlePolicy {
  return 'keepalive';
}
