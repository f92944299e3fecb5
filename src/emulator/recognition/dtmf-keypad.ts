/**
 * The telephone keypad: which two tones (a row frequency and a column frequency) make each of
 * the 16 DTMF symbols. Shared by the detector and by the fixtures that synthesize test audio.
 */

export const DTMF_ROW_HZ = [697, 770, 852, 941] as const;
export const DTMF_COLUMN_HZ = [1209, 1336, 1477, 1633] as const;

/** Keypad layout: `DTMF_KEYPAD[row][column]`. */
export const DTMF_KEYPAD: readonly (readonly string[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

/** The 16 DTMF symbols, in keypad order. */
export const DTMF_SYMBOLS: readonly string[] = DTMF_KEYPAD.flat();

/** Low (row) and high (column) frequency of a symbol; accepts a-d in lower case. */
export function dtmfFrequencies(symbol: string): [row: number, column: number] {
  const upper = symbol.toUpperCase();
  for (let r = 0; r < 4; r++) {
    const c = DTMF_KEYPAD[r]!.indexOf(upper);
    if (c >= 0) return [DTMF_ROW_HZ[r]!, DTMF_COLUMN_HZ[c]!];
  }
  throw new RangeError(`not a DTMF symbol: ${JSON.stringify(symbol)} (expected 0-9, *, #, A-D)`);
}
