/** The integrity matrix's dimensions and their values, in report order. */

export const APIS = ['v2', 'v3'] as const;
/** `ogg`: Ogg Opus written as is (encoding sniffed); `opus-encode`: PCM with `encode: 'opus'`. */
export const AUDIOS = ['pcm8', 'pcm16', 'pcm48', 'ogg', 'opus-encode', 'mulaw', 'alaw'] as const;
export const PACES = [1, 2, 0] as const;
/** `live`: written at real time, whatever the stream's backpressure; `file`: big writes as fast as the stream takes them. */
export const SOURCES = ['live', 'file'] as const;
export const WORD_TIMES = ['on', 'off'] as const;
export const ROLLOVERS = ['eou', 'silence', 'hardcut'] as const;
export const FAULTS = [
  'none',
  'fail',
  'drop',
  'end',
  'refuse',
  'stall',
  'stall-reads',
  'blackhole',
  'flood',
  'bogus-times',
  'ok-early',
  'no-flush',
  'latency',
] as const;
export const LIMITS = ['short', 'default'] as const;

export type Api = (typeof APIS)[number];
export type AudioKind = (typeof AUDIOS)[number];
export type Pace = (typeof PACES)[number];
export type SourceKind = (typeof SOURCES)[number];
export type WordTimes = (typeof WORD_TIMES)[number];
export type RolloverKind = (typeof ROLLOVERS)[number];
export type FaultKind = (typeof FAULTS)[number];
export type LimitsKind = (typeof LIMITS)[number];

export interface CellDims {
  api: Api;
  audio: AudioKind;
  pace: Pace;
  source: SourceKind;
  wordTimes: WordTimes;
  rollover: RolloverKind;
  fault: FaultKind;
  limits: LimitsKind;
}

export const DIMENSIONS: { [K in keyof CellDims]: readonly CellDims[K][] } = {
  api: APIS,
  audio: AUDIOS,
  pace: PACES,
  source: SOURCES,
  wordTimes: WORD_TIMES,
  rollover: ROLLOVERS,
  fault: FAULTS,
  limits: LIMITS,
};

export const DIMENSION_KEYS = Object.keys(DIMENSIONS) as (keyof CellDims)[];

/** Short limits: 6 s sessions (soft point 4.8 s, hard cut 5.7 s, replay bound 2.4 s). */
export const SHORT_LIMITS = { maxAudioMs: 6_000, maxBytes: 10_000_000 } as const;

/**
 * Which combinations can run in real time at all:
 * - default limits need minutes of audio, so they run from a file, unpaced, or at pace 1–2 for
 *   48 kHz PCM, whose 10 MB limit comes after about 100 s;
 * - everything else is short audio (20 s) with short limits.
 */
export function feasible(d: Partial<CellDims>): boolean {
  if (d.limits === 'default') {
    if (d.source === 'live') return false;
    if (d.pace !== undefined && d.pace !== 0 && d.audio !== undefined && d.audio !== 'pcm48') return false;
  }
  return true;
}

export function cellId(d: CellDims): string {
  return [d.api, d.audio, `p${d.pace}`, d.source, `wt-${d.wordTimes}`, d.rollover, d.fault, d.limits].join('/');
}
