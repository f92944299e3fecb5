// One measured client run for `npm run bench:scale`: N 16 kHz streams, either through the library
// or through a raw @grpc/grpc-js baseline that sends the same messages with one timer per stream
// (or, unpaced, as fast as flow control lets it). Shapes: 'window' (long streams, a measured
// window in the middle), 'burst' (each stream has `audioMs` of audio; streams start at random
// moments within `startSpreadMs`, or all at once; measured from the first start to the last
// end), 'idle' (streams open with a little audio, then nothing: memory per idle stream).
// Forked by ../scale.js with a JSON argument; sends one message with the figures.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { RecognizeStream } from 'speechkit-stream';
import { dialledDigitsLayout, dialledDigitsPcm, EMULATOR_IAM_TOKEN } from 'speechkit-stream/emulator';
// Internal: the library's own transport, wrapped only to time each audio message as it leaves.
import { createGrpcTransport, MAX_CALLS_PER_CHANNEL } from '../../dist/transport/grpc-transport.js';
import { seeded } from './seeded.js';

const args = JSON.parse(process.argv[2]);
const {
  variant,
  address,
  streams,
  chunkMs = 100,
  sampleRate = 16000,
  startSpreadMs = 1000,
  warmupMs = 3000,
  measureMs = 15000,
  writeMs = chunkMs,
  shape = 'window',
  /** 'spread' (evenly over startSpreadMs), 'random' (seeded, within startSpreadMs) or 'aligned' (all in one tick). */
  starts = 'spread',
  /** 0: unpaced (the library's `pace: 0`; the raw client writes until flow control says stop). */
  pace = 1,
  /** File mode: bytes per write (64 KiB as fs.ReadStream reads). */
  fileWriteBytes = 64 * 1024,
  /** One extra library stream handed this many bytes in a single write (the event-loop test). */
  bigWriteBytes = 0,
} = args;
const bytesPerChunk = (sampleRate * 2 * chunkMs) / 1000;
const bytesPerWrite = (sampleRate * 2 * writeMs) / 1000;
const audioMs = args.audioMs ?? startSpreadMs + warmupMs + measureMs + 5000;

// One recording shared by every stream: dialled digits, so the emulator answers with results.
const digits = { sampleRate, toneMs: 80, toneGapMs: 70, utteranceGapMs: 900 };
const utterances = [];
while (dialledDigitsLayout(utterances.length ? utterances : ['1'], digits).durationMs < audioMs) {
  utterances.push(String(1000 + ((utterances.length * 7919) % 9000)));
}
const audio = dialledDigitsPcm(utterances, digits).subarray(0, Math.floor(audioMs / chunkMs) * bytesPerChunk);

// Send-time error of every audio message sent inside the measured window: when it left minus when
// it was due (the stream's first message plus k × chunkMs).
const errors = new Float64Array(Math.ceil((streams * (measureMs + 2000)) / chunkMs));
let errorCount = 0;
const lateAt = [];
/** Writes grpc-js answered with "buffer full": the stream then waits for 'drain' (backpressure). */
let refusedWrites = 0;
/** The library's retries by error code (a stall check that takes slow calls for dead ones shows here). */
const retries = {};
let windowOpen = false;
function noteSend(state, now) {
  if (state.t0 === undefined) state.t0 = now;
  const error = now - (state.t0 + state.k * chunkMs);
  state.k++;
  if (windowOpen && errorCount < errors.length) {
    errors[errorCount++] = error;
    if (process.env.BENCH_LATE && error > 20) lateAt.push(Math.round(now));
  }
}

function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
const config = { config: { specification: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: sampleRate } } };

