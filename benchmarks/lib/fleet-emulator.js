// The emulator in a process of its own for `npm run bench:fleet`, saying with each session start
// how sharply it saw it. It stamps a start when its event loop gets to the call; a loop held up
// (garbage collection, a CPU taken by other processes) stamps everything that arrived meanwhile
// at once, later. A heartbeat every 2 ms bounds that: what the loop handles at `at` arrived after
// the heartbeat before the last one before `at`. (The tests' twin: test/redis/emulator-child.ts.)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEmulator } from '../../dist/emulator/index.js';

const emulator = await startEmulator({ recordAudio: false });
const beats = [];
const heartbeat = setInterval(() => beats.push(Date.now()), 2);
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();

function earliest(at) {
  let lo = 0;
  let hi = beats.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (beats[mid] <= at) lo = mid + 1;
    else hi = mid;
  }
  return beats[lo - 2] ?? -Infinity;
}

process.on('disconnect', () => process.exit(0));
process.on('message', async (message) => {
  if (message.type === 'reset') {
    emulator.reset();
    beats.length = 0;
    lag.reset();
    process.send({ type: 'reset' });
  } else if (message.type === 'starts') {
    process.send({ type: 'starts', starts: emulator.sessions.map((s) => ({ at: s.startedAt, earliest: earliest(s.startedAt) })), lagMaxMs: lag.max / 1e6 });
  } else if (message.type === 'close') {
    clearInterval(heartbeat);
    await emulator.close();
    process.exit(0);
  }
});
process.send({ type: 'ready', address: emulator.address });
