// npm run test:outage [-- --streams 1000 --refuse 10 --down-ms 0 --max-total-ms 10000]
//
// A mass outage at scale: 1,000 concurrent 16 kHz streams (paced at real time, dialled digits)
// through the process-wide session-start limiter (40 starts a second), against the emulator in a
// process of its own. Once every stream has a healthy session the emulator is closed (every
// session fails with UNAVAILABLE in the same instant) and a new one takes the same port, refusing
// a few of its first sessions (`--refuse`) as a service still finding its feet would: those
// streams retry a second time, from the back of a start queue up to 25 s long. The streams' retry
// budget (`--max-total-ms`, 10 s) is shorter than that queue: queued time must not count against it.
//
// Checks, and exits non-zero if any fails: every stream gets exactly its own digits (none lost,
// none repeated); each one recovers in one episode (retries numbered 1, 2, …) with exactly one new
// session per retry; no extra attempt beyond the refusals; at most 40 session starts in any second
// as the emulator saw them. Prints the time from the outage to each stream's first final from its
// new session (its recovered session healthy), and its distribution.
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startEmulatorProcess } from './lib.js';
// Internal: the library's own transport, wrapped only to note when each call opens.
import { createGrpcTransport } from '../dist/transport/grpc-transport.js';
import { distribution, mostInAnyWindow, runMassOutage } from './lib/mass-outage.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    refuse: { type: 'string', default: '10' },
    'down-ms': { type: 'string', default: '0' },
    'max-total-ms': { type: 'string', default: '10000' },
    'after-outage-ms': { type: 'string', default: '10000' },
    verbose: { type: 'boolean', default: false },
  },
});
const streams = Number(values.streams);
const refuse = Number(values.refuse);
const downMs = Number(values['down-ms']);
const QUOTA = 40;

// The new emulator refuses sessions spread evenly over its first `streams` starts.
const refusals = Array.from({ length: refuse }, (_, k) => ({ action: 'refuse', status: 'UNAVAILABLE', session: Math.floor(((k + 0.5) * streams) / refuse) }));
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const dist = (d) => `p50 ${s(d.p50)}, p90 ${s(d.p90)}, p99 ${s(d.p99)}, max ${s(d.max)} (min ${s(d.min)}, n ${d.count})`;

