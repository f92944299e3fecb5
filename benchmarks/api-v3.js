// API v3 against API v2: client CPU per second of audio, and the bytes silence compression saves.
//
//   npm run build && node benchmarks/api-v3.js [--runs 7] [--minutes 4]
//
// The emulator runs in a child process, so its work never counts as the client's (the silence
// figures use one in-process: they count bytes, not CPU). Each figure is
// the median of several runs, interleaved so that drift on a shared machine hits every variant
// alike, and is printed as a ratio to a plain @grpc/grpc-js bidi call that sends the identical
// messages of the same API in the same run.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createRecognizeStream } from '../dist/index.js';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN, startEmulator } from '../dist/emulator/index.js';
import { median, startEmulatorProcess } from './lib.js';

async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, minutes: { type: 'string', default: '4' } } });
  const runs = Number(values.runs);
  const minutes = Number(values.minutes);
  const sampleRate = 16000;
  const chunkMs = 100;
  // Under both session limits at 16 kHz (5 min, 10 MB), so every variant is one session.
  const audio = dialled(minutes, sampleRate, 11, { utteranceGapMs: 900 });
  const audioSeconds = audio.length / 2 / sampleRate;

  const emulatorProcess = await startEmulatorProcess();
  const { address } = emulatorProcess;
  try {
    // v3 always streams partials (v2 only when asked), so v2 also runs with partials, like for like.
    const variants = {
      'raw v2': () => rawCall('v2', address, audio, sampleRate, chunkMs, false),
      'raw v2 partials': () => rawCall('v2', address, audio, sampleRate, chunkMs, true),
      'raw v3': () => rawCall('v3', address, audio, sampleRate, chunkMs),
      'stream v2': () => viaStream('v2', address, audio, sampleRate, chunkMs, false),
      'stream v2 partials': () => viaStream('v2', address, audio, sampleRate, chunkMs, true),
      'stream v3': () => viaStream('v3', address, audio, sampleRate, chunkMs, false),
    };
    const cpu = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (const run of Object.values(variants)) await run(); // warm-up: JIT, proto parsing, channels
    for (let i = 0; i < runs; i++) {
      for (const [name, run] of Object.entries(variants)) {
        global.gc?.();
        const before = process.cpuUsage();
        await run();
        const used = process.cpuUsage(before);
        cpu[name].push((used.user + used.system) / 1000 / audioSeconds);
      }
    }
    const m = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
    console.log(`Client CPU per second of audio (${audioSeconds.toFixed(0)} s of 16 kHz PCM, unpaced, ${chunkMs} ms messages, median of ${runs} runs)`);
    for (const [name, value] of Object.entries(m)) console.log(`  ${name.padEnd(20)} ${value.toFixed(3)} ms`);
    console.log('Ratios (median of the per-run ratios: both sides of each come from the same round)');
    const ratio = (a, b) => console.log(`  ${`${a} / ${b}`.padEnd(40)} ${median(cpu[a].map((x, i) => x / cpu[b][i])).toFixed(2)}`);
    ratio('stream v2', 'raw v2');
    ratio('stream v2 partials', 'raw v2 partials');
    ratio('stream v3', 'raw v3');
    ratio('stream v3', 'stream v2');
    ratio('stream v3', 'stream v2 partials');
    ratio('raw v3', 'raw v2 partials');
  } finally {
    await emulatorProcess.close();
  }

  for (const client of Object.values(clients)) client.close();
  await silenceCompression(sampleRate);
}

/** Bytes on the wire for a recording with pauses, with and without `compressSilence` (in-process emulator: only bytes count here). */
async function silenceCompression(sampleRate) {
  // A call: short answers separated by pauses of 0.3–6 s, over a -60 dBFS noise floor.
  // 3.5 minutes: one session, short of the soft rollover point, so replays add nothing to either side.
  const pcm = addNoise(dialled(3.5, sampleRate, 3, { utteranceGapMs: 900, randomGaps: [300, 6_000] }), 30, 5);
  const emulator = await startEmulator();
  try {
    const outcome = {};
    for (const [name, extra] of [['plain', {}], ['compressSilence', { compressSilence: true }], ['compressSilence afterMs 200', { compressSilence: { afterMs: 200 } }]]) {
      emulator.reset();
      const results = await recognizeAll(createRecognizeStream({ ...base(emulator.address, 'v3', sampleRate, 100), ...extra }), pcm);
      const bytes = emulator.sessions.reduce((n, s) => n + s.audio.length, 0);
      const silenceMs = emulator.sessions.reduce((n, s) => n + s.silenceChunks.reduce((a, c) => a + c.durationMs, 0), 0);
      outcome[name] = { bytes, silenceMs, finals: results.filter((r) => r.type === 'refinement').map((r) => r.text).join(' ') };
    }
    const seconds = pcm.length / 2 / sampleRate;
    console.log(`\nSilence compression (API v3): ${seconds.toFixed(0)} s of 16 kHz PCM with pauses, ${(pcm.length / 1e6).toFixed(2)} MB of audio`);
    for (const [name, o] of Object.entries(outcome)) {
      const saved = 1 - o.bytes / outcome.plain.bytes;
      const same = o.finals === outcome.plain.finals ? 'same text' : 'TEXT DIFFERS';
      console.log(`  ${name.padEnd(28)} ${(o.bytes / 1e6).toFixed(2)} MB sent, ${(o.silenceMs / 1000).toFixed(1)} s as silence_chunk, ${(saved * 100).toFixed(1)} % bytes saved, ${same}`);
    }
  } finally {
    await emulator.close();
  }
}

