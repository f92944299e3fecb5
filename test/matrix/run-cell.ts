import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEmulator, type Emulator, type EmulatorOptions, type FaultRule } from '../../src/emulator/index.js';
import { RecognizeStream, type RolloverEvent } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { streamOptions } from '../helpers/emulator.js';
import { buildMaterial, effectiveLimitMs, type Material } from './audio.js';
import { capabilities, FAULT_ACTION, PROFILE_FAULTS, type TcpProxy } from './capabilities.js';
import type { Cell } from './cells.js';
import { SHORT_LIMITS } from './dimensions.js';
import { checkDigits, type DigitFault } from './integrity.js';
import { cellProfile } from './profile.js';

/** Retry fast: backoff arithmetic is unit-tested on fake time; here it only stretches wall time. */
export const QUICK_RETRY = { minDelayMs: 5, maxDelayMs: 40, slowMinDelayMs: 20, healthyAfterMs: 2_000 };

export type Verdict = 'pass' | 'FAIL' | 'n/a';

export interface CellOutcome {
  cell: Cell;
  verdict: Verdict;
  /** Why it failed, or what it needs that is not there yet. */
  reasons: string[];
  expectedDigits: number;
  gotDigits: number;
  lost: DigitFault[];
  repeated: DigitFault[];
  /** Losses a `seam` event declared (allowed only at a hard cut inside continuous speech). */
  declaredLost: number;
  rollovers: Record<string, number>;
  recoveries: number;
  retryCodes: string[];
  sessions: number;
  seams: number;
  audioMs: number;
  wallMs: number;
  /** One line per session the emulator saw: status, audio, finals, faults. */
  sessionLog: string[];
  /** Worst event-loop delay during the cell, ms: a starved process can break real-time rules by itself. */
  loopLagMs: number;
}

const ROLLOVER_REASON = { eou: 'end-of-utterance', silence: 'silence', hardcut: 'limit' } as const;

function limitsOf(cell: Cell) {
  return cell.limits === 'short' ? SHORT_LIMITS : { maxAudioMs: 300_000, maxBytes: 10_000_000 };
}

/**
 * Where in session 1 (the first after a rollover, so a replay is in flight) a fault strikes, in
 * that session's audio ms, its replay included: mid-session with short limits; with default
 * limits a fifth of the limit, so it strikes after the seam the cell is about.
 */
function faultAtMs(cell: Cell): number {
  return cell.limits === 'short' ? 3_000 : 0.2 * effectiveLimitMs(cell.limits, cell.audio);
}

/** What the cell needs that may not exist yet; empty when it can run. */
async function missing(cell: Cell): Promise<string[]> {
  const caps = await capabilities();
  const needs: string[] = [];
  const profileNeeded = cell.wordTimes === 'off' || cell.pace !== 0 || PROFILE_FAULTS.includes(cell.fault);
  if (profileNeeded && !caps.profiles) {
    const why = [cell.wordTimes === 'off' && 'finals without word times', cell.pace !== 0 && 'pacing enforcement', PROFILE_FAULTS.includes(cell.fault) && cell.fault].filter(Boolean);
    needs.push(`service profiles (${why.join(', ')})`);
  }
  const action = FAULT_ACTION[cell.fault];
  if (action && !caps.faultActions.has(action)) needs.push(`fault action '${action}'`);
  if (cell.fault === 'blackhole' && !caps.tcpProxy) needs.push('TCP proxy with blackhole()');
  return needs;
}

function emptyOutcome(cell: Cell, verdict: Verdict, reasons: string[]): CellOutcome {
  return { cell, verdict, reasons, expectedDigits: 0, gotDigits: 0, lost: [], repeated: [], declaredLost: 0, rollovers: {}, recoveries: 0, retryCodes: [], sessions: 0, seams: 0, audioMs: 0, wallMs: 0, sessionLog: [], loopLagMs: 0 };
}

function faultRules(cell: Cell): FaultRule[] {
  const action = FAULT_ACTION[cell.fault];
  if (!action) return [];
  if (action === 'refuse') return [{ session: 1, times: 2, action: 'refuse', status: 'UNAVAILABLE' }];
  const rule = { session: 1, action, afterAudioMs: faultAtMs(cell) } as FaultRule;
  if (action === 'fail') rule.status = 'UNAVAILABLE';
  // A bounded flood: enough to swamp a reader that does not push back, not the whole machine.
  if (action === 'flood') rule.durationMs = 3_000;
  return [rule];
}

