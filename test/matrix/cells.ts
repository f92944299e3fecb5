import { seededRandom } from '../helpers/dialled.js';
import { cellId, DIMENSION_KEYS, DIMENSIONS, feasible, type CellDims } from './dimensions.js';

/**
 * The covering design.
 *
 * 1. All pairs: for every two dimensions, every pair of their values (that can run at all, see
 *    `feasible`) appears in at least one cell. Built greedily from a fixed seed, so the same
 *    cells run every time.
 * 2. The full product of the riskiest dimensions, API × word times × rollover kind × fault
 *    (2 × 2 × 3 × 13 = 156 cells), on the most common deployment: 16 kHz PCM from a live
 *    source at pace 1, short limits. These are where issue 10's losses and repeats were found.
 */
export interface Cell extends CellDims {
  id: string;
  /** Which part of the design put it in (a cell in both is listed once, as `product`). */
  block: 'pairs' | 'product';
  seed: number;
}

type Pair = string;

function pairKey(a: keyof CellDims, av: unknown, b: keyof CellDims, bv: unknown): Pair {
  return `${a}=${String(av)}&${b}=${String(bv)}`;
}

function pairsOf(row: Partial<CellDims>): Pair[] {
  const keys = DIMENSION_KEYS.filter((k) => row[k] !== undefined);
  const out: Pair[] = [];
  for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) out.push(pairKey(keys[i]!, row[keys[i]!], keys[j]!, row[keys[j]!]));
  return out;
}

export function allPairsCells(seed = 10): CellDims[] {
  const random = seededRandom(seed);
  const uncovered = new Set<Pair>();
  for (let i = 0; i < DIMENSION_KEYS.length; i++) {
    for (let j = i + 1; j < DIMENSION_KEYS.length; j++) {
      const a = DIMENSION_KEYS[i]!;
      const b = DIMENSION_KEYS[j]!;
      for (const av of DIMENSIONS[a]) for (const bv of DIMENSIONS[b]) if (feasible({ [a]: av, [b]: bv })) uncovered.add(pairKey(a, av, b, bv));
    }
  }
  const rows: CellDims[] = [];
  while (uncovered.size > 0) {
    // Seed the row with one uncovered pair, then fill each other dimension with the value that
    // covers the most uncovered pairs (ties broken by the seeded random source).
    const first = [...uncovered][Math.floor(random() * uncovered.size)]!;
    const row: Partial<CellDims> = {};
    for (const part of first.split('&')) {
      const [k, v] = part.split('=') as [keyof CellDims, string];
      (row as Record<string, unknown>)[k] = DIMENSIONS[k].find((x) => String(x) === v);
    }
    const rest = DIMENSION_KEYS.filter((k) => row[k] === undefined).sort(() => random() - 0.5);
    for (const k of rest) {
      let best: unknown;
      let bestScore = -1;
      for (const v of DIMENSIONS[k]) {
        const trial = { ...row, [k]: v };
        if (!feasible(trial)) continue;
        const score = pairsOf(trial).filter((p) => uncovered.has(p)).length + random() * 0.5;
        if (score > bestScore) {
          bestScore = score;
          best = v;
        }
      }
      (row as Record<string, unknown>)[k] = best;
    }
    for (const p of pairsOf(row)) uncovered.delete(p);
    rows.push(row as CellDims);
  }
  return rows;
}

export function productCells(): CellDims[] {
  const rows: CellDims[] = [];
  for (const api of DIMENSIONS.api)
    for (const wordTimes of DIMENSIONS.wordTimes)
      for (const rollover of DIMENSIONS.rollover)
        for (const fault of DIMENSIONS.fault) rows.push({ api, audio: 'pcm16', pace: 1, source: 'live', wordTimes, rollover, fault, limits: 'short' });
  return rows;
}

/** Every cell of the matrix, product first, each once. */
export function matrixCells(): Cell[] {
  const cells = new Map<string, Cell>();
  let seed = 1;
  for (const d of productCells()) cells.set(cellId(d), { ...d, id: cellId(d), block: 'product', seed: seed++ });
  for (const d of allPairsCells()) if (!cells.has(cellId(d))) cells.set(cellId(d), { ...d, id: cellId(d), block: 'pairs', seed: seed++ });
  return [...cells.values()];
}

/** Checks the design's claim: every feasible pair of values is in some cell. Returns the missing pairs. */
export function missingPairs(cells: CellDims[]): string[] {
  const covered = new Set(cells.flatMap((c) => pairsOf(c)));
  const missing: string[] = [];
  for (let i = 0; i < DIMENSION_KEYS.length; i++) {
    for (let j = i + 1; j < DIMENSION_KEYS.length; j++) {
      const a = DIMENSION_KEYS[i]!;
      const b = DIMENSION_KEYS[j]!;
      for (const av of DIMENSIONS[a]) for (const bv of DIMENSIONS[b]) {
        const key = pairKey(a, av, b, bv);
        if (feasible({ [a]: av, [b]: bv }) && !covered.has(key)) missing.push(key);
      }
    }
  }
  return missing;
}
