import type { ServiceProfileInput } from '../../src/emulator/index.js';
import type { Cell } from './cells.js';

/**
 * The service a cell runs against: the strict preset (no kindness anywhere), with the switches
 * that are matrix dimensions set from the cell. Pace 0 is emulator-only, so its cells turn pacing
 * enforcement off; every other switch (cut tones heard on both sides, fast partials, lagging v3
 * cursors, late refinements and eou updates) stays strict.
 */
export function cellProfile(cell: Cell): ServiceProfileInput {
  return {
    base: 'strict',
    wordTimes: cell.wordTimes === 'on',
    ...(cell.pace === 0 ? { pacing: false as const } : {}),
    halfClose: cell.fault === 'ok-early' ? 'ok-early' : cell.fault === 'no-flush' ? 'no-flush' : 'flush',
    finalLatencyMs: cell.fault === 'latency' ? [0, 1_500] : [0, 0],
    seed: cell.seed,
  };
}
