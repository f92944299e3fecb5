import type { AudioFrame } from '../audio/frame.js';

/** Settings of silence compression (API v3 `silence_chunk`). */
export interface SilenceCompression {
  /** Silence sent as audio before the rest of a pause goes as a duration, in ms. */
  afterMs: number;
}

/**
 * Whether a frame goes to the service as a silence duration instead of bytes. Only frames deep in
 * a pause qualify: the first `afterMs` of it still goes as audio, so the service hears speech fade
 * out as it really did. The wire takes whole milliseconds, so a frame of fractional duration (a
 * short tail) keeps its bytes rather than nudge the session's clock off the stream's.
 */
export function sendAsSilence(
  policy: SilenceCompression | undefined,
  silentBeforeMs: number,
  frame: AudioFrame,
  silent: boolean,
): boolean {
  return policy !== undefined && silent && silentBeforeMs >= policy.afterMs - 1e-6 && Number.isInteger(frame.durationMs);
}
