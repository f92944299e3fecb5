import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Examples import the package by name, as users do; tests run them against the source.
  resolve: {
    alias: [
      { find: /^speechkit-stream\/emulator$/, replacement: fileURLToPath(new URL('./src/emulator/index.ts', import.meta.url)) },
      { find: /^speechkit-stream\/metrics$/, replacement: fileURLToPath(new URL('./src/metrics/index.ts', import.meta.url)) },
      { find: /^speechkit-stream$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
