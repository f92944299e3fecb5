import { defineConfig } from 'vitest/config';

/** The long runs (integrity matrix, soak): not part of `npm test`, which keeps a slice of the matrix. */
export default defineConfig({
  test: {
    include: ['test/matrix/*.run.ts'],
    testTimeout: 6 * 60 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: ['--expose-gc', '--max-old-space-size=4096'],
    reporters: ['default'],
  },
});
