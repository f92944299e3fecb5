// npm run bench:scale [-- --full] [-- --runs 3 --cells file-random-500,...]
//
// By default a quick matrix (a few minutes): streams of 8 s of 16 kHz audio starting at random
// moments within one second, through the library and through a raw @grpc/grpc-js baseline (one
// setTimeout per message, or unpaced as fast as flow control allows; the same messages on as many
// connections), alternating their order run by run: 100 unpaced streams written as a file, 500
// paced file and live streams; then 100 live streams with one more stream handed a 200 MB write,
// against the same run without it; then 1,000 idle streams' memory. `--full` runs the whole matrix
// (file and live, random and aligned starts, 100 unpaced, 500 and 1,000 paced) and everything below.
// `--cells a,b` runs only those cells (add `big-write` or `idle` to the list for those two runs).
//
// Below (with --full, or --legacy): a media server's load in one process: 1,000 concurrent real-time 16 kHz streams through
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
    full: { type: 'boolean', default: false },
    legacy: { type: 'boolean', default: false },
    cells: { type: 'string' },
    'big-write-mb': { type: 'string', default: '200' },
    'idle-streams': { type: 'string', default: '1000' },
    /** The library's stallTimeoutMs in the matrix (default: its own, 5 s); lower it to see a stall check under load. */
    'stall-timeout-ms': { type: 'string' },
    /** Audio per stream in the matrix, ms. */
    'audio-ms': { type: 'string', default: '8000' },
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
const ms = (x) => (x === undefined || x === null || Number.isNaN(x) ? "–" : `${x.toFixed(1)} ms`);

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

/** The cells of the matrix: how audio reaches the stream, how streams start, how many, paced or not. */
function cells() {
  const all = [];
  for (const starts of ['random', 'aligned']) {
    // Unpaced audio has no schedule to arrive on: only a file can be sent unpaced.
    all.push({ id: `file-${starts}-100-unpaced`, mode: 'file', starts, streams: 100, pace: 0 });
    for (const mode of ['file', 'live']) for (const n of [500, 1000]) all.push({ id: `${mode}-${starts}-${n}`, mode, starts, streams: n, pace: 1 });
  }
  const quick = ['file-random-100-unpaced', 'file-random-500', 'live-random-500'];
  const chosen = values.cells ? values.cells.split(',') : values.full ? all.map((c) => c.id) : quick;
  return all.filter((c) => chosen.includes(c.id));
}

const pct = (x) => (x === undefined ? '–' : x.toFixed(2));

async function burstRuns(cell, variants, extra = {}) {
  const emulator = await startEmulatorProcess({ recordAudio: false });
  const results = Object.fromEntries(variants.map((v) => [v, []]));
  try {
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const fromIndex = await emulator.count();
        const result = await runClient('scale-client.js', {
          shape: 'burst', variant: variant.startsWith('library') ? 'library' : 'raw', address: emulator.address,
          streams: cell.streams, audioMs: Number(values['audio-ms']), starts: cell.starts, startSpreadMs: 1000, pace: cell.pace, live: cell.mode === 'live',
          ...(variant === 'library+big' && { bigWriteBytes: Number(values['big-write-mb']) * 1024 * 1024 }),
          ...(values.profile && { profile: `${values.profile}-${cell.id}-${variant}-${run}.cpuprofile` }),
          ...(values['stall-timeout-ms'] && { options: { stallTimeoutMs: Number(values['stall-timeout-ms']) } }),
          ...extra,
        });
        // Lateness as the service sees it: each session's arrivals against its own real-time schedule.
        // Audio messages only (k < 80): after the audio the library may send end-of-stream silence, which has no schedule.
        const arrivals = await emulator.arrivals({ fromIndex, k0: 0, k1: Number(values['audio-ms']) / 100, chunkMs: 100, whole: true });
        // The same after each session's first 2 s: what is left once its start is behind it.
        const steady = await emulator.arrivals({ fromIndex, k0: 20, k1: Number(values['audio-ms']) / 100, chunkMs: 100, whole: true });
        Object.assign(result, { sessions: arrivals.sessions, tailSessions: arrivals.skipped, lateP50: arrivals.p50, lateP99: arrivals.p99, lateMax: arrivals.max, steadyP99: steady.p99 });
        results[variant].push(result);
        console.log(`  ${cell.id} run ${run + 1} ${variant.padEnd(11)} cpu ${result.cpuSeconds.toFixed(2)} s (main thread ${result.mainThreadSeconds.toFixed(2)} s), lateness p50 ${ms(result.lateP50)} p99 ${ms(result.lateP99)} max ${ms(result.lateMax)} (p99 after 2 s ${ms(result.steadyP99)}; ${result.sessions} sessions${result.tailSessions ? `, ${result.tailSessions} shorter ones left out` : ''}), ` +
          `${result.sessions + result.tailSessions} sessions for ${cell.streams + (variant === 'library+big' ? 1 : 0)} streams${Object.keys(result.retries ?? {}).length ? ` (retries ${Object.entries(result.retries).map(([k, v]) => `${k.replace('SPEECHKIT_ERR_', '')} ${v}`).join(', ')})` : ''}, ` +
          `event loop p99 ${ms(result.loopDelayP99)} max ${ms(result.loopDelayMax)}, memory ${kib(result.memoryPerStream ?? 0)}/stream, ${(result.wallMs / 1000).toFixed(1)} s` +
          `${result.unfinished ? `, ${result.unfinished} streams unfinished` : ''}${result.bigWriteMs !== undefined ? `, the big write took ${ms(result.bigWriteMs)}` : ''}`);
      }
    }
  } finally {
    await emulator.close();
  }
  return results;
}

