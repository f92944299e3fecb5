/**
 * Named debug tracers, off by default. `SPEECHKIT_TRACE=auth` (a comma-separated list of areas, or
 * `*` for all) writes lines to stderr. Callers build lines from facts, never from credentials, and
 * pass the secrets in play so that text from elsewhere (a server's error message) is scrubbed too.
 */
import { redact } from './errors.js';

/** Areas that can be traced. */
export type TraceArea = 'auth';

type Sink = (line: string) => void;

let areas = parseAreas(process.env.SPEECHKIT_TRACE);
let sink: Sink = (line) => process.stderr.write(`${line}\n`);

function parseAreas(value: string | undefined): Set<string> {
  return new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

/** Whether lines for `area` are being written (build expensive lines only when this is true). */
export function traceEnabled(area: TraceArea): boolean {
  return areas.has(area) || areas.has('*');
}

/** Writes one line for `area` if it is enabled, with every one of `secrets` removed. */
export function trace(area: TraceArea, message: string, secrets: readonly string[] = []): void {
  if (!traceEnabled(area)) return;
  sink(`speechkit-stream ${area}: ${redact(message, secrets)}`);
}

/**
 * @internal Routes trace lines to `target` for the given areas (tests, or an application logger);
 * `undefined` restores stderr and the `SPEECHKIT_TRACE` setting.
 */
export function setTraceSink(target: Sink | undefined, enable?: readonly string[]): void {
  sink = target ?? ((line) => process.stderr.write(`${line}\n`));
  areas = enable ? new Set(enable) : parseAreas(process.env.SPEECHKIT_TRACE);
}
