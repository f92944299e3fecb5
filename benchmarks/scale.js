// npm run bench:scale [-- --streams 1000 --runs 3 --seconds 15 --skip-start-rate]
//
// A media server's load in one process: 1,000 concurrent real-time 16 kHz streams through
// createRecognizeStream(), against the emulator in a process of its own. Each run forks a fresh
// client process per variant (the library, and a raw @grpc/grpc-js baseline sending the same
// messages with one timer per stream), alternating their order; figures are medians over the runs.
// Then 1,000 streams start within a second through the default session-start limiter, with short
// session limits, to check the start rate and that no audio is lost. Last, the library's own work
// per frame on fake time (no gRPC): a figure that hardly moves with the machine's load.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { median, startEmulatorProcess } from './lib.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    /** How audio reaches the library: 'live' (arrives every --write-ms, as from a media server) or 'file' (written ahead, paced by the library). */
    mode: { type: 'string', default: 'live' },
    'write-ms': { type: 'string', default: '100' },
    profile: { type: 'string' },
    'skip-pacing': { type: 'boolean', default: false },
    'skip-start-rate': { type: 'boolean', default: false },
    'skip-frame-cost': { type: 'boolean', default: false },
    'start-streams': { type: 'string' },
    'audio-seconds': { type: 'string', default: '100' },
  },
});
const streams = Number(values.streams);
const runs = Number(values.runs);
const lib = new URL('./lib/', import.meta.url);

