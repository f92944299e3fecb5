import type { Cell } from './cells.js';
import { runCell, type CellOutcome } from './run-cell.js';

/**
 * Runs cells `concurrency` at a time, each against an emulator of its own (so a fault scripted for
 * "session 1" hits that cell's session 1, and its session records are its own), all in this
 * process, real gRPC on loopback. Pace-1 and live cells take their audio's length in wall time,
 * so the matrix's wall time is about (cells / concurrency) × 20 s.
 */
export async function runMatrix(
  cells: Cell[],
  concurrency: number,
  onOutcome: (o: CellOutcome, done: number) => void = () => {},
  { cpuBoundLast = true }: { cpuBoundLast?: boolean } = {},
): Promise<CellOutcome[]> {
  const outcomes = new Map<Cell, CellOutcome>();
  let done = 0;
  async function pool(group: Cell[], width: number): Promise<void> {
    let next = 0;
    async function worker(): Promise<void> {
      while (next < group.length) {
        const cell = group[next++]!;
        const outcome = await runCell(cell);
        outcomes.set(cell, outcome);
        onOutcome(outcome, ++done);
      }
    }
    await Promise.all(Array.from({ length: Math.min(width, group.length) }, worker));
  }
  // Unpaced file cells are CPU-bound (minutes of audio decoded as fast as it goes); run beside the
  // real-time cells they would starve the event loop and break real-time rules by themselves.
  const heavy = (c: Cell) => cpuBoundLast && c.pace === 0 && c.source === 'file';
  await pool(cells.filter((c) => !heavy(c)), concurrency);
  await pool(cells.filter(heavy), Math.max(1, Math.min(2, concurrency)));
  return cells.map((c) => outcomes.get(c)!);
}

/** Cells whose id matches the filter (a regular expression over "api/audio/p<pace>/source/wt-x/rollover/fault/limits"). */
export function selectCells(cells: Cell[], filter: string | undefined): Cell[] {
  if (!filter) return cells;
  const re = new RegExp(filter);
  return cells.filter((c) => re.test(c.id));
}
