// The emulator in a process of its own, so its work never counts as the client's.
// Started with child_process.fork; sends { address } once listening, closes on 'close'.
import { startEmulator } from 'speechkit-stream/emulator';

const options = JSON.parse(process.argv[2] ?? '{}');
const emulator = await startEmulator({ recordAudio: false, ...options });

process.on('message', async function onMessage(message) {
  if (message?.type === 'sessions') {
    // Start times and ends of every session, for rate checks (epoch ms).
    process.send({
      type: 'sessions',
      sessions: emulator.sessions.map((s) => ({ startedAt: s.startedAt, status: s.status?.name, bytes: s.messages.reduce((n, m) => n + m.bytes, 0) })),
    });
  } else if (message?.type === 'arrivals') {
    // Arrival-time error of audio messages as the service sees them: for sessions from `fromIndex`,
    // messages k0..k1 of each, against the schedule k × chunkMs anchored where the session's
    // messages arrived earliest (server clock), so a late first message does not skew the rest.
    const { fromIndex, k0, k1, chunkMs } = message;
    const errors = [];
    for (const s of emulator.sessions.slice(fromIndex)) {
      const m = s.messages;
      const end = Math.min(k1, m.length);
      if (end <= k0) continue;
      let anchor = Infinity;
      for (let k = k0; k < end; k++) anchor = Math.min(anchor, m[k].atMs - k * chunkMs);
      for (let k = k0; k < end; k++) errors.push(m[k].atMs - k * chunkMs - anchor);
    }
    errors.sort((a, b) => a - b);
    const at = (p) => errors[Math.min(errors.length - 1, Math.floor(p * errors.length))];
    process.send({ type: 'arrivals', count: errors.length, p50: at(0.5), p99: at(0.99), max: errors.at(-1), sessions: emulator.sessions.length });
  } else if (message?.type === 'count') {
    process.send({ type: 'count', sessions: emulator.sessions.length });
  } else if (message?.type === 'close') {
    await emulator.close();
    process.exit(0);
  }
});
process.send({ type: 'ready', address: emulator.address });
