/**
 * Client-side silence detection for 16-bit PCM, used to find a natural rollover point.
 * Below about −50 dBFS RMS counts as silence: quiet rooms and line noise sit under it, speech and
 * tones well above.
 */
export const SILENCE_RMS = 100;

export function isSilentPcm(data: Buffer): boolean {
  const samples = data.length >> 1;
  if (samples === 0) return true;
  let sum = 0;
  // Every other sample is plenty for a loudness estimate and halves the cost.
  let n = 0;
  for (let i = 0; i + 1 < data.length; i += 4) {
    const v = data.readInt16LE(i);
    sum += v * v;
    n++;
  }
  return Math.sqrt(sum / n) < SILENCE_RMS;
}
