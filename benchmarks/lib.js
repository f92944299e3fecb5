// Shared benchmark plumbing: an emulator process, statistics, CPU measurement.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function startEmulatorProcess(options = {}) {
  const child = fork(fileURLToPath(new URL('./emulator-process.js', import.meta.url)), [JSON.stringify(options)], { stdio: 'inherit' });
  const address = await new Promise((resolve, reject) => {
    child.once('message', (m) => (m.type === 'ready' ? resolve(m.address) : reject(new Error('emulator did not start'))));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  let nextId = 0;
  const ask = (message) =>
    new Promise((resolve) => {
      const id = nextId++;
      const onMessage = (m) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.send({ ...message, id });
    });
  return {
    address,
    sessions: async () => (await ask({ type: 'sessions' })).sessions,
    count: async () => (await ask({ type: 'count' })).sessions,
    starts: async () => (await ask({ type: 'starts' })).sessions,
    arrivals: (query) => ask({ type: 'arrivals', ...query }),
    pid: child.pid,
    reset: () => ask({ type: 'reset' }),
    addFault: (rule) => ask({ type: 'fault', rule }),
    /** Closes the emulator (every session fails at once) and starts a new one on the same port. */
    outage: (options = {}) => ask({ type: 'outage', ...options }),
    /** The emulator process's event-loop delay (p99, max, ms) and CPU use so far; `reset` starts a new window. */
    lag: (reset = false) => ask({ type: 'lag', reset }),
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ type: 'close' });
      }),
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs `fn` and returns [result, client CPU ms (user + system) it cost]. */
export async function measureCpu(fn) {
  const before = process.cpuUsage();
  const result = await fn();
  const used = process.cpuUsage(before);
  return [result, (used.user + used.system) / 1000];
}

export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
