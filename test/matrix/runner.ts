import type { Cell } from './cells.js';
import { runCell, type CellOutcome } from './run-cell.js';

/**
 * Runs cells `concurrency` at a time, each against an emulator of its own (so a fault scripted for
 * "session 1" hits that cell's session 1, and its session records are its own), all in this
 * process, real gRPC on loopback. Pace-1 and live cells take their audio's length in wall time,
 * so the matrix's wall time is about (cells / concurrency) × 20 s.
 */
export async function runMatrix(cells: Cell[], concurrency: number, onOutcome: (o: CellOutcome, done: number) => void = () => {}): Promise<CellOutcome[]> {
  const outcomes: CellOutcome[] = new Array(cells.length);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < cells.length) {
      const i = next++;
      outcomes[i] = await runCell(cells[i]!);
      onOutcome(outcomes[i]!, ++done);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, cells.length) }, worker));
  return outcomes;
}

/** Cells whose id matches the filter (a regular expression over "api/audio/p<pace>/source/wt-x/rollover/fault/limits"). */
export function selectCells(cells: Cell[], filter: string | undefined): Cell[] {
  if (!filter) return cells;
  const re = new RegExp(filter);
  return cells.filter((c) => re.test(c.id));
}