async function matrix() {
  const rows = [];
  console.log(`matrix: ${runs} alternating runs per cell, ${Number(values['audio-ms']) / 1000} s of 16 kHz audio per stream, chunkMs 100; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const cell of cells()) {
    const r = await burstRuns(cell, ['raw', 'library']);
    const m = (v, key) => median(r[v].map((x) => x[key]));
    // Ratios run by run (the library against the raw client of the same run), then their median.
    const ratio = (key) => median(r.library.map((x, i) => x[key] / r.raw[i][key]));
    rows.push({
      cell: cell.id, cpuRatio: ratio('cpuSeconds'), cpuLib: m('library', 'cpuSeconds'), cpuRaw: m('raw', 'cpuSeconds'),
      p50: [m('library', 'lateP50'), m('raw', 'lateP50')], p99: [m('library', 'lateP99'), m('raw', 'lateP99')], max: [m('library', 'lateMax'), m('raw', 'lateMax')],
      p99Ratio: ratio('lateP99'), loop: [m('library', 'loopDelayP99'), m('raw', 'loopDelayP99')], mem: [m('library', 'memoryPerStream'), m('raw', 'memoryPerStream')],
    });
  }
  const only = values.cells?.split(',');
  const big = only && !only.includes('big-write') ? undefined : await bigWrite();
  const idle = only && !only.includes('idle') ? undefined : await idleMemory();
  console.log(`\nmedians of ${runs} alternating runs (library / raw grpc-js; ratios are the median of each run's library ÷ raw)`);
  console.log('| cell | client CPU (s) | CPU ratio | lateness p50 (ms) | p99 (ms) | p99 ratio | max (ms) | event loop p99 (ms) | memory/stream mid-run (KiB, no GC) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const pair = (p, d = 0) => `${p[0].toFixed(d)} / ${p[1].toFixed(d)}`;
    const lateness = row.cell.includes('unpaced') ? null : row;
    console.log(`| ${row.cell} | ${row.cpuLib.toFixed(2)} / ${row.cpuRaw.toFixed(2)} | ${pct(row.cpuRatio)} | ${lateness ? pair(row.p50) : 'unpaced'} | ${lateness ? pair(row.p99) : '–'} | ${lateness ? pct(row.p99Ratio) : '–'} | ${lateness ? pair(row.max) : '–'} | ${pair(row.loop, 1)} | ${(row.mem[0] / 1024).toFixed(0)} / ${(row.mem[1] / 1024).toFixed(0)} |`);
  }
  if (big) console.log(`\n${big.streams} live streams, one more handed one ${values['big-write-mb']} MB write (which took ${ms(big.with.writeMs)}, stream creation included): event loop p99 ${ms(big.with.p99)} (max ${ms(big.with.max)}) against ${ms(big.without.p99)} (max ${ms(big.without.max)}) without it; lateness p99 ${ms(big.with.late)} / ${ms(big.without.late)}`);
  if (idle) console.log(`${idle.streams} idle streams: library ${kib(idle.library.beyond)} per stream beyond its audio (${kib(idle.library.audio)} audio held; goal ≤ 64 KiB), raw grpc-js ${kib(idle.raw.total)} per call`);
  return { rows, big, idle };
}

/** Event-loop delay with a huge write in flight: 100 live streams with and without one more stream written 200 MB at once. */
async function bigWrite() {
  const cell = { id: 'big-write', mode: 'live', starts: 'random', streams: 100, pace: 1 };
  const r = await burstRuns(cell, ['library', 'library+big']);
  const m = (v, key) => median(r[v].map((x) => x[key]));
  return {
    streams: cell.streams,
    with: { p99: m('library+big', 'loopDelayP99'), max: m('library+big', 'loopDelayMax'), late: m('library+big', 'lateP99'), writeMs: m('library+big', 'bigWriteMs') },
    without: { p99: m('library', 'loopDelayP99'), max: m('library', 'loopDelayMax'), late: m('library', 'lateP99') },
  };
}

/** What an idle stream costs: streams open with 200 ms of audio each, then nothing, for a few seconds. */
async function idleMemory() {
  const streams = Number(values['idle-streams']);
  const emulator = await startEmulatorProcess({ recordAudio: false });
  const out = { streams, library: [], raw: [] };
  try {
    for (const variant of ['raw', 'library']) {
      const r = await runClient('scale-client.js', { shape: 'idle', variant, address: emulator.address, streams, audioMs: 200, live: false });
      out[variant] = { total: r.heapPerStream + r.externalPerStream, audio: r.audioHeldPerStream, beyond: r.heapPerStream + r.externalPerStream - r.audioHeldPerStream };
    }
  } finally {
    await emulator.close();
  }
  return out;
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
summary.matrix = await matrix();
if (values.full || values.legacy) {
  if (!values['skip-pacing']) summary.pacing = await pacing();
  if (!values['skip-start-rate']) summary.startRate = await startRate();
  if (!values['skip-frame-cost']) summary.frameCost = await frameCost();
}
console.log(`\n${JSON.stringify(summary)}`);
