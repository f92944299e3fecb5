// npm run soak -- --hours 24 [--parallel 12] [--minutes 10] [--fault-every-min 3] [--faults fail,drop,...] [--session-ms 15000] [--jobs 5,13] [--out file]
// Runs test/matrix/soak.run.ts under vitest (the soak reuses the TypeScript test helpers), passing
// the flags as SOAK_* environment variables.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    hours: { type: 'string', default: '1' },
    parallel: { type: 'string' },
    minutes: { type: 'string' },
    'fault-every-min': { type: 'string' },
    faults: { type: 'string' },
    'session-ms': { type: 'string' },
    jobs: { type: 'string' },
    out: { type: 'string' },
  },
});
const env = { ...process.env };
for (const [key, value] of Object.entries(values)) if (value !== undefined) env[`SOAK_${key.toUpperCase().replaceAll('-', '_')}`] = value;
const result = spawnSync('npx', ['vitest', 'run', '--config', 'test/matrix/vitest.config.ts', 'test/matrix/soak.run.ts'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
