// The emulator in a process of its own, so a benchmark measures only the client's CPU.
// Driven over IPC: { type: 'sessions' | 'reset' | 'fault' | 'close' }.
import { startEmulator } from '../dist/emulator/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const emulator = await startEmulator(options);
process.send({ type: 'ready', address: emulator.address });
// Never outlive the benchmark that started us.
process.on('disconnect', () => process.exit(0));

process.on('message', async (message) => {
  switch (message.type) {
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
    case 'reset':
      emulator.reset();
      process.send({ type: 'done', id: message.id });
      break;
    case 'fault':
      emulator.addFault(message.rule);
      process.send({ type: 'done', id: message.id });
      break;
    case 'close':
      await emulator.close();
      process.exit(0);
  }
});
