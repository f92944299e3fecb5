// One measured client run for `npm run bench:scale`: N real-time 16 kHz streams, either through
// the library or through a raw @grpc/grpc-js baseline that sends the same messages with one timer
// per stream. Forked by ../scale.js with a JSON argument; sends one message with the figures.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { RecognizeStream } from 'speechkit-stream';
import { dialledDigitsLayout, dialledDigitsPcm, EMULATOR_IAM_TOKEN } from 'speechkit-stream/emulator';
// Internal: the library's own transport, wrapped only to time each audio message as it leaves.
import { createGrpcTransport, MAX_CALLS_PER_CHANNEL } from '../../dist/transport/grpc-transport.js';

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
} = args;
const bytesPerChunk = (sampleRate * 2 * chunkMs) / 1000;
const bytesPerWrite = (sampleRate * 2 * writeMs) / 1000;
const audioMs = startSpreadMs + warmupMs + measureMs + 5000;

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
function startRaw(index, clients) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${EMULATOR_IAM_TOKEN}`);
  const call = clients[Math.floor(index / MAX_CALLS_PER_CHANNEL)].StreamingRecognize(metadata);
  call.on('data', () => {});
  call.on('error', () => {});
  call.write(config);
  const state = { k: 0, t0: undefined };
  const start = performance.now();
  let offset = 0;
  let timer;
  const tick = () => {
    if (offset >= audio.length) return void call.end();
    call.write({ audio_content: audio.subarray(offset, offset + bytesPerChunk) });
    offset += bytesPerChunk;
    noteSend(state, performance.now());
    timer = setTimeout(tick, start + state.k * chunkMs - performance.now());
  };
  tick();
  return { close: () => { clearTimeout(timer); call.cancel(); }, held: () => 0 };
}

/** The library: a RecognizeStream per call, written like a file (until backpressure) or live. */
function startLibrary() {
  const base = createGrpcTransport({ endpoint: address, tls: false });
  const state = { k: 0, t0: undefined };
  const transport = {
    open(method, metadata, handlers) {
      const call = base.open(method, metadata, handlers);
      let settings = true;
      return {
        ...call,
        write(message) {
          if (settings) settings = false;
          else noteSend(state, performance.now());
          const accepted = call.write(message);
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
      sampleRateHertz: sampleRate, chunkMs, startLimiter: false, ...args.options,
    },
    { transport },
  );
  stream.on('data', () => {});
  stream.on('error', (error) => { if (!closing) console.error('stream error', error.code, error.message); });
  let offset = 0;
  let timer;
  if (args.live) {
    // A media server: audio arrives every writeMs, and the stream must add no delay to it.
    const start = performance.now();
    let k = 0;
    const arrive = () => {
      if (offset >= audio.length) return void stream.end();
      stream.write(audio.subarray(offset, offset + bytesPerWrite));
      offset += bytesPerWrite;
      timer = setTimeout(arrive, start + ++k * writeMs - performance.now());
    };
    arrive();
  } else {
    const feed = () => {
      while (offset < audio.length) {
        const ok = stream.write(audio.subarray(offset, offset + bytesPerWrite));
        offset += bytesPerWrite;
        if (!ok) return void stream.once('drain', feed);
      }
      stream.end();
    };
    feed();
  }
  return {
    close: () => { clearTimeout(timer); stream.destroy(); },
    // Audio the stream owns: unsent (the write buffer) and sent since the last final (for replay).
    held: () => ((stream.intake.bufferedMs + stream.replay.durationMs) * sampleRate * 2) / 1000,
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
const handles = [];
const startedAt = performance.now();
// Calls start spread over startSpreadMs, as calls reach a media server.
for (let i = 0; i < streams; i++) {
  const wait = startedAt + (i * startSpreadMs) / streams - performance.now();
  if (wait > 1) await sleep(wait);
  handles.push(variant === 'raw' ? startRaw(i, clients) : startLibrary());
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
process.send({
  variant,
  streams,
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
process.exit(0);
