// PCM vs in-process Opus: bytes sent and client CPU per second of audio, and the encoder's own cost.
// Run: npm run bench:opus (builds first). Figures are medians of RUNS runs; CPU is a ratio to plain
// PCM measured in the same run, on the same audio, against an emulator in a separate process.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createRecognizeStream, decodeAudio, encodeOggOpus } from '../dist/index.js';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN, startEmulator } from '../dist/emulator/index.js';

const RUNS = Number(process.env.RUNS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 60);
const RATES = [8000, 16000, 48000];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

const TEXT =
  'Good afternoon, thank you for calling. My account number is four five one two, and I would like to ' +
  'check the balance and the last three payments. The card ends in seven seven zero one. Could you also ' +
  'tell me when the next statement is due, and whether the transfer from Monday has arrived? ';

/** Speech (espeak-ng, resampled by decodeAudio) when the tools are there, else dialled digits. */
async function audio(rate) {
  const wav = join(tmpdir(), `speechkit-bench-${process.pid}.wav`);
  const espeak = spawnSync('espeak-ng', ['-v', 'en-us', '-s', '165', '-w', wav, TEXT.repeat(Math.ceil(SECONDS / 15))]);
  if (espeak.error === undefined && espeak.status === 0) {
    try {
      const pcm = await buffer(decodeAudio(wav, { sampleRateHertz: rate }));
      return { kind: 'speech (espeak-ng)', pcm: pcm.subarray(0, Math.min(pcm.length, SECONDS * rate * 2)) };
    } catch {
      // no ffmpeg: fall through
    } finally {
      rmSync(wav, { force: true });
    }
  }
  const utterances = [];
  for (let i = 0; utterances.join('').length * 0.3 < SECONDS; i++) utterances.push(String((i * 7919) % 10000));
  const pcm = dialledDigitsPcm(utterances, { sampleRate: rate });
  return { kind: 'dialled digits (install espeak-ng and ffmpeg for speech)', pcm: pcm.subarray(0, Math.min(pcm.length, SECONDS * rate * 2)) };
}

async function recognize(endpoint, pcm, rate, encode) {
  const stream = createRecognizeStream({
    endpoint, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, pace: 0, sampleRateHertz: rate,
    ...(encode && { encode: 'opus' }),
  });
  const pieces = [];
  for (let at = 0; at < pcm.length; at += 8192) pieces.push(pcm.subarray(at, at + 8192));
  await pipeline(Readable.from(pieces), stream, async (results) => {
    for await (const _ of results);
  });
}

/** Bytes each way sends, from an in-process emulator's record of the session. */
async function bytesSent(pcm, rate) {
  const emulator = await startEmulator();
  try {
    await recognize(emulator.address, pcm, rate, false);
    await recognize(emulator.address, pcm, rate, true);
    const [plain, opus] = emulator.sessions.map((s) => s.audio.length);
    return { plain, opus };
  } finally {
    await emulator.close();
  }
}

async function childEmulator() {
  const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  for await (const chunk of child.stdout) {
    text += chunk;
    const match = /listening on (\S+)/.exec(text);
    if (match) return { address: match[1], stop: async () => { child.kill('SIGINT'); await once(child, 'exit'); } };
  }
  throw new Error('the emulator did not start');
}

function encoderCost(pcm, rate, complexity) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const since = process.cpuUsage();
    encodeOggOpus(pcm, { sampleRateHertz: rate, complexity });
    runs.push(cpuMs(since));
  }
  return median(runs) / (pcm.length / 2 / rate);
}

const emulator = await childEmulator();
try {
  console.log(`Median of ${RUNS} runs; CPU is the client process's (the emulator runs in its own), in ms per second of audio.\n`);
  console.log('rate      PCM bytes  Opus bytes  Opus/PCM  PCM cpu ms/s  Opus cpu ms/s  Opus/PCM cpu  encoder ms/s (c5)  encoder ms/s (c10)  audio');
  for (const rate of RATES) {
    const { kind, pcm } = await audio(rate);
    const seconds = pcm.length / 2 / rate;
    const { plain, opus } = await bytesSent(pcm, rate);
    await recognize(emulator.address, pcm, rate, true); // warm-up: JIT and WebAssembly compilation
    const plainCpu = [];
    const opusCpu = [];
    for (let i = 0; i < RUNS; i++) {
      let since = process.cpuUsage();
      await recognize(emulator.address, pcm, rate, false);
      plainCpu.push(cpuMs(since) / seconds);
      since = process.cpuUsage();
      await recognize(emulator.address, pcm, rate, true);
      opusCpu.push(cpuMs(since) / seconds);
    }
    const p = median(plainCpu);
    const o = median(opusCpu);
    console.log(
      `${String(rate).padEnd(8)}  ${String(plain).padStart(9)}  ${String(opus).padStart(10)}  ${(opus / plain).toFixed(3).padStart(8)}  ` +
        `${p.toFixed(2).padStart(12)}  ${o.toFixed(2).padStart(13)}  ${(o / p).toFixed(2).padStart(12)}  ` +
        `${encoderCost(pcm, rate, 5).toFixed(2).padStart(17)}  ${encoderCost(pcm, rate, 10).toFixed(2).padStart(18)}  ${seconds.toFixed(0)} s of ${kind}`,
    );
  }
} finally {
  await emulator.stop();
}
