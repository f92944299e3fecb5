// The emulator in a process of its own, so a benchmark measures only the client's CPU.
// Driven over IPC: { type: 'sessions' | 'starts' | 'count' | 'arrivals' | 'reset' | 'fault' | 'outage' | 'close' }.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEmulator } from '../dist/emulator/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
let emulator = await startEmulator(options);
/** Sessions of the emulators an `outage` replaced, so records span the outage. */
const earlier = [];
const allSessions = () => [...earlier, ...emulator.sessions];
process.send({ type: 'ready', address: emulator.address });
// Never outlive the benchmark that started us.
process.on('disconnect', () => process.exit(0));

/** This process's event-loop delay, so a benchmark can tell a slow emulator from a slow client. */
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

process.on('message', async (message) => {
  switch (message.type) {
    case 'lag':
      process.send({ type: 'lag', id: message.id, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6, cpu: process.cpuUsage() });
      if (message.reset) loop.reset();
      break;
    case 'sessions':
      process.send({
        type: 'sessions',
        id: message.id,
        sessions: emulator.sessions.map((s) => ({
          index: s.index,
          startedAt: s.startedAt,
          endedAt: s.endedAt,
          status: s.status?.name,
          messages: s.messages,
          finals: s.results.filter((r) => r.final).map((r) => r.text),
        })),
      });
      break;
    case 'starts':
      // Start time and outcome of every session, without their message lists (a load run has many).
      process.send({ type: 'starts', id: message.id, sessions: allSessions().map((s) => ({ startedAt: s.startedAt, status: s.status?.name })) });
      break;
    case 'count':
      process.send({ type: 'count', id: message.id, sessions: emulator.sessions.length });
      break;
    case 'arrivals':
      process.send({ type: 'arrivals', id: message.id, ...arrivals(message) });
      break;
    case 'reset':
      emulator.reset();
      process.send({ type: 'done', id: message.id });
      break;
    case 'fault':
      emulator.addFault(message.rule);
      process.send({ type: 'done', id: message.id });
      break;
    case 'outage': {
      // A real outage: every session ends at once (close() fails them with UNAVAILABLE and shuts
      // the server), the port stays closed for `downMs`, then a fresh emulator takes it again,
      // with `faults` for its sessions.
      const old = emulator;
      const downAt = Date.now();
      // close() stops listening at once and then drains the old connections: the new server
      // binds as soon as the port is free, not after the drain.
      const closed = old.close();
      earlier.push(...old.sessions);
      if (message.downMs) await new Promise((resolve) => setTimeout(resolve, message.downMs));
      for (let tries = 0; ; tries++) {
        try {
          emulator = await startEmulator({ ...options, port: old.port, faults: message.faults ?? [] });
          break;
        } catch (error) {
          if (error?.code !== 'EADDRINUSE' && !/address.*in use/i.test(String(error?.message)) || tries > 200) throw error;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
      const upAt = Date.now();
      await closed;
      process.send({ type: 'outage', id: message.id, downAt, upAt, sessionsBefore: earlier.length });
      break;
    }
    case 'close':
      await emulator.close();
      process.exit(0);
  }
});

/**
 * Arrival-time error of audio messages as the service sees them: for sessions from `fromIndex`,
 * messages k0..k1 of each, against the schedule k × chunkMs anchored where the session's messages
 * arrived earliest (server clock); `whole` skips sessions shorter than k1. Computed here: a thousand sessions' message lists are too many
 * to ship over IPC.
 */
function arrivals({ fromIndex, k0, k1, chunkMs, whole = false }) {
  const errors = [];
  let sessions = 0;
  let skipped = 0;
  for (const s of emulator.sessions.slice(fromIndex)) {
    const m = s.messages;
    // `whole`: only sessions that carried all of k0..k1. A session that replays the tail of a
    // stream after a failure has no real-time schedule of its own (it catches up at twice real
    // time), so against one it would look seconds late.
    if (whole && m.length < k1) {
      skipped++;
      continue;
    }
    const end = Math.min(k1, m.length);
    if (end <= k0) continue;
    sessions++;
    let anchor = Infinity;
    for (let k = k0; k < end; k++) anchor = Math.min(anchor, m[k].atMs - k * chunkMs);
    for (let k = k0; k < end; k++) errors.push(m[k].atMs - k * chunkMs - anchor);
  }
  errors.sort((a, b) => a - b);
  const at = (p) => errors[Math.min(errors.length - 1, Math.floor(p * errors.length))];
  return { count: errors.length, sessions, skipped, p50: at(0.5), p99: at(0.99), max: errors.at(-1) };
}
