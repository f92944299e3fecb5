import { DIMENSION_KEYS, DIMENSIONS, type CellDims } from './dimensions.js';
import { describeFaults } from './integrity.js';
import type { CellOutcome } from './run-cell.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const rolloverText = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, v]) => `${k === 'end-of-utterance' ? 'eou' : k}:${v}`)
    .join(' ') || '-';

/** Pass / fail / n/a counts for every value of every dimension. */
function byDimension(outcomes: CellOutcome[]): string {
  const rows: string[][] = [];
  for (const key of DIMENSION_KEYS) {
    for (const value of DIMENSIONS[key]) {
      const mine = outcomes.filter((o) => o.cell[key as keyof CellDims] === value);
      if (mine.length === 0) continue;
      const count = (v: string) => mine.filter((o) => o.verdict === v).length;
      const lost = mine.reduce((n, o) => n + o.lost.length, 0);
      const repeated = mine.reduce((n, o) => n + o.repeated.length, 0);
      rows.push([key, String(value), String(mine.length), String(count('pass')), String(count('FAIL')), String(count('n/a')), String(lost), String(repeated)]);
    }
  }
  return table(['dimension', 'value', 'cells', 'pass', 'FAIL', 'n/a', 'digits lost', 'digits repeated'], rows);
}

function cellRows(outcomes: CellOutcome[]): string[][] {
  return outcomes.map((o) => [
    o.cell.block === 'product' ? 'P' : 'A',
    o.cell.api,
    o.cell.audio,
    String(o.cell.pace),
    o.cell.source,
    o.cell.wordTimes,
    o.cell.rollover,
    o.cell.fault,
    o.cell.limits,
    o.verdict,
    o.verdict === 'n/a' ? '' : `${o.lost.length}${o.declaredLost ? ` (+${o.declaredLost} declared)` : ''}`,
    o.verdict === 'n/a' ? '' : String(o.repeated.length),
    o.verdict === 'n/a' ? '' : rolloverText(o.rollovers),
    o.verdict === 'n/a' ? '' : String(o.recoveries),
    o.verdict === 'n/a' ? '' : `${(o.wallMs / 1000).toFixed(1)}`,
    [o.reasons.join('; '),
      o.loopLagMs > 1_000 ? `event loop stalled ${(o.loopLagMs / 1000).toFixed(1)} s (timing results unreliable)` : '', o.lost.length ? `lost ${describeFaults(o.lost)}` : '', o.repeated.length ? `repeated ${describeFaults(o.repeated)}` : '']
      .filter(Boolean)
      .join('; '),
  ]);
}

export interface MatrixSummary {
  cells: number;
  pass: number;
  fail: number;
  unavailable: number;
  wallMs: number;
}

export function summarize(outcomes: CellOutcome[], wallMs: number): MatrixSummary {
  return {
    cells: outcomes.length,
    pass: outcomes.filter((o) => o.verdict === 'pass').length,
    fail: outcomes.filter((o) => o.verdict === 'FAIL').length,
    unavailable: outcomes.filter((o) => o.verdict === 'n/a').length,
    wallMs,
  };
}

/**
 * The whole report in Markdown: a summary line, counts by dimension, then every cell (failures
 * first). `A` cells come from the all-pairs design, `P` from the full product of API × word
 * times × rollover × fault.
 */
export function renderReport(outcomes: CellOutcome[], wallMs: number, note: string): string {
  const s = summarize(outcomes, wallMs);
  const order = { FAIL: 0, pass: 1, 'n/a': 2 } as const;
  const sorted = [...outcomes].sort((a, b) => order[a.verdict] - order[b.verdict] || a.cell.id.localeCompare(b.cell.id));
  const header = ['', 'api', 'audio', 'pace', 'source', 'word times', 'rollover', 'fault', 'limits', 'verdict', 'lost', 'repeated', 'rollovers', 'recoveries', 'wall s', 'what happened'];
  const totals = outcomes.reduce(
    (t, o) => ({ lost: t.lost + o.lost.length, repeated: t.repeated + o.repeated.length, rollovers: t.rollovers + Object.values(o.rollovers).reduce((a, b) => a + b, 0), recoveries: t.recoveries + o.recoveries }),
    { lost: 0, repeated: 0, rollovers: 0, recoveries: 0 },
  );
  return [
    `# Integrity matrix`,
    '',
    note,
    '',
    `${s.cells} cells: ${s.pass} pass, ${s.fail} FAIL, ${s.unavailable} not available; ${totals.lost} digits lost, ${totals.repeated} repeated; ${totals.rollovers} rollovers, ${totals.recoveries} recoveries; wall ${(wallMs / 1000).toFixed(0)} s.`,
    '',
    '## By dimension',
    '',
    byDimension(outcomes),
    '',
    '## Cells',
    '',
    table(header, cellRows(sorted)),
    '',
    '## Failed cells, session by session',
    '',
    ...sorted
      .filter((o) => o.verdict === 'FAIL')
      .map((o) => `- ${o.cell.id}: ${o.sessionLog.join('; ')}${o.retryCodes.length ? `; retries ${o.retryCodes.join(', ')}` : ''}`),
    '',
  ].join('\n');
}
