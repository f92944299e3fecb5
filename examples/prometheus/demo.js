// @ts-check
// Runs calls on a local emulator and serves their metrics for Prometheus:
//
//   npm run build
//   node examples/prometheus/demo.js [--port 9464] [--rounds 0]    # 0: until Ctrl-C
//   curl -s http://127.0.0.1:9464/metrics | grep ^speechkit_
import { parseArgs } from 'node:util';
import { startEmulator } from 'speechkit-stream/emulator';
import { runCalls } from './calls.js';
import { startMetricsEndpoint } from './metrics.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9464' },
    rounds: { type: 'string', default: '0' },
  },
});

// Finals take 200–800 ms after each utterance's pause, as a real service's may.
const emulator = await startEmulator({ profile: { finalLatencyMs: [200, 800] } });
const metrics = await startMetricsEndpoint({ port: Number(values.port) });
console.log(`Metrics at ${metrics.url} (emulator at ${emulator.address})`);

let stopping = false;
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.once(signal, () => (stopping = true));
const rounds = Number(values.rounds);
for (let round = 1; !stopping && (rounds === 0 || round <= rounds); round++) {
  const finals = await runCalls({ emulator });
  console.log(`round ${round}: ${finals.map((f) => f.join(' ')).join(' | ')}`);
}
await metrics.close();
await emulator.close();
