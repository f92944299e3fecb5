import { startEmulator, type FaultRule, type PcmSampleRate, type ServiceProfileInput } from '../../src/emulator/index.js';
import { RecognizeStream, type RolloverEvent } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { seededRandom } from '../helpers/dialled.js';
import { streamOptions } from '../helpers/emulator.js';
import { render } from './audio.js';
import { capabilities } from './capabilities.js';
import { checkDigits, describeFaults, type DigitFault } from './integrity.js';
import { QUICK_RETRY } from './run-cell.js';

/** The profiles the soak cycles through, one per stream in turn. Unpaced, so pacing enforcement is off. */
export const SOAK_PROFILES: Record<string, ServiceProfileInput> = {
  lenient: { base: 'lenient' },
  strict: { base: 'strict', pacing: false },
  'strict+word-times': { base: 'strict', pacing: false, wordTimes: true },
  'strict+no-flush+latency': { base: 'strict', pacing: false, wordTimes: true, halfClose: 'no-flush', finalLatencyMs: [0, 1_500] },
};

export const SOAK_FAULTS = ['fail', 'drop', 'end', 'refuse', 'stall', 'stall-reads', 'flood', 'bogus-times'] as const;

export interface SoakOptions {
  hours: number;
  /** Streams running at once. */
  parallel: number;
  /** Simulated audio per stream, minutes. */
  minutesPerStream: number;
  /** One fault per this many minutes of a stream's audio. */
  faultEveryMin: number;
  faults: readonly string[];
  /** Session audio limit (short, so sessions roll over often), ms. */
  maxAudioMs: number;
  log: (line: string) => void;
  /** Run only these jobs (to replay a failing stream alone); all when undefined. */
  only?: readonly number[];
  /** Called after every stream with the report so far (a long run that is stopped still leaves its figures). */
  progress?: (partial: SoakReport, jobs: number) => void;
  /** Sees each stream as it starts (a debugging run logs its events). */
  watch?: (stream: RecognizeStream, job: number) => void;
}

export interface StreamReport {
  job: number;
  profile: string;
  api: 'v2' | 'v3';
  rate: PcmSampleRate;
  audioMs: number;
  wallMs: number;
  sessions: number;
  rollovers: number;
  recoveries: number;
  faultsStruck: number;
  /** `seam` and `unconfirmed` events and dropped-final warnings: losses the stream declared (still counted as lost). */
  declared: number;
  lost: DigitFault[];
  repeated: DigitFault[];
  error?: string;
}

export interface SoakReport {
  streams: StreamReport[];
  audioMs: number;
  wallMs: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  unavailable: string[];
}

