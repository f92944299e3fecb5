// A mass outage at scale, shared by `npm run test:outage` (1,000 streams, emulator in its own
// process) and the integration test (150 streams, emulator in process): N streams of 16 kHz PCM
// dialled digits through the process-wide session-start limiter; once every stream has a healthy
// session, `outage()` takes the service down (every session fails in the same instant) and brings
// it back; each stream must recover through the limiter, in one episode, and get back exactly its
// own digits. Returns the figures and the list of what went wrong (empty when all is well).
import { RecognizeStream } from 'speechkit-stream';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN } from 'speechkit-stream/emulator';
import { seeded } from './seeded.js';

export const RATE = 16000;
const TONE_MS = 80;
const bytes = (ms) => (RATE * 2 * ms) / 1000;
// Tones and silences made once and shared: each stream's audio is a list of views onto them.
const tones = new Map([...'0123456789'].map((d) => [d, dialledDigitsPcm([d], { sampleRate: RATE, toneMs: TONE_MS, leadMs: 0, trailMs: 0 })]));
const gaps = { tone: Buffer.alloc(bytes(70)), utterance: Buffer.alloc(bytes(900)), lead: Buffer.alloc(bytes(300)), trail: Buffer.alloc(bytes(1000)) };


/**
 * Dialled utterances (2–4 digits, 900 ms apart) from a seed, one at a time as shared pieces, for
 * as long as the caller asks: a stream's audio lasts until the outage plus what must follow it,
 * however long a loaded machine takes to get there.
 */
function callAudio(seed) {
  const random = seeded(seed);
  return {
    utterances: [],
    /** The next utterance's pieces and their length in ms. */
    next() {
      const digits = Array.from({ length: 2 + Math.floor(random() * 3) }, () => String(Math.floor(random() * 10))).join('');
      this.utterances.push(digits);
      const pieces = [];
      [...digits].forEach((d, i) => {
        if (i > 0) pieces.push(gaps.tone);
        pieces.push(tones.get(d));
      });
      pieces.push(gaps.utterance);
      return { pieces, ms: digits.length * TONE_MS + (digits.length - 1) * 70 + 900 };
    },
  };
}

/** Most of `times` (ms) inside any window of `windowMs`. */
export function mostInAnyWindow(times, windowMs = 1000) {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

export function distribution(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return { count: sorted.length, min: sorted[0], p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) };
}

/**
 * @param {object} o
 * @param {string} o.address the emulator
 * @param {number} o.streams
 * @param {() => Promise<{ downAt: number, upAt: number, sessionsBefore?: number }>} o.outage takes the service
 *   down and back (epoch ms; how many sessions the emulator had recorded before it went down)
 * @param {object} [o.retry] the streams' retry options
 * @param {number} [o.afterOutageMs] audio each stream writes after what it had written when the outage came
 * @param {(target: object) => object} o.createTransport the library's own gRPC transport (internal: the
 *   script takes it from dist/, the test from src/), wrapped here only to note when each call opens
 */
