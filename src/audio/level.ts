/**
 * Client-side silence detection for 16-bit PCM, used to find a natural rollover point.
 * Below about −50 dBFS RMS counts as silence: quiet rooms and line noise sit under it, speech and
 * tones well above.
 */
export const SILENCE_RMS = 100;

export function isSilentPcm(data: Buffer): boolean {
  const samples = data.length >> 1;
  if (samples === 0) return true;
  // Every other sample is plenty for a loudness estimate and halves the cost.
  const n = (samples + 1) >> 1;
  const limit = SILENCE_RMS * SILENCE_RMS * n;
  let sum = 0;
  for (let i = 0; i + 1 < data.length; i += 4) {
    // A little-endian 16-bit sample, read without a bounds-checked call or a typed-array view.
    const v = ((data[i]! | (data[i + 1]! << 8)) << 16) >> 16;
    sum += v * v;
    // Loud audio (the common case while someone speaks) answers within a few samples.
    if (sum >= limit) return false;
  }
  return sum < limit;
}