/** Waits for `drain` (or `close`), taking both listeners off again: a long stream waits thousands of times. */
function drainedOrClosed(stream: RecognizeStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('close', done);
      resolve();
    };
    stream.once('drain', done).once('close', done);
  });
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export async function runJob(job: number, o: SoakOptions, faults: string[]): Promise<StreamReport> {
  const names = Object.keys(SOAK_PROFILES);
  const profile = names[job % names.length]!;
  const api = Math.floor(job / names.length) % 2 === 0 ? 'v2' : 'v3';
  const rate: PcmSampleRate = job % 3 === 2 ? 16000 : 8000;
  const random = seededRandom(1000 + job);
  const { utterances, tones, pcm } = render([{ untilMs: o.minutesPerStream * 60_000, min: 1, max: 5, gapMs: 900 }], rate, 5000 + job);
  const audioMs = (pcm.length / 2 / rate) * 1000;
  const limits = { maxAudioMs: o.maxAudioMs, maxBytes: 10_000_000 };
  // Sessions advance about 0.8 of the limit each; one fault per `faultEveryMin` of audio.
  const sessionsPerFault = Math.max(2, Math.round((o.faultEveryMin * 60_000) / (0.8 * o.maxAudioMs)));
  const rules: FaultRule[] = [];
  let k = 0;
  for (let session = 1 + Math.floor(random() * sessionsPerFault); session * 0.8 * o.maxAudioMs < audioMs; session += sessionsPerFault) {
    const action = faults[(job + k++) % faults.length]!;
    const rule = { session, action, afterAudioMs: Math.round(o.maxAudioMs * (0.2 + 0.5 * random())) } as FaultRule;
    if (action === 'refuse') {
      delete rule.afterAudioMs;
      rule.times = 2;
    }
    if (action === 'flood') rule.durationMs = 2_000;
    rules.push(rule);
  }
  const emulator = await startEmulator({ limits, recordAudio: false, faults: rules, profile: SOAK_PROFILES[profile] });
  const started = performance.now();
  const results: RecognitionResult[] = [];
  let rollovers = 0;
  let recoveries = 0;
  let declared = 0;
  let error: string | undefined;
  try {
    const stream = new RecognizeStream(streamOptions(emulator, { api, sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, sessionLimits: limits, retry: QUICK_RETRY }));
    o.watch?.(stream, job);
    stream.on('rollover', (_: RolloverEvent) => rollovers++);
    stream.on('retry', (_: RetryEvent) => recoveries++);
    stream.on('seam', () => declared++);
    stream.on('unconfirmed', () => declared++);
    // A final with bogus times that cannot be told from a repeat is dropped, said in a warning.
    stream.on('warning', (w: { code?: string; message: string }) => {
      if (w.code === 'SPEECHKIT_ERR_RESULT_TIMES' && w.message.includes('the final was dropped')) declared++;
    });
    stream.on('data', (r: RecognitionResult) => {
      // Keep finals only: a long soak must not hold every partial.
      if (r.type === 'final') results.push(r);
    });
    const ended = new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('error', reject);
    });
    const hang = setTimeout(() => stream.destroy(new Error(`no end after ${Math.round(audioMs / 1000)} s of wall time`)), Math.max(120_000, audioMs));
    const piece = rate * 2 * 5;
    let failed = false;
    ended.catch(() => (failed = true));
    for (let at = 0; at < pcm.length && !failed; at += piece) {
      if (!stream.write(pcm.subarray(at, at + piece))) await drainedOrClosed(stream);
    }
    if (!failed) stream.end();
    await ended.finally(() => clearTimeout(hang));
  } catch (e) {
    const err = e as Error & { code?: string };
    error = `${err.code ?? err.name}: ${err.message.slice(0, 100)}`;
  } finally {
    await emulator.close();
  }
  const check = checkDigits(results, tones, utterances, Infinity);
  const report: StreamReport = {
    job,
    profile,
    api,
    rate,
    audioMs,
    wallMs: performance.now() - started,
    sessions: emulator.sessions.length,
    rollovers,
    recoveries,
    faultsStruck: emulator.sessions.filter((s) => s.faults.length > 0).length,
    declared,
    lost: check.lost,
    repeated: check.repeated,
  };
  if (error) report.error = error;
  return report;
}