export async function runMassOutage({ address, streams, outage, retry, createTransport, afterOutageMs = 10_000, log = () => {} }) {
  const problems = [];
  const calls = [];
  /** When each session's call was opened (epoch ms): the starts the limiter granted. */
  const opens = [];
  const t0 = Date.now();
  for (let i = 0; i < streams; i++) {
    const source = callAudio(i + 1);
    const call = { index: i, utterances: source.utterances, writtenMs: 0, endAtMs: Infinity, finals: [], finalSessions: [], retries: [], sessionsAtOutage: undefined, error: undefined, reachedAfter: 0, reopenedAt: undefined, recoveredAt: undefined };
    calls.push(call);
    const base = createTransport({ endpoint: address, tls: false });
    const transport = {
      open(method, metadata, handlers) {
        opens.push(Date.now());
        return base.open(method, metadata, handlers);
      },
      close: () => base.close(),
    };
    const stream = new RecognizeStream({
      endpoint: address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN },
      audioEncoding: 'LINEAR16_PCM', sampleRateHertz: RATE, pace: 1, ...(retry && { retry }),
    }, { transport });
    call.stream = stream;
    stream.on('data', (r) => {
      if (r.type !== 'final') return;
      call.finals.push(r.text);
      call.finalSessions.push(r.session);
      if (call.sessionsAtOutage !== undefined && r.session >= call.sessionsAtOutage) call.recoveredAt ??= Date.now();
    });
    stream.on('session', (s) => {
      if (call.sessionsAtOutage === undefined || s.session < call.sessionsAtOutage) return;
      // Headers came back: this session reached the service (a refused one too).
      call.reachedAfter++;
      call.reopenedAt ??= Date.now();
    });
    stream.on('retry', (e) => call.retries.push({ attempt: e.attempt, at: Date.now(), code: e.code }));
    call.done = new Promise((resolve) => {
      stream.on('error', (error) => {
        call.error = error;
        resolve();
      });
      stream.on('end', resolve);
    });
    // Written ahead with backpressure (paced by the stream at real time), until `afterOutageMs`
    // past what was written when the outage came.
    let pieces = [gaps.lead];
    let k = 0;
    call.writtenMs = 300;
    call.feed = () => {
      for (;;) {
        if (k === pieces.length) {
          if (call.writtenMs >= call.endAtMs) {
            stream.end(gaps.trail);
            return;
          }
          const next = source.next();
          pieces = next.pieces;
          k = 0;
          call.writtenMs += next.ms;
        }
        if (!stream.write(pieces[k++])) return void stream.once('drain', call.feed);
      }
    };
    call.feed();
  }

  // Every stream's first session healthy (it delivered a final), then the outage.
  while (calls.some((c) => c.finals.length === 0 && !c.error)) await sleep(50);
  const readyMs = Date.now() - t0;
  for (const c of calls) {
    c.sessionsAtOutage = c.stream.sessionCount;
    c.endAtMs = c.writtenMs + afterOutageMs;
  }
  log(`all ${streams} streams healthy after ${(readyMs / 1000).toFixed(1)} s; outage`);
  const { downAt, upAt, sessionsBefore } = await outage();
  log(`service down for ${upAt - downAt} ms`);
  await Promise.all(calls.map((c) => c.done));

  for (const c of calls) {
    const tag = `stream ${c.index}`;
    if (c.error) problems.push(`${tag}: ${c.error.code ?? ''} ${c.error.message}`);
    if (c.finals.join(' ') !== c.utterances.join(' ')) {
      const differs = c.finals.findIndex((f, j) => f !== c.utterances[j]);
      const k = differs >= 0 ? differs : c.finals.length;
      const around = (list) => list.slice(Math.max(0, k - 2), k + 3).join(' ');
      problems.push(`${tag}: digits differ (${c.finals.length} finals for ${c.utterances.length} utterances) from final ${k}: ` +
        `expected …${around(c.utterances)}…, got …${around(c.finals)}… (sessions ${around(c.finalSessions)})`);
    }
    const after = c.retries.filter((r) => r.at >= downAt);
    c.retriesAfter = after.length;
    c.sessionsAfter = c.stream.sessionCount - c.sessionsAtOutage;
    if (c.sessionsAtOutage !== 1) problems.push(`${tag}: ${c.sessionsAtOutage} sessions before the outage (expected 1)`);
    if (after.length === 0) problems.push(`${tag}: never saw the outage`);
    // One episode per outage: its retries are numbered 1, 2, … (a restart at 1 means the budget was reset).
    if (after.some((r, k) => r.attempt !== k + 1)) problems.push(`${tag}: retries numbered ${after.map((r) => r.attempt).join(',')}`);
    // Each retry opened exactly one session, and no session was opened without one.
    if (c.sessionsAfter !== after.length) problems.push(`${tag}: ${c.sessionsAfter} sessions for ${after.length} retries`);
    if (c.recoveredAt === undefined) problems.push(`${tag}: no final from a session after the outage`);
    c.stream.destroy();
  }
  const recovered = calls.filter((c) => c.recoveredAt !== undefined).map((c) => c.recoveredAt - downAt);
  const reopened = calls.filter((c) => c.reopenedAt !== undefined).map((c) => c.reopenedAt - downAt);
  const retriesPerStream = {};
  for (const c of calls) retriesPerStream[c.retriesAfter] = (retriesPerStream[c.retriesAfter] ?? 0) + 1;
  return {
    problems,
    downAt,
    upAt,
    sessionsBefore,
    opens,
    readyMs,
    exact: calls.filter((c) => !c.error && c.finals.join(' ') === c.utterances.join(' ')).length,
    errors: calls.filter((c) => c.error).length,
    retriesPerStream,
    extraAttempts: calls.reduce((n, c) => n + Math.max(0, c.retriesAfter - 1), 0),
    /** New sessions that reached the service (their headers came back). */
    reachedAfter: calls.reduce((n, c) => n + c.reachedAfter, 0),
    /** Retries whose session never reached the service (it could not be connected to yet). */
    unreachedAttempts: calls.reduce((n, c) => n + c.retriesAfter - c.reachedAfter, 0),
    reopened: distribution(reopened),
    recovered: distribution(recovered),
    wallMs: Date.now() - t0,
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
