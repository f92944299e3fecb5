import { createRequire } from 'node:module';
import { invalidOption } from '../errors.js';

/** In-process Opus encoding of PCM input (the `encode` option in its long form). */
export interface OpusEncodeOptions {
  /** The only codec: Opus in Ogg pages, sent as `OGG_OPUS`. */
  codec: 'opus';
  /** Target bitrate in bits per second (6000–510000). Default: libopus's choice for the rate, about 11, 19 and 51 kbit/s at 8, 16 and 48 kHz. */
  bitrate?: number;
  /** Encoder effort, 0–10. Default 5, which costs a quarter to a half of libopus's default 10 (see `npm run bench:opus`). */
  complexity?: number;
}

/** The `encode` option: `'opus'`, or the long form. */
export type EncodeOption = 'opus' | OpusEncodeOptions;

/** `encode` after validation, defaults applied. */
export interface ResolvedEncode {
  codec: 'opus';
  bitrate: number | undefined;
  complexity: number;
}

/** libopus's default is 10; 5 costs a quarter to a half of it (`npm run bench:opus`). */
export const DEFAULT_OPUS_COMPLEXITY = 5;
/** libopus's own bounds (OPUS_SET_BITRATE). */
const MIN_BITRATE = 6_000;
const MAX_BITRATE = 510_000;

/** Validates `encode`; fails with INVALID_OPTION naming the field, or when no Opus module can load. */
export function resolveEncode(value: unknown): ResolvedEncode | undefined {
  if (value === undefined) return undefined;
  const input = value === 'opus' ? { codec: 'opus' } : value;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidOption('encode', '"opus" or { codec: "opus", bitrate?, complexity? }', value);
  }
  const { codec, bitrate, complexity = DEFAULT_OPUS_COMPLEXITY, ...rest } = input as Partial<OpusEncodeOptions>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw invalidOption(`encode.${unknown}`, 'one of codec, bitrate, complexity');
  if (codec !== 'opus') throw invalidOption('encode.codec', '"opus"', codec);
  if (bitrate !== undefined && !(Number.isInteger(bitrate) && bitrate >= MIN_BITRATE && bitrate <= MAX_BITRATE)) {
    throw invalidOption('encode.bitrate', `an integer number of bits per second from ${MIN_BITRATE} to ${MAX_BITRATE}`, bitrate);
  }
  if (!(Number.isInteger(complexity) && complexity >= 0 && complexity <= 10)) {
    throw invalidOption('encode.complexity', 'an integer from 0 to 10', complexity);
  }
  if (!opusModuleAvailable()) {
    throw invalidOption('encode', 'an installed Opus module: the `opusscript` package is missing (npm install opusscript@0.0.8)');
  }
  return { codec: 'opus', bitrate, complexity };
}

let available: boolean | undefined;

function opusModuleAvailable(): boolean {
  if (available === undefined) {
    try {
      createRequire(import.meta.url).resolve('opusscript');
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}
