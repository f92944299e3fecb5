// npm run bench:fleet [-- --processes 4 --streams 250 --per-second 100 --runs 3 --margin-ms 50]
//
// A fleet sharing one session-start quota through Redis (speechkit-stream/redis): N client
// processes, each with its own limiter on one redis-server, start all their streams at once
// against one emulator (a process of its own). Per run: the most session starts in any second as
// the emulator saw them (to within its own event-loop delay, see lib/fleet-emulator.js; and as
// it stamped them, and as the processes opened them), how long streams waited for their
// start slot (p50 / p99: the queue, 1 / perSecond per start ahead), and what a start costs in Redis:
// script calls per start (the reservation, plus any taken again after a late wake-up, and clock
// probes) and the round trip of a reservation as the limiter saw it (p50 / p99). Prints one table
// of medians over the runs. Needs redis-server (Debian: apt-get install redis-server).
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createRedisStartLimiter } from 'speechkit-stream/redis';
import { median, percentile } from './lib.js';
import { redisServerInstalled, startRedisServer } from './lib/redis-server.js';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '4' },
    streams: { type: 'string', default: '250' },
    'per-second': { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    'margin-ms': { type: 'string', default: '50' },
  },
});
const processes = Number(values.processes);
const streams = Number(values.streams);
const perSecond = Number(values['per-second']);
const runs = Number(values.runs);
const marginMs = Number(values['margin-ms']);

if (!redisServerInstalled()) {
  console.error('bench:fleet needs redis-server (Debian: apt-get install redis-server)');
  process.exit(1);
}

function mostInAnyWindow(times, windowMs = 1000) {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** The most starts surely inside one window, each known only to lie in [earliest, at] (see lib/fleet-emulator.js). */
function mostSurelyInAnyWindow(starts, windowMs = 1000) {
  let most = 0;
  for (const { earliest: from } of starts) {
    let inside = 0;
    for (const s of starts) if (s.earliest >= from && s.at < from + windowMs) inside++;
    most = Math.max(most, inside);
  }
  return most;
}

function forkChild(script, args) {
  const child = fork(new URL(script, import.meta.url), [JSON.stringify(args)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages = [];
  const waiters = [];
  child.on('message', (m) => {
    messages.push(m);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = (type) =>
    new Promise((resolve, reject) => {
      const look = () => {
        const found = messages.find((m) => m.type === type);
        if (found) return resolve(found);
        if (child.exitCode !== null) return reject(new Error(`${script} exited before '${type}'`));
        waiters.push(look);
      };
      child.once('exit', () => waiters.splice(0).forEach((wake) => wake()));
      look();
    });
  const ask = (type) => {
    messages.length = 0;
    child.send({ type });
    return next(type);
  };
  return { child, next, ask };
}

async function run() {
  const redis = await startRedisServer();
  const emulator = forkChild('./lib/fleet-emulator.js', {});
  try {
    const { address } = await emulator.next('ready');
    const clients = Array.from({ length: processes }, (_, id) => forkChild('./lib/fleet-client.js', { id: id + 1, redisUrl: redis.url, address, streams, perSecond, marginMs }));
    await Promise.all(clients.map((c) => c.next('ready')));
    await emulator.ask('reset');
    for (const c of clients) c.child.send('go');
    const done = await Promise.all(clients.map((c) => c.next('done')));
    const seenStarts = await emulator.ask('starts');
    const starts = seenStarts.starts.map((s) => s.at);
    const waits = done.flatMap((d) => d.waits);
    const reserves = done.flatMap((d) => d.scriptCalls.filter((c) => c.op === 'reserve').map((c) => c.ms));
    const calls = done.reduce((n, d) => n + d.scriptCalls.length, 0);
    return {
      streams: waits.length,
      exact: done.reduce((n, d) => n + d.exact, 0),
      errors: done.reduce((n, d) => n + d.errors, 0),
      fallbacks: done.reduce((n, d) => n + d.fallbacks, 0),
      seen: mostSurelyInAnyWindow(seenStarts.starts),
      stamped: mostInAnyWindow(starts),
      emulatorLagMax: seenStarts.lagMaxMs,
      opened: mostInAnyWindow(done.flatMap((d) => d.opens)),
      spanS: (Math.max(...starts) - Math.min(...starts)) / 1000,
      waitP50: percentile(waits, 50),
      waitP99: percentile(waits, 99),
      callsPerStart: calls / starts.length,
      rttP50: percentile(reserves, 50),
      rttP99: percentile(reserves, 99),
    };
  } finally {
    emulator.child.send({ type: 'close' });
    await new Promise((resolve) => emulator.child.once('exit', resolve));
    await redis.stop();
  }
}

/** What one start costs in Redis with nobody else asking: `count` starts one after another, each reservation timed. */
async function idleCost(count = 500) {
  const redis = await startRedisServer();
  const client = new Redis(redis.url);
  try {
    const rtts = [];
    const timed = {
      async call(command, args) {
        const t0 = performance.now();
        try {
          return await client.call(command, args);
        } finally {
          if (command.startsWith('EVAL') && args[4] === 'reserve') rtts.push(performance.now() - t0);
        }
      },
    };
    const limiter = createRedisStartLimiter({ redis: timed, perSecond: 100_000, key: 'bench-idle' });
    for (let i = 0; i < count; i++) await new Promise((resolve) => limiter.acquire(resolve));
    await limiter.close();
    return { p50: percentile(rtts, 50), p99: percentile(rtts, 99) };
  } finally {
    client.disconnect();
    await redis.stop();
  }
}

console.log(`fleet: ${processes} processes × ${streams} streams started at once, quota ${perSecond}/s, margin ${marginMs} ms, ${runs} runs; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const results = [];
for (let r = 0; r < runs; r++) {
  const result = await run();
  results.push(result);
  console.log(`  run ${r + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, Number.isInteger(v) ? v : Number(v.toFixed(2))])))}`);
}
const idle = [];
for (let r = 0; r < runs; r++) idle.push(await idleCost());
const m = (key) => median(results.map((r) => r[key]));
const rows = [
  ['streams with exactly their own digits', `${m('exact')} / ${m('streams')} (errors ${m('errors')}, fallbacks ${m('fallbacks')})`],
  ['most starts in any second, as the emulator saw them', `${m('seen')} (quota ${perSecond})`],
  ['... as it stamped them (its event loop held up to the max)', `${m('stamped')} (${m('emulatorLagMax').toFixed(0)} ms)`],
  ['most starts in any second, as the processes opened them', `${m('opened')}`],
  ['all starts took', `${m('spanS').toFixed(1)} s (${((processes * streams) / perSecond).toFixed(1)} s at the quota)`],
  ['start-slot wait, p50 / p99', `${(m('waitP50') / 1000).toFixed(2)} s / ${(m('waitP99') / 1000).toFixed(2)} s`],
  ['Redis script calls per start', m('callsPerStart').toFixed(2)],
  ['reservation round trip in the burst, p50 / p99', `${m('rttP50').toFixed(2)} ms / ${m('rttP99').toFixed(2)} ms`],
  ['reservation round trip alone (one at a time), p50 / p99', `${median(idle.map((i) => i.p50)).toFixed(3)} ms / ${median(idle.map((i) => i.p99)).toFixed(3)} ms`],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`\n| ${'median of runs'.padEnd(width)} | |\n|${'-'.repeat(width + 2)}|---|`);
for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