function base(address, api, sampleRate, chunkMs) {
  return { endpoint: address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, api, sampleRateHertz: sampleRate, chunkMs, pace: 0 };
}

async function viaStream(api, address, audio, sampleRate, chunkMs, partialResults) {
  const results = await recognizeAll(createRecognizeStream({ ...base(address, api, sampleRate, chunkMs), partialResults }), audio);
  if (!results.some((r) => r.final)) throw new Error(`${api}: no finals`);
}

function recognizeAll(stream, audio) {
  return new Promise((resolve, reject) => {
    const results = [];
    stream.on('data', (r) => results.push(r));
    stream.on('end', () => resolve(results));
    stream.on('error', reject);
    const piece = 64 * 1024;
    let at = 0;
    const pump = () => {
      while (at < audio.length) {
        const ok = stream.write(audio.subarray(at, at + piece));
        at += piece;
        if (!ok) return void stream.once('drain', pump);
      }
      stream.end();
    };
    pump();
  });
}

const protoDir = fileURLToPath(new URL('../proto/', import.meta.url));
const loaderOptions = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [protoDir] };
const raw = {
  v2: { file: 'yandex/cloud/ai/stt/v2/stt_service.proto', service: 'yandex.cloud.ai.stt.v2.SttService', method: 'StreamingRecognize' },
  v3: { file: 'yandex/cloud/ai/stt/v3/stt_service.proto', service: 'speechkit.stt.v3.Recognizer', method: 'RecognizeStreaming' },
};
const clients = {};

/** The same messages the stream sends, written by hand with backpressure and nothing else. */
function rawCall(api, address, audio, sampleRate, chunkMs, partials = false) {
  const spec = raw[api];
  if (!clients[api]) {
    const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(spec.file, loaderOptions));
    const Service = spec.service.split('.').reduce((o, k) => o[k], pkg);
    clients[api] = new Service(address, grpc.credentials.createInsecure());
  }
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${EMULATOR_IAM_TOKEN}`);
  const call = clients[api][spec.method](md);
  const first = api === 'v2'
    ? { config: { specification: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: sampleRate, partial_results: partials } } }
    : { session_options: { recognition_model: { audio_format: { raw_audio: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: sampleRate, audio_channel_count: 1 } } } } };
  const frameBytes = (sampleRate * 2 * chunkMs) / 1000;
  return new Promise((resolve, reject) => {
    call.on('data', () => {});
    call.on('error', reject);
    call.on('status', (s) => (s.code === 0 ? resolve() : reject(new Error(s.details))));
    call.write(first);
    let at = 0;
    const pump = () => {
      while (at < audio.length) {
        const data = audio.subarray(at, at + frameBytes);
        at += frameBytes;
        if (!call.write(api === 'v2' ? { audio_content: data } : { chunk: { data } })) return void call.once('drain', pump);
      }
      call.end();
    };
    pump();
  });
}

/** About `minutes` of dialled digits; `randomGaps: [min, max]` varies the pause after each utterance. */
function dialled(minutes, sampleRate, seed, { utteranceGapMs, randomGaps }) {
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
  const pieces = [];
  let bytes = 0;
  while (bytes < minutes * 60 * sampleRate * 2) {
    const digits = Array.from({ length: 1 + Math.floor(random() * 4) }, () => String(Math.floor(random() * 10))).join('');
    const trailMs = randomGaps ? randomGaps[0] + random() * (randomGaps[1] - randomGaps[0]) : utteranceGapMs;
    const pcm = dialledDigitsPcm([digits], { sampleRate, toneMs: 80, toneGapMs: 70, leadMs: 0, trailMs: Math.round(trailMs) });
    pieces.push(pcm);
    bytes += pcm.length;
  }
  return Buffer.concat(pieces);
}

/** Adds deterministic white noise of the given RMS (16-bit units). */
function addNoise(pcm, rms, seed) {
  const out = Buffer.from(pcm);
  let s = seed >>> 0;
  const amplitude = rms * Math.sqrt(3);
  for (let i = 0; i + 1 < out.length; i += 2) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const v = out.readInt16LE(i) + Math.round(((s / 4294967296) * 2 - 1) * amplitude);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i);
  }
  return out;
}

// Last, so that every declaration above is initialized.
await main();