console.log(`mass outage: ${streams} streams of 16 kHz PCM at real time, default start limiter (${QUOTA}/s), retry.maxTotalMs ${values['max-total-ms']}; ` +
  `after the outage the service is down ${downMs} ms and refuses ${refuse} of its first sessions; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const emulator = await startEmulatorProcess({ recordAudio: false });
// Event-loop delay of both processes, every 5 s: on a shared machine, what was slow.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const lags = { client: [], emulator: [] };
let lastCpu = { client: process.cpuUsage(), emulator: undefined, at: performance.now() };
const sampler = setInterval(async () => {
  const e = await emulator.lag(true);
  const now = performance.now();
  const client = process.cpuUsage();
  const cores = (a, b) => (b && a ? (a.user + a.system - b.user - b.system) / 1000 / (now - lastCpu.at) : NaN);
  lags.client.push(loop.max / 1e6);
  lags.emulator.push(e.max);
  if (values.verbose) {
    console.log(`    event-loop delay p99/max: client ${(loop.percentile(99) / 1e6).toFixed(0)}/${(loop.max / 1e6).toFixed(0)} ms, ` +
      `emulator ${e.p99.toFixed(0)}/${e.max.toFixed(0)} ms; cores client ${cores(client, lastCpu.client).toFixed(2)}, emulator ${cores(e.cpu, lastCpu.emulator).toFixed(2)}; load ${loadavg()[0].toFixed(1)}`);
  }
  lastCpu = { client, emulator: e.cpu, at: now };
  loop.reset();
}, 5_000);
let result;
let starts;
try {
  result = await runMassOutage({
    address: emulator.address,
    streams,
    retry: { maxTotalMs: Number(values['max-total-ms']) },
    afterOutageMs: Number(values['after-outage-ms']),
    outage: () => emulator.outage({ downMs, faults: refusals }),
    createTransport: createGrpcTransport,
    log: (line) => console.log(`  ${line}`),
  });
  starts = await emulator.starts();
} finally {
  clearInterval(sampler);
  await emulator.close();
}

const { problems } = result;
const after = starts.slice(result.sessionsBefore);
const refusedSeen = after.filter((x) => x.status === 'UNAVAILABLE').length;
// The limiter's promise, where it keeps it: when the calls were opened. The emulator's clock
// reading of a start also carries its own event-loop delay (hundreds of ms on a loaded machine),
// which can squeeze 41 evenly spaced starts into one of its seconds; over 10 s windows that delay
// cannot add a start, so the service-side check is the quota's rate over 10 s.
const opened = mostInAnyWindow(result.opens);
const mostAll = mostInAnyWindow(starts.map((x) => x.startedAt));
const mostAfter = mostInAnyWindow(after.map((x) => x.startedAt));
const most10 = mostInAnyWindow(starts.map((x) => x.startedAt), 10_000);
if (opened > QUOTA) problems.push(`${opened} sessions opened in one second (quota ${QUOTA})`);
if (most10 > 10 * QUOTA) problems.push(`${most10} session starts in 10 s as the emulator saw them (quota ${10 * QUOTA})`);
if (refusedSeen !== refuse) problems.push(`the emulator refused ${refusedSeen} sessions, ${refuse} planned`);
// Every session that reached the new service is one stream's recovery or a planned refusal: no
// stream had two sessions for one failure.
if (after.length !== streams + refusedSeen) problems.push(`${after.length} sessions reached the emulator after the outage; ${streams} streams + ${refusedSeen} refusals expected`);
if (result.reachedAfter !== after.length) problems.push(`the streams saw ${result.reachedAfter} sessions reach the service, the emulator ${after.length}`);
const afterStarts = distribution(after.map((x) => x.startedAt - result.downAt));

console.log(`  streams with exactly their own digits: ${result.exact}/${streams}; errors ${result.errors}`);
console.log(`  retries per stream after the outage: ${Object.entries(result.retriesPerStream).map(([k, n]) => `${k}: ${n} streams`).join(', ')}; ` +
  `${result.extraAttempts} beyond the first: ${refusedSeen} refused on purpose, ${result.unreachedAttempts} never reached the service (not connected yet)`);
console.log(`  sessions the emulator saw: ${starts.length} (${after.length} after the outage, ${refusedSeen} of them refused on purpose)`);
console.log(`  most session starts in any 1 s window: ${opened} as the streams opened them; as the emulator saw them ${mostAll} (${mostAfter} after the outage), ` +
  `and ${most10} in any 10 s (quota ${QUOTA}/s)`);
console.log(`  new sessions reached the emulator after the outage: ${dist(afterStarts)}`);
console.log(`  outage → stream's new session open (headers): ${dist(result.reopened)}`);
console.log(`  outage → first final from the new session (recovered, healthy): ${dist(result.recovered)}`);
console.log(`  worst event-loop delay in any 5 s: client ${Math.max(...lags.client).toFixed(0)} ms, emulator ${Math.max(...lags.emulator).toFixed(0)} ms`);
console.log(`  time to full recovery (last stream healthy): ${s(result.recovered.max)}; run took ${s(result.wallMs)}`);
const kinds = {};
for (const p of problems) {
  const kind = p.replace(/^stream \d+: /, '').replace(/ \(.*|: .*| from final.*/, '');
  kinds[kind] = (kinds[kind] ?? 0) + 1;
}
if (problems.length) console.log(`  problems by kind: ${Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}× ${k}`).join('; ')}`);
for (const p of problems.slice(0, 30)) console.log(`  FAIL ${p}`);
if (problems.length > 30) console.log(`  … and ${problems.length - 30} more`);
console.log(problems.length === 0 ? 'mass outage: OK' : `mass outage: ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
