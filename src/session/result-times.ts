import type { RecognitionResult } from '../results.js';

/**
 * How far outside its session's audio a time may fall and still count as the service's rounding
 * (10 ms analysis blocks, a codec's smearing) rather than a wrong time.
 */
export const TIME_SLACK_MS = 50;

/**
 * Checks a result's times against the audio its session was sent (`fromMs`…`toMs`, whole-stream
 * ms). A result that claims audio outside it cannot be placed: left as it is, one time an hour
 * ahead would make every later final look already reported, and confirm audio never sent. Such a
 * result loses its `startMs`/`endMs` (it is then handled like a final without word times) and its
 * words' times are clamped into the audio sent. Returns a description of what was wrong, or
 * undefined when the times are plausible (the result is untouched).
 */
export function checkResultTimes(result: RecognitionResult, fromMs: number, toMs: number): string | undefined {
  const lo = fromMs - TIME_SLACK_MS;
  const hi = toMs + TIME_SLACK_MS;
  const bad = (ms: number | undefined) => ms !== undefined && !(ms >= lo && ms <= hi);
  let wrong = bad(result.startMs) || bad(result.endMs);
  for (const alt of result.alternatives) for (const w of alt.words) wrong ||= bad(w.startMs) || bad(w.endMs) || w.endMs < w.startMs;
  if (!wrong) return undefined;
  const claimed = `${result.startMs ?? '?'}–${result.endMs ?? '?'} ms`;
  delete result.startMs;
  delete result.endMs;
  const clamp = (ms: number) => Math.min(toMs, Math.max(fromMs, ms));
  for (const alt of result.alternatives) {
    for (const w of alt.words) {
      w.startMs = clamp(w.startMs);
      w.endMs = Math.max(w.startMs, clamp(w.endMs));
    }
  }
  return `A ${result.type} result of session ${result.session} claims audio at ${claimed}, outside the ${fromMs}–${toMs} ms it was sent; its times were dropped`;
}
