// Client CPU per second of audio, speechkit-stream vs a plain @grpc/grpc-js bidi call sending the
// same messages with one timer per stream; and pacing jitter. Medians of several runs.
//   node benchmarks/core.js [streams=100] [seconds=5] [runs=3]
import * as grpc from '@grpc/grpc-js';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecognizeStream } from '../dist/recognize-stream.js';
import { createGrpcTransport } from '../dist/transport/grpc-transport.js';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN } from '../dist/emulator/index.js';
import { methodCodec } from '../dist/transport/proto.js';
import { fmt, measureCpu, median, percentile, startEmulatorProcess } from './lib.js';

const [streams = 100, seconds = 5, runs = 3] = process.argv.slice(2).map(Number);
const RATE = 16000;
const CHUNK_MS = 100;
const CHUNK_BYTES = (RATE * 2 * CHUNK_MS) / 1000;

function audioOf(seconds) {
  const pcm = dialledDigitsPcm(['1234', '5678', '90'], { sampleRate: RATE });
  const parts = [];
  for (let bytes = 0; bytes < seconds * RATE * 2; bytes += pcm.length) parts.push(pcm);
  return Buffer.concat(parts).subarray(0, seconds * RATE * 2);
}

/** Send-time error of each audio message against the real-time schedule of its stream, in ms. */
function scheduleErrors(sendTimes) {
  const errors = [];
  for (const times of sendTimes) times.forEach((t, k) => errors.push(Math.abs(t - times[0] - k * CHUNK_MS)));
  return errors;
}

/** The library's own transport, noting when each audio message is handed to gRPC. */
function recordingTransport(address, times) {
  const inner = createGrpcTransport({ endpoint: address, tls: false });
  return {
    open(method, metadata, handlers) {
      const call = inner.open(method, metadata, handlers);
      return { ...call, write: (message) => (message.audio_content && times.push(performance.now()), call.write(message)) };
    },
    close: () => inner.close(),
  };
}

async function runLibrary(address, audio) {
  const sendTimes = [];
  await Promise.all(
    Array.from({ length: streams }, () => {
      const times = [];
      sendTimes.push(times);
      // The raw baseline opens every call at once; so does the library here (no start limiter),
      // or its 40/s quota would spread the starts and their pacing phases, a different workload.
      const options = { endpoint: address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, sampleRateHertz: RATE, chunkMs: CHUNK_MS, retry: false, startLimiter: false };
      return pipeline(Readable.from([audio]), new RecognizeStream(options, { transport: recordingTransport(address, times) }), async (results) => {
        for await (const _ of results);
      });
    }),
  );
  return scheduleErrors(sendTimes);
}

async function runRaw(address, audio) {
  const codec = methodCodec('v2');
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const config = { config: { specification: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: RATE } } };
  const sendTimes = [];
  await Promise.all(
    Array.from({ length: streams }, () => {
      const times = [];
      sendTimes.push(times);
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${EMULATOR_IAM_TOKEN}`);
      const call = client.makeBidiStreamRequest(codec.path, codec.serialize, codec.deserialize, metadata, {});
      call.write(config);
      return new Promise((resolve, reject) => {
        call.on('data', () => {});
        call.on('error', reject);
        call.on('status', resolve);
        const start = performance.now();
        let k = 0;
        const tick = () => {
          times.push(performance.now());
          call.write({ audio_content: audio.subarray(k * CHUNK_BYTES, (k + 1) * CHUNK_BYTES) });
          k++;
          if (k * CHUNK_BYTES >= audio.length) return call.end();
          setTimeout(tick, start + k * CHUNK_MS - performance.now());
        };
        tick();
      });
    }),
  );
  client.close();
  return scheduleErrors(sendTimes);
}

const emulator = await startEmulatorProcess({ limits: { idleMs: 30_000 } });
const audio = audioOf(seconds);
const audioSeconds = streams * seconds;
const rows = { library: { cpu: [], p50: [], p99: [] }, raw: { cpu: [], p50: [], p99: [] } };
console.log(`${streams} concurrent real-time streams × ${seconds} s of 16 kHz PCM, ${runs} runs each`);
for (let run = 0; run < runs; run++) {
  for (const [name, fn] of [['raw', runRaw], ['library', runLibrary]]) {
    await emulator.reset();
    const [errors, cpuMs] = await measureCpu(() => fn(emulator.address, audio));
    rows[name].cpu.push(cpuMs / audioSeconds);
    rows[name].p50.push(percentile(errors, 50));
    rows[name].p99.push(percentile(errors, 99));
    console.log(`  run ${run + 1} ${name.padEnd(7)} CPU ${fmt(cpuMs / audioSeconds)} ms per audio second, send-time error p50 ${fmt(percentile(errors, 50))} ms, p99 ${fmt(percentile(errors, 99))} ms`);
  }
}
await emulator.close();
const lib = median(rows.library.cpu);
const raw = median(rows.raw.cpu);
console.log('\nmedians');
console.log(`  raw @grpc/grpc-js   ${fmt(raw)} ms CPU per audio second; send-time error p50 ${fmt(median(rows.raw.p50))} ms, p99 ${fmt(median(rows.raw.p99))} ms`);
console.log(`  speechkit-stream    ${fmt(lib)} ms CPU per audio second; send-time error p50 ${fmt(median(rows.library.p50))} ms, p99 ${fmt(median(rows.library.p99))} ms`);
console.log(`  CPU ratio library / raw: ${fmt(lib / raw)}×`);
