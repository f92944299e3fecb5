// The seams of an endless stream, measured at the emulator:
// - rollover gap: from the old session's last audio message to the new session's first;
// - recovery time: from a failed session's end to the next session's first audio message
//   (default retry settings, so it includes the first backoff: full jitter up to 250 ms).
// Medians of several runs.   node benchmarks/sessions.js [runs=3]
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRecognizeStream } from '../dist/index.js';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN } from '../dist/emulator/index.js';
import { fmt, median, startEmulatorProcess } from './lib.js';

const [runs = 3] = process.argv.slice(2).map(Number);
const RATE = 16000;
const PACE = 2;

function audioOf(seconds) {
  const pcm = dialledDigitsPcm(['12', '345', '6'], { sampleRate: RATE });
  const parts = [];
  for (let bytes = 0; bytes < seconds * RATE * 2; bytes += pcm.length) parts.push(pcm);
  return Buffer.concat(parts).subarray(0, seconds * RATE * 2);
}

async function recognize(address, audio, extra) {
  const stream = createRecognizeStream({ endpoint: address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, sampleRateHertz: RATE, pace: PACE, ...extra });
  await pipeline(Readable.from([audio]), stream, async (results) => {
    for await (const _ of results);
  });
}

/** Wall ms between consecutive sessions: last audio of one to first audio of the next. */
function seams(sessions, from) {
  const out = [];
  for (let i = 1; i < sessions.length; i++) {
    const prev = sessions[i - 1];
    const next = sessions[i];
    if (!next.messages.length) continue;
    const start = from === 'end' ? prev.endedAt : prev.startedAt + (prev.messages.at(-1)?.atMs ?? 0);
    out.push(next.startedAt + next.messages[0].atMs - start);
  }
  return out;
}

const limits = { maxAudioMs: 4_000 };
const rollover = await startEmulatorProcess({ limits });
const gaps = [];
for (let run = 0; run < runs; run++) {
  await rollover.reset();
  await recognize(rollover.address, audioOf(16), { sessionLimits: { maxAudioMs: 4_000 } });
  const g = seams(await rollover.sessions(), 'last-audio');
  gaps.push(median(g));
  console.log(`  run ${run + 1}: ${g.length} rollovers, gap median ${fmt(median(g))} ms, max ${fmt(Math.max(...g))} ms`);
}
await rollover.close();

const failing = await startEmulatorProcess();
const recoveries = [];
for (let run = 0; run < runs; run++) {
  await failing.reset();
  for (let session = 0; session < 4; session++) await failing.addFault({ session, action: 'fail', status: 'UNAVAILABLE', afterAudioMs: 2_500 });
  await recognize(failing.address, audioOf(12), {});
  const sessions = await failing.sessions();
  const r = seams(sessions, 'end');
  recoveries.push(median(r));
  console.log(`  run ${run + 1}: ${sessions.filter((s) => s.status === 'UNAVAILABLE').length} injected failures, recovery median ${fmt(median(r))} ms`);
}
await failing.close();

console.log('\nmedians');
console.log(`  rollover gap (old session's last audio → new session's first audio): ${fmt(median(gaps))} ms`);
console.log(`  recovery time (failed session's end → next session's first audio, incl. backoff): ${fmt(median(recoveries))} ms`);