/** CPU seconds a process has used so far (Linux /proc; undefined elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function runClient(script, args, execArgv = ['--expose-gc', ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)]) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(script, lib), [JSON.stringify(args)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.once('message', (message) => (result = message));
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`${script} exited with ${code}`))));
  });
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (x) => `${x.toFixed(1)} ms`;

async function pacing() {
  const emulator = await startEmulatorProcess({ recordAudio: false });
  const results = { raw: [], library: [] };
  const emulatorCores = [];
  const measureMs = Number(values.seconds) * 1000;
  const how = values.mode === 'file' ? 'written ahead as from a file, paced by the library' : `arriving live every ${values['write-ms']} ms`;
  console.log(`pacing: ${streams} streams × ${runs} runs, ${values.seconds} s measured each, audio ${how}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? ['raw', 'library'] : ['library', 'raw'];
      for (const variant of order) {
        const fromIndex = await emulator.count();
        const cpu0 = cpuSeconds(emulator.pid);
        const t0 = performance.now();
        const result = await runClient('scale-client.js', {
          variant, address: emulator.address, streams, measureMs,
          live: values.mode !== 'file',
          writeMs: Number(values['write-ms']),
          ...(values.profile && { profile: `${values.profile}-${variant}-${run}.cpuprofile` }),
        });
        const cpu1 = cpuSeconds(emulator.pid);
        if (cpu0 !== undefined) emulatorCores.push((cpu1 - cpu0) / ((performance.now() - t0) / 1000));
        // The same figure as the service sees it: arrival times at the emulator, over the same window.
        const k0 = Math.ceil((1000 + 3000) / 100);
        const arrivals = await emulator.arrivals({ fromIndex, k0, k1: k0 + measureMs / 100, chunkMs: 100 });
        result.arrivalP50 = arrivals.p50;
        result.arrivalP99 = arrivals.p99;
        results[variant].push(result);
        console.log(`  run ${run + 1} ${variant.padEnd(7)} cpu ${result.cpuCores.toFixed(3)} cores, send error p50 ${ms(result.p50)} p99 ${ms(result.p99)} max ${ms(result.max)}, ` +
          `at the emulator p50 ${ms(result.arrivalP50)} p99 ${ms(result.arrivalP99)}, event loop delay p99 ${ms(result.loopDelayP99)}, ` +
          `${result.messages}/${result.expectedMessages} messages${result.refusedWrites ? ` (${result.refusedWrites} held back by gRPC flow control)` : ''}, heap ${kib(result.heapPerStream)} + buffers ${kib(result.externalPerStream)} per stream (audio ${kib(result.audioHeldPerStream)})`);
      }
    }
  } finally {
    await emulator.close();
  }
  const m = (variant, key) => median(results[variant].map((r) => r[key]));
  const ratio = median(results.library.map((r, i) => r.cpuCores / results.raw[i].cpuCores));
  const beyondAudio = median(results.library.map((r) => r.heapPerStream + r.externalPerStream - r.audioHeldPerStream));
  const rawPerStream = median(results.raw.map((r) => r.heapPerStream + r.externalPerStream));
  console.log('\nmedians');
  console.log(`  client CPU      library ${m('library', 'cpuCores').toFixed(3)} cores, raw grpc-js ${m('raw', 'cpuCores').toFixed(3)} cores, ratio ${ratio.toFixed(2)} (target ≤ 1.10)`);
  console.log(`  send error p99  library ${ms(m('library', 'p99'))}, raw ${ms(m('raw', 'p99'))} (target ≤ 20 ms); p50 ${ms(m('library', 'p50'))} / ${ms(m('raw', 'p50'))}`);
  console.log(`  at the emulator p99 library ${ms(m('library', 'arrivalP99'))}, raw ${ms(m('raw', 'arrivalP99'))}; p50 ${ms(m('library', 'arrivalP50'))} / ${ms(m('raw', 'arrivalP50'))}`);
  console.log(`  memory/stream   library ${kib(m('library', 'heapPerStream') + m('library', 'externalPerStream'))}, of it audio ${kib(m('library', 'audioHeldPerStream'))}, beyond the audio ${kib(beyondAudio)} (goal ≤ 64 KiB); raw ${kib(rawPerStream)}`);
  if (emulatorCores.length) console.log(`  emulator        ${median(emulatorCores).toFixed(2)} cores (its own process)`);
  return { ratio, p99: m('library', 'p99'), beyondAudio };
}

async function startRate() {
  const startStreams = Number(values['start-streams'] ?? streams);
  const limits = { maxAudioMs: 45_000 };
  const emulator = await startEmulatorProcess({ limits, recordAudio: false });
  console.log(`\nstart rate: ${startStreams} µ-law 8 kHz streams started within 1 s, ${values['audio-seconds']} s of dialled digits each, session limit ${limits.maxAudioMs / 1000} s, default limiter`);
  try {
    const result = await runClient('start-rate-client.js', {
      address: emulator.address, streams: startStreams, limits, audioSeconds: Number(values['audio-seconds']),
    }, []);
    const sessions = await emulator.starts();
    const starts = sessions.map((s) => s.startedAt).sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i] - starts[j] >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    const statuses = {};
    for (const s of sessions) statuses[s.status ?? 'running'] = (statuses[s.status ?? 'running'] ?? 0) + 1;
    console.log(`  sessions ${sessions.length} (${Object.entries(statuses).map(([k, v]) => `${k} ${v}`).join(', ')}), rollovers ${result.rollovers}, retries ${result.retries}`);
    console.log(`  most session starts in any 1 s window: ${result.mostOpens} as the client opened them, ${most} as the emulator saw them (its own event-loop lag included); quota 40`);
    console.log(`  streams with exactly their own digits: ${result.exact}/${startStreams}; errors ${result.errors}`);
    console.log(`  first session opened after: median ${ms(result.firstSessionP50)}, max ${ms(result.firstSessionMax)}`);
    console.log(`  worst lateness of new audio after a stream's first message (rollover waits included): ${ms(result.worstLateness)}`);
    console.log(`  took ${(result.wallMs / 1000).toFixed(1)} s`);
    return { mostOpened: result.mostOpens, mostSeen: most, exact: result.exact === startStreams };
  } finally {
    await emulator.close();
  }
}

async function frameCost() {
  const costs = [];
  for (let run = 0; run < runs; run++) costs.push((await runClient('frame-cost.js', { streams, seconds: 20 }, [])).usPerFrame);
  console.log(`\nlibrary work per 100 ms frame, on fake time with no gRPC (${streams} streams): median ${median(costs).toFixed(2)} µs CPU (runs: ${costs.map((c) => c.toFixed(2)).join(', ')})`);
  return { usPerFrame: median(costs) };
}

const summary = {};
if (!values['skip-pacing']) summary.pacing = await pacing();
if (!values['skip-start-rate']) summary.startRate = await startRate();
if (!values['skip-frame-cost']) summary.frameCost = await frameCost();
console.log(`\n${JSON.stringify(summary)}`);
