// The emulator in a process of its own for the fleet test (forked by fleet.test.ts): the clients
// and the test runner do not share its event loop. With each session's start it says how sharply
// it saw it (see `Heartbeat`). Driven over IPC.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEmulator } from '../../src/emulator/index.js';
import { Heartbeat } from './fleet-process.js';

export interface EmulatorStart {
  /** Epoch ms the emulator stamped (SessionRecord.startedAt). */
  startedAt: number;
  /** The earliest the call can have arrived, epoch ms. */
  earliest: number;
  clientRequestId: string | undefined;
  status: string | undefined;
}

const emulator = await startEmulator({ recordAudio: false });
const heartbeat = new Heartbeat();
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();

process.on('disconnect', () => process.exit(0));
process.on('message', (message: { type: 'starts' | 'reset' }) => {
  if (message.type === 'reset') {
    emulator.reset();
    heartbeat.reset();
    lag.reset();
    process.send!({ type: 'reset' });
  } else {
    const starts: EmulatorStart[] = emulator.sessions.map((s) => ({
      startedAt: s.startedAt,
      earliest: heartbeat.earliest(s.startedAt),
      clientRequestId: s.clientRequestId,
      status: s.status?.name,
    }));
    process.send!({ type: 'starts', starts, lagMaxMs: lag.max / 1e6 });
  }
});
process.send!({ type: 'ready', address: emulator.address });