/** Writes the material as a live source (100 ms every 100 ms, whatever the backpressure) or a file (5 s writes). */
async function feed(stream: RecognizeStream, material: Material, live: boolean, stopped: () => boolean): Promise<void> {
  const { audio, durationMs } = material;
  const pieceMs = live ? 100 : 5_000;
  const pieces = Math.ceil(durationMs / pieceMs);
  const boundary = (i: number) => Math.min(audio.length, Math.round((audio.length * i * pieceMs) / durationMs) & ~1);
  const t0 = performance.now();
  for (let i = 0; i < pieces && !stopped(); i++) {
    const piece = audio.subarray(boundary(i), i === pieces - 1 ? audio.length : boundary(i + 1));
    if (live) {
      const due = t0 + i * pieceMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (stopped()) return;
      stream.write(piece);
    } else if (!stream.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
      });
    }
  }
  if (!stopped()) stream.end();
}

/** The interval a `seam` event says was dropped, whatever it names its fields. */
function seamRange(event: unknown): [number, number] | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const times = Object.entries(event as Record<string, unknown>)
    .filter(([k, v]) => /Ms$/.test(k) && typeof v === 'number' && Number.isFinite(v))
    .map(([, v]) => v as number);
  if (times.length < 2) return undefined;
  return [Math.min(...times), Math.max(...times)];
}

function wallBudgetMs(cell: Cell, durationMs: number): number {
  const realTime = cell.source === 'live' || cell.pace === 1;
  const base = realTime ? durationMs : cell.pace === 2 ? durationMs / 2 : durationMs / 4;
  return base * 2 + 60_000;
}

export async function runCell(cell: Cell): Promise<CellOutcome> {
  const needs = await missing(cell);
  if (needs.length > 0) return emptyOutcome(cell, 'n/a', needs.map((n) => `not available: ${n}`));
  const material = buildMaterial(cell.rollover, cell.audio, cell.limits, cell.seed);
  const limits = limitsOf(cell);
  const options: EmulatorOptions = { limits, recordAudio: false, faults: faultRules(cell) };
  if ((await capabilities()).profiles) options.profile = cellProfile(cell);
  const started = performance.now();
  let emulator: Emulator | undefined;
  let proxy: TcpProxy | undefined;
  try {
    emulator = await startEmulator(options);
    const caps = await capabilities();
    if (cell.fault === 'blackhole') proxy = await caps.tcpProxy!.startTcpProxy({ target: emulator.address });
    const endpoint = proxy?.address ?? emulator.address;
    const stream = new RecognizeStream(
      streamOptions(emulator, {
        endpoint,
        api: cell.api,
        ...material.options,
        pace: cell.pace,
        sessionLimits: limits,
        retry: QUICK_RETRY,
        // At an end-of-utterance cell the service's final is the boundary, not the stream's own
        // silence detection; and the soft window (0.7-0.95 of the limit, 1.5 s at short limits) is
        // as long as one utterance and its pause, so some end of utterance always falls inside it.
        ...(cell.rollover === 'eou' ? { rollover: { silenceMs: 2_000, softRatio: 0.7 } } : {}),
      }),
    );
    return await observe(cell, stream, material, emulator, proxy, started);
  } catch (error) {
    const out = emptyOutcome(cell, 'FAIL', [`harness: ${(error as Error).message}`]);
    out.wallMs = performance.now() - started;
    return out;
  } finally {
    await proxy?.close().catch(() => undefined);
    await emulator?.close();
  }
}

