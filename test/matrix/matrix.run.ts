import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import { matrixCells, missingPairs } from './cells.js';
import { capabilities } from './capabilities.js';
import { renderReport } from './report.js';
import { runMatrix, selectCells } from './runner.js';
import { describeFaults } from './integrity.js';

// npm run test:matrix [-- env MATRIX_FILTER=<regex> MATRIX_CONCURRENCY=<n> MATRIX_OUT=<file>]
const filter = process.env['MATRIX_FILTER'];
const concurrency = Number(process.env['MATRIX_CONCURRENCY'] ?? 32);
const out = process.env['MATRIX_OUT'] ?? 'test/matrix/last-run.md';

function revision(): string {
  try {
    return execSync('git log -1 --format="%h %s"', { encoding: 'utf8' }).trim().slice(0, 80);
  } catch {
    return 'an unknown commit';
  }
}

it('integrity matrix: every cell gets exactly its digits', async () => {
  const all = matrixCells();
  expect(missingPairs(all)).toEqual([]);
  const cells = selectCells(all, filter);
  const caps = await capabilities();
  // The commit the cells ran on: read before they run, as the tree may move meanwhile.
  const tested = revision();
  const started = performance.now();
  const outcomes = await runMatrix(cells, concurrency, (o, done) => {
    const what = o.verdict === 'pass' ? '' : ` ${o.reasons.join('; ')}${o.lost.length ? ` lost ${describeFaults(o.lost)}` : ''}${o.repeated.length ? ` repeated ${describeFaults(o.repeated)}` : ''}`;
    process.stdout.write(`[matrix ${done}/${cells.length}] ${o.verdict} ${o.cell.id} (${(o.wallMs / 1000).toFixed(1)} s)${what}\n`);
  });
  const wallMs = performance.now() - started;
  const note = [
    `Run ${new Date().toISOString()} at ${tested}, ${cells.length} of ${all.length} cells${filter ? ` (filter /${filter}/)` : ''}, ${concurrency} at a time, node ${process.version}.`,
    `Emulator: service profiles ${caps.profiles ? 'yes' : 'NO'}; fault actions ${[...caps.faultActions].join(', ')}; TCP proxy ${caps.tcpProxy ? 'yes' : 'NO'}.`,
  ].join(' ');
  const report = renderReport(outcomes, wallMs, note);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report);
  process.stdout.write(`\n${report}\nwritten to ${out}\n`);
  const failed = outcomes.filter((o) => o.verdict === 'FAIL').map((o) => `${o.cell.id}: ${o.reasons.join('; ')}`);
  expect(failed).toEqual([]);
});