/**
 * Hours of dialled digits through the stream, unpaced, `parallel` streams at a time, each against
 * its own emulator with a profile taken in turn, short session limits and a scripted fault every
 * few minutes of audio; every stream's digits are checked exactly (none lost, none repeated).
 */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const caps = await capabilities();
  const faults = o.faults.filter((f) => caps.faultActions.has(f));
  const unavailable = o.faults.filter((f) => !caps.faultActions.has(f));
  const all = Math.ceil((o.hours * 60) / o.minutesPerStream);
  const queue = o.only ? [...o.only] : Array.from({ length: all }, (_, i) => i);
  const jobs = queue.length;
  const heapBeforeMb = heapMb();
  const started = performance.now();
  const streams: StreamReport[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobs) {
      const job = queue[next++]!;
      const r = await runJob(job, o, faults);
      streams.push(r);
      const simulated = streams.reduce((n, s) => n + s.audioMs, 0) / 3_600_000;
      o.log(
        `[soak ${streams.length}/${jobs}] job ${r.job} ${r.profile} ${r.api} ${r.rate} Hz: ${(r.audioMs / 60_000).toFixed(1)} min in ${(r.wallMs / 1000).toFixed(1)} s, ` +
          `${r.sessions} sessions, ${r.rollovers} rollovers, ${r.recoveries} recoveries, ${r.faultsStruck} faults, ` +
          `lost ${r.lost.length}${r.declared ? ` (${r.declared} declared: seam, unconfirmed, dropped final)` : ''}, repeated ${r.repeated.length}${r.error ? `, ERROR ${r.error}` : ''}` +
          `${r.lost.length ? ` lost ${describeFaults(r.lost)}` : ''}${r.repeated.length ? ` repeated ${describeFaults(r.repeated)}` : ''} ` +
          `(total ${simulated.toFixed(2)} h simulated, ${((performance.now() - started) / 60_000).toFixed(1)} min wall)`,
      );
      o.progress?.(
        { streams: [...streams].sort((a, b) => a.job - b.job), audioMs: simulated * 3_600_000, wallMs: performance.now() - started, heapBeforeMb, heapAfterMb: process.memoryUsage().heapUsed / 2 ** 20, unavailable },
        jobs,
      );
    }
  }
  await Promise.all(Array.from({ length: Math.min(o.parallel, jobs) }, worker));
  streams.sort((a, b) => a.job - b.job);
  return {
    streams,
    audioMs: streams.reduce((n, s) => n + s.audioMs, 0),
    wallMs: performance.now() - started,
    heapBeforeMb,
    heapAfterMb: heapMb(),
    unavailable,
  };
}

export function renderSoak(r: SoakReport, o: SoakOptions): string {
  const sum = (f: (s: StreamReport) => number) => r.streams.reduce((n, s) => n + f(s), 0);
  const byProfile = Object.keys(SOAK_PROFILES).map((p) => {
    const mine = r.streams.filter((s) => s.profile === p);
    const t = (f: (s: StreamReport) => number) => mine.reduce((n, s) => n + f(s), 0);
    return `| ${p} | ${mine.length} | ${(t((s) => s.audioMs) / 3_600_000).toFixed(2)} | ${t((s) => s.sessions)} | ${t((s) => s.rollovers)} | ${t((s) => s.recoveries)} | ${t((s) => s.faultsStruck)} | ${t((s) => s.lost.length)} | ${t((s) => s.repeated.length)} | ${mine.filter((s) => s.error).length} |`;
  });
  return [
    `# Soak`,
    '',
    `${(r.audioMs / 3_600_000).toFixed(2)} h of simulated audio in ${(r.wallMs / 60_000).toFixed(1)} min (${(r.audioMs / r.wallMs).toFixed(0)}× real time), ` +
      `${r.streams.length} streams of ${o.minutesPerStream} min, ${o.parallel} at a time, unpaced, sessions of ${o.maxAudioMs / 1000} s, ` +
      `a fault every ${o.faultEveryMin} min of audio (${o.faults.filter((f) => !r.unavailable.includes(f)).join(', ')})` +
      `${r.unavailable.length ? `; not available: ${r.unavailable.join(', ')}` : ''}.`,
    '',
    `Sessions ${sum((s) => s.sessions)}, rollovers ${sum((s) => s.rollovers)}, recoveries ${sum((s) => s.recoveries)}, faults struck ${sum((s) => s.faultsStruck)}; ` +
      `digits lost ${sum((s) => s.lost.length)}, repeated ${sum((s) => s.repeated.length)}; streams failed ${r.streams.filter((s) => s.error).length}; ` +
      `heap ${r.heapBeforeMb.toFixed(1)} MB before, ${r.heapAfterMb.toFixed(1)} MB after.`,
    '',
    '| profile | streams | hours | sessions | rollovers | recoveries | faults | lost | repeated | failed |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...byProfile,
    '',
  ].join('\n');
}
