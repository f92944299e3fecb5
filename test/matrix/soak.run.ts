import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import { renderSoak, runSoak, SOAK_FAULTS, type SoakOptions } from './soak.js';

const out = process.env['SOAK_OUT'] ?? 'test/matrix/last-soak.md';

// Started by `npm run soak -- --hours 24` (test/matrix/soak-cli.mjs passes the flags as SOAK_* variables).
const env = (name: string, fallback: string) => process.env[`SOAK_${name}`] ?? fallback;
const options: SoakOptions = {
  hours: Number(env('HOURS', '1')),
  parallel: Number(env('PARALLEL', '12')),
  minutesPerStream: Number(env('MINUTES', '10')),
  faultEveryMin: Number(env('FAULT_EVERY_MIN', '3')),
  faults: env('FAULTS', SOAK_FAULTS.join(',')).split(',').filter(Boolean),
  maxAudioMs: Number(env('SESSION_MS', '15000')),
  ...(process.env['SOAK_JOBS'] ? { only: process.env['SOAK_JOBS'].split(',').map(Number) } : {}),
  log: (line) => process.stdout.write(`${line}\n`),
  progress: (partial, jobs) => {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `(partial: ${partial.streams.length} of ${jobs} streams; heap "after" not collected)\n\n${renderSoak(partial, options)}`);
  },
};

it(`soak: ${options.hours} h of simulated audio, every digit exactly once`, async () => {
  const report = await runSoak(options);
  const text = renderSoak(report, options);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`\n${text}\nwritten to ${out}\n`);
  const bad = report.streams.filter((s) => s.error || s.lost.length || s.repeated.length).map((s) => `stream ${s.job} (${s.profile} ${s.api}): lost ${s.lost.length}, repeated ${s.repeated.length}${s.error ? `, ${s.error}` : ''}`);
  expect(bad).toEqual([]);
});
