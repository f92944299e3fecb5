/**
 * What to do when no audio has gone to the service for a while (a live source paused, or the
 * reader stopped reading). The service ends a session after 5 s without a message.
 *
 * - `keepalive`: send a frame of silence now and then; the session stays open (and the silence
 *   counts against its limits). Default for LINEAR16_PCM, where silence is free to make, and for
 *   any format with API v3, which takes silence as a duration (`silence_chunk`).
 * - `close`: half-close the session after a short pause (its finals are delivered) and open the
 *   next one when audio resumes. Default for OGG_OPUS, where silence cannot be made without an
 *   encoder, and the cheaper choice for long pauses.
 */
export type IdlePolicy = 'keepalive' | 'close';

export interface IdleOptions {
  /** Default: `keepalive` for LINEAR16_PCM and with API v3, `close` for OGG_OPUS on API v2. */
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

/** `canSendSilence`: the API takes silence as a duration (v3), so keep-alive needs no encoder. */
export function defaultIdlePolicy(encoding: 'LINEAR16_PCM' | 'OGG_OPUS', canSendSilence = false): IdlePolicy {
  return encoding === 'LINEAR16_PCM' || canSendSilence ? 'keepalive' : 'close';
}
