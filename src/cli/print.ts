import type { RecognitionResult } from '../index.js';

/** One line per result: human-readable, or NDJSON with `--json`. */
export function formatResult(result: RecognitionResult, json: boolean): string {
  if (json) return JSON.stringify(result);
  const label = result.type === 'endOfUtterance' ? 'eou    ' : result.type === 'refinement' ? 'refined' : result.final ? 'final  ' : 'partial';
  return `${label} [session ${result.session}] ${result.text}`;
}