async function observe(cell: Cell, stream: RecognizeStream, material: Material, emulator: Emulator, proxy: TcpProxy | undefined, started: number): Promise<CellOutcome> {
  const results: RecognitionResult[] = [];
  const rollovers: RolloverEvent[] = [];
  const retries: RetryEvent[] = [];
  const seams: unknown[] = [];
  const warnings: unknown[] = [];
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  stream.on('warning', (e: unknown) => warnings.push(e));
  stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
  stream.on('retry', (e: RetryEvent) => retries.push(e));
  stream.on('seam', (e: unknown) => seams.push(e));
  stream.on('data', (r: RecognitionResult) => results.push(r));
  if (proxy) {
    // Blackhole the connection a little after the second session started: mid-stream, mid-replay.
    stream.on('session', (s: { index?: number; session?: number }) => {
      if ((s.index ?? s.session) === 1) setTimeout(() => proxy.blackhole(), 1_500).unref();
    });
  }
  let stop = false;
  const budget = wallBudgetMs(cell, material.durationMs);
  const ended = new Promise<Error | undefined>((resolve) => {
    stream.once('end', () => resolve(undefined));
    stream.once('error', (error) => resolve(error));
  });
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), budget)));
  void feed(stream, material, cell.source === 'live', () => stop);
  const outcome = await Promise.race([ended, hung]);
  clearTimeout(timer);
  lag.disable();
  stop = true;
  const reasons: string[] = [];
  if (outcome === 'hung') {
    reasons.push(`hung: no end after ${Math.round(budget / 1000)} s`);
    stream.destroy();
  } else if (outcome) {
    const e = outcome as Error & { code?: string };
    reasons.push(`stream failed: ${e.code ?? e.name}: ${e.message.slice(0, 120)}`);
  }
  await Promise.all(emulator.sessions.map((s) => Promise.race([s.ended, new Promise((r) => setTimeout(r, 2_000))])));

  const check = checkDigits(results, material.tones, material.utterances);
  const ranges = seams.map(seamRange).filter((r): r is [number, number] => r !== undefined);
  const declared = (f: DigitFault) => cell.rollover === 'hardcut' && ranges.some(([a, b]) => f.atMs >= a - 200 && f.atMs <= b + 200);
  let lost = check.lost.filter((f) => !declared(f));
  let badTimes = check.badTimes;
  // An absurd word time may cost the one final that carried it, if the stream said so (a warning).
  if (cell.fault === 'bogus-times' && warnings.length > 0) {
    if (new Set(lost.map((f) => f.utterance)).size === 1) lost = [];
    if (badTimes.length === 1) badTimes = [];
  }
  const declaredLost = check.lost.length - lost.length;
  if (lost.length > 0) reasons.push(`${lost.length} digit(s) lost`);
  if (check.repeated.length > 0) reasons.push(`${check.repeated.length} digit(s) repeated or extra`);
  if (badTimes.length > 0) reasons.push(`times wrong: ${badTimes[0]!.slice(0, 100)}${badTimes.length > 1 ? ` (+${badTimes.length - 1})` : ''}`);
  if (cell.rollover !== 'hardcut' && check.splitFinals > 0 && lost.length === 0 && check.repeated.length === 0) {
    reasons.push(`${check.splitFinals} final(s) split or merged utterances`);
  }

  const byReason: Record<string, number> = {};
  for (const r of rollovers) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
  // The cell must have gone through what it is named for.
  const wanted = ROLLOVER_REASON[cell.rollover];
  if (!byReason[wanted]) reasons.push(`no '${wanted}' rollover happened (saw ${JSON.stringify(byReason)})`);
  const action = FAULT_ACTION[cell.fault];
  if (action && !emulator.sessions.some((s) => s.faults.includes(action as never))) reasons.push(`fault '${action}' never struck`);
  // A session the service ended with an error nobody injected: the stream broke a service rule.
  for (const s of emulator.sessions) {
    const name = s.status?.name;
    if (!name || name === 'OK' || name === 'CANCELLED') continue;
    if (s.faults.length > 0) continue;
    if (cell.fault === 'blackhole' || cell.fault === 'drop') continue;
    reasons.push(`session ${s.index} ended ${name}: ${s.status!.details.slice(0, 80)}`);
  }
  return {
    cell,
    verdict: reasons.length === 0 ? 'pass' : 'FAIL',
    reasons,
    expectedDigits: check.expected,
    gotDigits: check.got,
    lost,
    repeated: check.repeated,
    declaredLost,
    rollovers: byReason,
    recoveries: retries.length,
    retryCodes: [...new Set(retries.map((r) => r.code))],
    sessions: emulator.sessions.length,
    seams: seams.length,
    audioMs: material.durationMs,
    wallMs: performance.now() - started,
    sessionLog: emulator.sessions.map(
      (s) =>
        `s${s.index} ${s.status?.name ?? 'open'} ${(s.audioMs / 1000).toFixed(1)}s ${s.results.filter((r) => r.final).length} finals` +
        `${s.halfClosed ? ' half-closed' : ''}${s.faults.length ? ` faults:${s.faults.join(',')}` : ''}${s.pacingBreach ? ` pacing+${Math.round(s.pacingBreach.excessMs)}ms` : ''}`,
    ),
    loopLagMs: lag.max / 1e6,
  };
}