function rawClients() {
  const definition = protoLoader.loadSync('yandex/cloud/ai/stt/v2/stt_service.proto', {
    keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR],
  });
  const Stt = grpc.loadPackageDefinition(definition).yandex.cloud.ai.stt.v2.SttService;
  // As many connections as the library's pool opens, so both carry the same streams per connection.
  const count = Math.ceil(streams / MAX_CALLS_PER_CHANNEL);
  return Array.from({ length: count }, () => new Stt(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
}

/** The baseline: a plain bidi call per stream and one timer per stream, re-armed on the ideal schedule. */
function startRaw(index, clients, onDone) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${EMULATOR_IAM_TOKEN}`);
  const call = clients[Math.floor(index / MAX_CALLS_PER_CHANNEL)].StreamingRecognize(metadata);
  call.on('data', () => {});
  call.on('error', () => {});
  call.on('status', () => onDone?.());
  call.write(config);
  const state = { k: 0, t0: undefined };
  const start = performance.now();
  let offset = 0;
  let timer;
  if (pace === 0) {
    const flood = () => {
      while (offset < audio.length) {
        const ok = call.write({ audio_content: audio.subarray(offset, offset + bytesPerChunk) });
        offset += bytesPerChunk;
        noteSend(state, performance.now());
        if (!ok) return void call.once('drain', flood);
      }
      call.end();
    };
    flood();
    return { close: () => call.cancel(), held: () => 0 };
  }
  const tick = () => {
    // Idle streams stay open with nothing more to say.
    if (offset >= audio.length) return void (shape === 'idle' || call.end());
    call.write({ audio_content: audio.subarray(offset, offset + bytesPerChunk) });
    offset += bytesPerChunk;
    noteSend(state, performance.now());
    timer = setTimeout(tick, start + state.k * chunkMs - performance.now());
  };
  tick();
  return { close: () => { clearTimeout(timer); call.cancel(); }, held: () => 0 };
}

/** The library: a RecognizeStream per call, written like a file (until backpressure) or live. */
function startLibrary(onDone, { source = audio, live = args.live, writeBytes = fileWriteBytes } = {}) {
  const base = createGrpcTransport({ endpoint: address, tls: false });
  const state = { k: 0, t0: undefined };
  const transport = {
    open(method, metadata, handlers) {
      const call = base.open(method, metadata, handlers);
      let settings = true;
      return {
        ...call,
        // The acknowledgement goes through: without it the stream takes its writes for unsent
        // (a stalled connection) and reconnects.
        write(message, onWritten) {
          if (settings) settings = false;
          else noteSend(state, performance.now());
          const accepted = call.write(message, onWritten);
          if (!accepted && windowOpen) refusedWrites++;
          return accepted;
        },
      };
    },
    close: () => base.close(),
  };
  const stream = new RecognizeStream(
    {
      endpoint: address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, audioEncoding: 'LINEAR16_PCM',
      sampleRateHertz: sampleRate, chunkMs, startLimiter: false, pace, ...args.options,
    },
    { transport },
  );
  stream.on('data', () => {});
  stream.on('retry', (event) => (retries[event.code] = (retries[event.code] ?? 0) + 1));
  stream.on('close', () => onDone?.());
  stream.on('error', (error) => { if (!closing) console.error('stream error', error.code, error.message); });
  let offset = 0;
  let timer;
  if (live) {
    // A media server: audio arrives every writeMs, and the stream must add no delay to it.
    const start = performance.now();
    let k = 0;
    const arrive = () => {
      if (offset >= source.length) return void stream.end();
      stream.write(source.subarray(offset, offset + bytesPerWrite));
      offset += bytesPerWrite;
      timer = setTimeout(arrive, start + ++k * writeMs - performance.now());
    };
    arrive();
  } else {
    // A file: written ahead in reads of fileWriteBytes, as fast as the stream takes them.
    const feed = () => {
      while (offset < source.length) {
        const ok = stream.write(source.subarray(offset, offset + writeBytes));
        offset += writeBytes;
        if (!ok) return void stream.once('drain', feed);
      }
      if (shape !== 'idle') stream.end();
    };
    feed();
  }
  return {
    close: () => { clearTimeout(timer); stream.destroy(); },
    // Audio the stream owns: unsent (the write buffer) and sent since the last final (for replay); `p` holds its parts.
    held: () => ((stream.p.intake.bufferedMs + stream.p.ledger.replay.durationMs) * sampleRate * 2) / 1000,
  };
}

/** CPU profile of the measured window only, when asked for (`profile` path). */
async function startProfile(path) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  };
}

let closing = false;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const before = memory();
const clients = variant === 'raw' ? rawClients() : undefined;
// One-off process costs stay out of the figures for both: the raw client parsed its .proto above;
// the library parses its own on its first stream's first call, so it does that here.
if (variant === 'library') (await import('../../dist/transport/proto.js')).methodCodec('v2');
const handles = [];
if (shape === 'burst') await burst();
else if (shape === 'idle') await idle();
else await windowed();
process.exit(0);

/** CPU seconds of this process's main thread alone (Linux), so V8's GC and worker threads can be told apart. */
function mainThreadCpu() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** When stream i starts, in ms after the first. */
function startOffsets() {
  const random = seeded(20261202);
  return Array.from({ length: streams }, (_, i) =>
    starts === 'aligned' ? 0 : starts === 'random' ? random() * startSpreadMs : (i * startSpreadMs) / streams,
  ).sort((a, b) => a - b);
}

function openStream(i, onDone) {
  handles.push(variant === 'raw' ? startRaw(i, clients, onDone) : startLibrary(onDone));
}

/** Every stream sends its whole audio; measured from the first start to the last stream's end. */
async function burst() {
  const offsets = startOffsets();
  let done = 0;
  let allDone;
  const finished = new Promise((resolve) => (allDone = resolve));
  const onDone = () => {
    if (++done === streams) allDone();
  };
  // Made before the measurement: filling 200 MB is the writer's cost, not the stream's.
  const big = bigWriteBytes ? Buffer.alloc(bigWriteBytes, 1) : undefined;
  const stopProfile = args.profile ? await startProfile(args.profile) : undefined;
  const loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  windowOpen = true;
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpu();
  const wall0 = performance.now();
  let mid;
  const midTimer = setTimeout(() => (mid = process.memoryUsage()), startSpreadMs + audioMs / 2);
  let bigWriteMs;
  if (big) {
    // One more stream handed one huge write at once (pace 1, never done here), half a second in,
    // while the others run: they must not notice. Timed too: a stall inside the very tick the
    // delay monitor started in does not show in its histogram.
    setTimeout(() => {
      const t = performance.now();
      handles.push(startLibrary(undefined, { source: big, live: false, writeBytes: big.length }));
      bigWriteMs = performance.now() - t;
    }, 500);
  }
  for (let i = 0; i < streams; i++) {
    const wait = wall0 + offsets[i] - performance.now();
    if (wait > 1) await sleep(wait);
    openStream(i, onDone);
  }
  // Bounded: a stream that never ends is reported, not waited for forever.
  const limitMs = startSpreadMs + (pace === 0 ? 60_000 : audioMs + 30_000);
  await Promise.race([finished, sleep(limitMs)]);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  windowOpen = false;
  loop.disable();
  clearTimeout(midTimer);
  await stopProfile?.();
  closing = true;
  for (const h of handles) h.close();
  send({
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    mainThreadSeconds: mainThreadCpu() - main0,
    cpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
    wallMs,
    unfinished: streams - done,
    loopDelayP99: loop.percentile(99) / 1e6,
    loopDelayMax: loop.max / 1e6,
    bigWriteMs,
    retries,
    memoryPerStream: mid ? (mid.heapUsed + mid.external - before.heap - before.external) / streams : undefined,
  });
}

/** Streams open, a little audio each, then nothing: what an idle stream costs. */
async function idle() {
  for (let i = 0; i < streams; i++) {
    openStream(i);
    if (i % 50 === 49) await sleep(20);
  }
  await sleep(4000);
  const during = memory();
  const held = handles.reduce((n, h) => n + h.held(), 0);
  closing = true;
  for (const h of handles) h.close();
  send({
    heapPerStream: (during.heap - before.heap) / streams,
    externalPerStream: (during.external - before.external) / streams,
    audioHeldPerStream: held / streams,
  });
}

async function windowed() {
  const startedAt = performance.now();
  // Calls start spread over startSpreadMs, as calls reach a media server.
  for (let i = 0; i < streams; i++) {
    const wait = startedAt + (i * startSpreadMs) / streams - performance.now();
    if (wait > 1) await sleep(wait);
    openStream(i);
  }
  await sleep(Math.max(0, startedAt + startSpreadMs + warmupMs - performance.now()));
  const stopProfile = args.profile ? await startProfile(args.profile) : undefined;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  windowOpen = true;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(measureMs);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  windowOpen = false;
  loop.disable();
  await stopProfile?.();
  const during = memory();
  const held = handles.reduce((n, h) => n + h.held(), 0);
  closing = true;
  for (const h of handles) h.close();

  const sorted = errors.subarray(0, errorCount).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  if (process.env.BENCH_LATE) {
    const buckets = new Map();
    for (const t of lateAt) buckets.set(Math.floor(t / 100), (buckets.get(Math.floor(t / 100)) ?? 0) + 1);
    console.error(variant, 'late sends (>20 ms) per 100 ms bucket:', [...buckets].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([b, n]) => `${b % 1000}:${n}`).join(' '), 'buckets', buckets.size, 'total', lateAt.length);
  }
  send({
    messages: errorCount,
    expectedMessages: Math.round((streams * measureMs) / chunkMs),
    cpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1],
    loopDelayP99: loop.percentile(99) / 1e6,
    refusedWrites,
    heapPerStream: (during.heap - before.heap) / streams,
    externalPerStream: (during.external - before.external) / streams,
    audioHeldPerStream: held / streams,
  });
}

function send(figures) {
  process.send({ variant, streams, ...figures });
}
