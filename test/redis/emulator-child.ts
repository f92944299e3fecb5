// The emulator in a process of its own for the fleet test (forked by fleet.test.ts), with a
// heartbeat that says how well it could see when each call arrived. It stamps a session's start
// when its event loop gets to the call; a loop held up (its own garbage collection, a CPU taken
// by other processes) stamps everything that arrived meanwhile at once, later. A 2 ms heartbeat
// bounds that: a call stamped at `startedAt` arrived after the heartbeat before the last one.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEmulator } from '../../src/emulator/index.js';

export interface EmulatorStart {
  /** Epoch ms the emulator stamped (SessionRecord.startedAt). */
  startedAt: number;
  /** The earliest the call can have arrived, epoch ms. */
  earliest: number;
  clientRequestId: string | undefined;
  status: string | undefined;
}

const emulator = await startEmulator({ recordAudio: false });
const HEARTBEAT_MS = 2;
const beats: number[] = [];
const heartbeat = setInterval(() => beats.push(Date.now()), HEARTBEAT_MS);
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();

/** The heartbeat before the last one at or before `at` (ticks are sorted). */
function earliestArrival(at: number): number {
  let lo = 0;
  let hi = beats.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (beats[mid]! <= at) lo = mid + 1;
    else hi = mid;
  }
  return beats[lo - 2] ?? -Infinity;
}

process.on('disconnect', () => process.exit(0));
process.on('message', (message: { type: 'starts' | 'reset' | 'close' }) => {
  if (message.type === 'reset') {
    emulator.reset();
    beats.length = 0;
    lag.reset();
    process.send!({ type: 'reset' });
  } else if (message.type === 'starts') {
    const starts: EmulatorStart[] = emulator.sessions.map((s) => ({
      startedAt: s.startedAt,
      earliest: earliestArrival(s.startedAt),
      clientRequestId: s.clientRequestId,
      status: s.status?.name,
    }));
    process.send!({ type: 'starts', starts, lagMaxMs: lag.max / 1e6 });
  } else {
    clearInterval(heartbeat);
    void emulator.close().then(() => process.exit(0));
  }
});
process.send!({ type: 'ready', address: emulator.address });
