// PCM vs in-process Opus (`encode: 'opus'`): bytes sent, client CPU per second of audio, and the
// encoder's own cost. Run: npm run bench:opus [runs] [seconds]. Medians of `runs` runs; client CPU is
// given as a ratio to plain PCM measured in the same run on the same audio, against an emulator in a
// process of its own.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { createRecognizeStream, decodeAudio, encodeOggOpus } from '../dist/index.js';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN } from '../dist/emulator/index.js';
import { fmt, measureCpu, median, startEmulatorProcess } from './lib.js';

const RUNS = Number(process.argv[2] ?? 5);
const SECONDS = Number(process.argv[3] ?? 60);
const RATES = [8000, 16000, 48000];

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
      // No ffmpeg: dialled digits below.
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
    // Speech gets few finals from the emulator; a replay bound above the sample keeps pace 0 from
    // slowing to real time (the stream does that once unconfirmed audio reaches the bound).
    maxReplayMs: 120_000,
    ...(encode && { encode: 'opus' }),
  });
  const pieces = [];
  for (let at = 0; at < pcm.length; at += 8192) pieces.push(pcm.subarray(at, at + 8192));
  await pipeline(Readable.from(pieces), stream, async (results) => {
    for await (const _ of results);
  });
}

/** Audio bytes the emulator received in the sessions of one run. */
async function bytesOf(emulator, run) {
  await emulator.reset();
  await run();
  return (await emulator.sessions()).reduce((sum, s) => sum + s.messages.reduce((n, m) => n + m.bytes, 0), 0);
}

function encoderMsPerSecond(pcm, rate, complexity) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const before = process.cpuUsage();
    encodeOggOpus(pcm, { sampleRateHertz: rate, complexity });
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / 1000);
  }
  return median(runs) / (pcm.length / 2 / rate);
}

const emulator = await startEmulatorProcess();
try {
  console.log(`Medians of ${RUNS} runs; CPU is the client process's (the emulator runs in its own), in ms per second of audio.\n`);
  console.log('rate   PCM bytes  Opus bytes  Opus/PCM  PCM cpu  Opus cpu  Opus/PCM cpu  encoder c5  encoder c10  audio');
  for (const rate of RATES) {
    const { kind, pcm } = await audio(rate);
    const seconds = pcm.length / 2 / rate;
    const plainBytes = await bytesOf(emulator, () => recognize(emulator.address, pcm, rate, false));
    const opusBytes = await bytesOf(emulator, () => recognize(emulator.address, pcm, rate, true));
    const plainCpu = [];
    const opusCpu = [];
    for (let i = 0; i < RUNS; i++) {
      plainCpu.push((await measureCpu(() => recognize(emulator.address, pcm, rate, false)))[1] / seconds);
      opusCpu.push((await measureCpu(() => recognize(emulator.address, pcm, rate, true)))[1] / seconds);
      await emulator.reset();
    }
    const p = median(plainCpu);
    const o = median(opusCpu);
    console.log(
      `${String(rate).padEnd(5)}  ${String(plainBytes).padStart(9)}  ${String(opusBytes).padStart(10)}  ${fmt(opusBytes / plainBytes, 3).padStart(8)}  ` +
        `${fmt(p).padStart(7)}  ${fmt(o).padStart(8)}  ${fmt(o / p).padStart(12)}  ` +
        `${fmt(encoderMsPerSecond(pcm, rate, 5)).padStart(10)}  ${fmt(encoderMsPerSecond(pcm, rate, 10)).padStart(11)}  ${fmt(seconds, 0)} s of ${kind}`,
    );
  }
} finally {
  await emulator.close();
}
