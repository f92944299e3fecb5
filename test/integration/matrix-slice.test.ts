import { describe, expect, it } from 'vitest';
import { matrixCells } from '../matrix/cells.js';
import { describeFaults } from '../matrix/integrity.js';
import { runMatrix } from '../matrix/runner.js';

/**
 * A slice of the integrity matrix (`npm run test:matrix` runs all of it): cells taken as they are
 * from the matrix's design, covering both APIs, every audio format, pace 1, 2 and 0, live and
 * file sources, word times on and off, rollovers at end of utterance and at silence, a fault of each family (failure,
 * dropped connection, clean end, refusal, late finals, a flood, a half-close without flush, a
 * stall, a blackholed connection) and default limits, and hard cuts inside continuous speech (the
 * repair path: a replaced session that owns speech and then stalls or ends without its finals).
 * They run at once, each against its own emulator; about 35 s of wall time.
 */
const SLICE = [
  'v2/pcm16/p1/live/wt-on/eou/fail/short',
  'v3/pcm16/p1/live/wt-off/eou/refuse/short',
  'v2/pcm16/p1/live/wt-on/silence/drop/short',
  'v3/pcm16/p1/live/wt-off/eou/end/short',
  'v3/pcm16/p1/live/wt-on/silence/end/short',
  'v3/pcm16/p1/live/wt-on/silence/latency/short',
  'v3/pcm16/p1/live/wt-on/silence/flood/short',
  'v2/pcm16/p1/live/wt-on/hardcut/stall/short',
  'v3/pcm16/p1/live/wt-off/eou/stall-reads/short',
  'v2/pcm16/p1/live/wt-on/eou/blackhole/short',
  'v3/pcm16/p1/live/wt-on/hardcut/ok-early/short',
  'v2/alaw/p2/live/wt-on/silence/end/short',
  'v2/mulaw/p1/file/wt-on/eou/none/short',
  'v3/ogg/p0/live/wt-on/eou/drop/short',
  'v3/opus-encode/p1/file/wt-on/eou/drop/short',
  'v2/pcm8/p0/file/wt-on/silence/no-flush/short',
];

describe('integrity matrix, representative slice: every digit exactly once, in order, times right', () => {
  it('runs every slice cell to a pass', async () => {
    const all = matrixCells();
    const cells = SLICE.map((id) => all.find((c) => c.id === id));
    expect(cells.filter((c) => c === undefined)).toEqual([]);
    // All at once: the slice's one CPU-bound cell is short enough not to starve the others.
    const outcomes = await runMatrix(cells.map((c) => c!), cells.length, undefined, { cpuBoundLast: false });
    const report = outcomes.map((o) => ({
      cell: o.cell.id,
      verdict: o.verdict,
      why: [...o.reasons, o.lost.length ? `lost ${describeFaults(o.lost)}` : '', o.repeated.length ? `repeated ${describeFaults(o.repeated)}` : ''].filter(Boolean).join('; '),
    }));
    for (const o of outcomes) {
      console.info(`[integrity] ${o.cell.id}: ${o.verdict}, ${o.expectedDigits} digits, ${Object.values(o.rollovers).reduce((a, b) => a + b, 0)} rollovers, ${o.recoveries} recoveries, ${(o.wallMs / 1000).toFixed(1)} s`);
    }
    expect(report.filter((r) => r.verdict !== 'pass')).toEqual([]);
    // The slice went through what it is for: seams at ends of utterances and at silence, and recoveries.
    const reasons = new Set(outcomes.flatMap((o) => Object.keys(o.rollovers)));
    expect([...reasons]).toEqual(expect.arrayContaining(['end-of-utterance', 'silence', 'limit']));
    expect(outcomes.reduce((n, o) => n + o.recoveries, 0)).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
