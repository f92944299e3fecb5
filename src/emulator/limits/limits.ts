// Session limits of SpeechKit streaming recognition, as published in the service's "Quotas and
// limits" and streaming pages (same values for API v2 and v3).

/** Longest audio per session: 5 minutes of audio time. */
export const DEFAULT_MAX_AUDIO_MS = 300_000;
/** Most audio data per session: "10 MB", read as 10 000 000 bytes. */
export const DEFAULT_MAX_BYTES = 10_000_000;
/** Longest wall-time gap between two client messages: 5 s. */
export const DEFAULT_IDLE_MS = 5_000;

// Recognizer timing. The real service does not publish its end-of-utterance pause or partial
// cadence; these are values that behave like it on short phrases.

/** Silence, in audio ms, that closes an utterance. */
export const DEFAULT_EOU_SILENCE_MS = 600;
/** Audio ms between two partial results of an open utterance. */
export const DEFAULT_PARTIAL_EVERY_MS = 300;

export interface EmulatorLimitOptions {
  /** Audio per session, in audio milliseconds (default 300 000). */
  maxAudioMs?: number;
  /** Audio bytes per session (default 10 000 000). */
  maxBytes?: number;
  /** Longest wall-time gap between client messages, in ms (default 5 000). */
  idleMs?: number;
}

export interface EmulatorRecognizerOptions {
  /** Audio-time silence that ends an utterance, in ms (default 600). */
  eouSilenceMs?: number;
  /** Audio-time interval between partial results, in ms (default 300). */
  partialEveryMs?: number;
}

export interface SessionLimits {
  maxAudioMs: number;
  maxBytes: number;
  idleMs: number;
}

export interface RecognizerTiming {
  eouSilenceMs: number;
  partialEveryMs: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive finite number`);
  }
  return value;
}

export function resolveLimits(options: EmulatorLimitOptions = {}): SessionLimits {
  return {
    maxAudioMs: positive('limits.maxAudioMs', options.maxAudioMs, DEFAULT_MAX_AUDIO_MS),
    maxBytes: positive('limits.maxBytes', options.maxBytes, DEFAULT_MAX_BYTES),
    idleMs: positive('limits.idleMs', options.idleMs, DEFAULT_IDLE_MS),
  };
}

export function resolveRecognizerTiming(options: EmulatorRecognizerOptions = {}): RecognizerTiming {
  return {
    eouSilenceMs: positive('recognizer.eouSilenceMs', options.eouSilenceMs, DEFAULT_EOU_SILENCE_MS),
    partialEveryMs: positive('recognizer.partialEveryMs', options.partialEveryMs, DEFAULT_PARTIAL_EVERY_MS),
  };
}

/**
 * The reason a session breaks a size limit, or null.
 *
 * The real service ends such sessions, but its documentation does not say with which gRPC code.
 * The emulator uses OUT_OF_RANGE with details starting `session limit:`; a client should treat any
 * such end as "start a new session", not as a user error.
 */
export function sizeLimitBreach(limits: SessionLimits, audioMs: number, bytes: number): string | null {
  if (audioMs > limits.maxAudioMs) return `session limit: audio duration exceeds ${limits.maxAudioMs} ms`;
  if (bytes > limits.maxBytes) return `session limit: audio size exceeds ${limits.maxBytes} bytes`;
  return null;
}

export function idleBreach(limits: SessionLimits): string {
  return `session limit: no audio for ${limits.idleMs} ms`;
}
