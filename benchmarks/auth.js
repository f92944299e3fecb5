// What authentication costs a stream, as ratios to a fixed IAM token measured in the same run.
// Run after `npm run build`: `node benchmarks/auth.js`. Medians of ROUNDS rounds of STREAMS
// sequential short streams each, against the emulator (in this process: it must serve IAM too;
// the ratios compare like with like).
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRecognizeStream } from '../dist/index.js';
import { createServiceAccountKey, dialledDigitsPcm, EMULATOR_IAM_TOKEN, startEmulator } from '../dist/emulator/index.js';
import { serviceAccountJwt } from '../dist/auth/jwt.js';
import { parseServiceAccountKey } from '../dist/auth/service-account-key.js';
import { median } from './lib.js';

const ROUNDS = 7;
const STREAMS = 15;
const audio = dialledDigitsPcm(['1'], { sampleRate: 8000, leadMs: 50, trailMs: 700 });

async function oneStream(emulator, auth) {
  const stream = createRecognizeStream({ endpoint: emulator.address, tls: false, auth, sampleRateHertz: 8000, pace: 0 });
  const started = performance.now();
  await pipeline(Readable.from([audio]), stream, async (results) => {
    for await (const _ of results);
  });
  return performance.now() - started;
}

/** Median ms per stream over one round, for auth made fresh per stream by `authFor`. */
async function round(emulator, authFor) {
  const times = [];
  for (let k = 0; k < STREAMS; k++) times.push(await oneStream(emulator, authFor(k)));
  return median(times);
}

const keys = Array.from({ length: ROUNDS * STREAMS + 1 }, () => createServiceAccountKey());
const emulator = await startEmulator({ iam: { keys } });
const iamEndpoint = emulator.iam.endpoint;
try {
  const warmKey = keys[0];
  await oneStream(emulator, { iamToken: EMULATOR_IAM_TOKEN }); // channel and JIT warm-up
  await oneStream(emulator, { serviceAccountKey: warmKey, iamEndpoint });
  const rows = { static: [], warm: [], cold: [] };
  let next = 1;
  for (let r = 0; r < ROUNDS; r++) {
    rows.static.push(await round(emulator, () => ({ iamToken: EMULATOR_IAM_TOKEN })));
    rows.warm.push(await round(emulator, () => ({ serviceAccountKey: warmKey, iamEndpoint })));
    // A key never seen before: every stream pays for a JWT and an exchange.
    rows.cold.push(await round(emulator, () => ({ serviceAccountKey: keys[next++], iamEndpoint })));
  }
  const parsed = parseServiceAccountKey(warmKey);
  const signTimes = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let k = 0; k < 50; k++) serviceAccountJwt({ ...parsed, audience: iamEndpoint, nowS: Date.now() / 1000 });
    signTimes.push((performance.now() - t0) / 50);
  }
  const base = median(rows.static);
  console.log(`Per stream (${Math.round(audio.length / 16)} ms of audio, unpaced, one session), median of ${ROUNDS} rounds × ${STREAMS} streams:`);
  const row = (label, ms) => console.log(`  ${label.padEnd(52)} ${ms.toFixed(2).padStart(7)} ms  ${(ms / base).toFixed(2)}×`);
  row('fixed IAM token (baseline)', base);
  row('service-account key, token cached', median(rows.warm));
  row('service-account key, new key (JWT + exchange first)', median(rows.cold));
  console.log(`  PS256 JWT signing alone: ${median(signTimes).toFixed(2)} ms (${(median(signTimes) / base).toFixed(3)}× a stream)`);
  console.log(`  IAM exchanges made: ${emulator.iam.exchanges.length} (1 warm-up + ${ROUNDS * STREAMS} new keys expected)`);
} finally {
  await emulator.close();
}
