import { DTMF_COLUMN_HZ, DTMF_KEYPAD, DTMF_ROW_HZ } from './dtmf-keypad.js';

/**
 * DTMF (telephone keypad tone) detection.
 *
 * The emulator cannot recognize speech, so it "recognizes" dialled digits: a deterministic signal
 * that tests can generate exactly and that survives resampling and rechunking.
 *
 * Analysis runs on 10 ms blocks. Each block yields, per DTMF frequency, the complex DFT value at
 * exactly that frequency (the Goertzel recurrence, with its phase restored). Complex values of
 * consecutive blocks add up to the DFT of the longer span, so every block is classified with a
 * 30 ms window (three blocks) at the cost of one 10 ms step: 30 ms resolves the 73 Hz spacing of
 * the low group at every sample rate, and a 10 ms hop still sees a 40 ms tone whole at least twice.
 */

/** A detected tone, in ms of audio time from the first sample the detector saw. */
export interface DtmfTone {
  symbol: string;
  startMs: number;
  endMs: number;
}

export interface BlockAnalysis {
  /** RMS of the block, in 16-bit sample units. */
  rms: number;
  /** Whether the block is above the silence level. */
  active: boolean;
  /** A tone that has just ended and was long enough to count. */
  tone?: DtmfTone;
}

export interface DtmfDetectorOptions {
  /** Blocks with a lower RMS (16-bit units) are silence; tones must reach it too. */
  silenceRms: number;
  /**
   * Report a tone cut by the edge of the input (in progress at the first block or at `flush()`)
   * however short: a recognizer still reports a cut word, garbled. Default false: a fragment
   * shorter than MIN_TONE_MS or two windows is ignored, as anywhere else.
   */
  edgeTones?: boolean;
}

/** Analysis block length. */
export const BLOCK_MS = 10;
const WINDOW_BLOCKS = 3;
/** Shortest tone reported (ITU-T Q.24 receivers accept 40 ms). */
export const MIN_TONE_MS = 40;
/** A window must hold this share of its energy in the two tones: rejects noise, speech and edges. */
const MIN_TONE_SHARE = 0.6;
/** With `edgeTones`, in windows at an edge of the input: a fragment fills only part of its window. */
const MIN_EDGE_TONE_SHARE = 0.25;
/** Each tone must beat the runner-up of its group by this power ratio (6 dB). */
const MIN_DOMINANCE = 4;
/** Largest power ratio between the two tones (about 8 dB of twist). */
const MAX_TWIST = 6.3;
/** Windows in a run that may fail classification without ending the tone (a dropout, not a gap). */
const MAX_MISSES = 1;

const FREQUENCIES = [...DTMF_ROW_HZ, ...DTMF_COLUMN_HZ];

interface Run {
  symbol: string;
  windows: number;
  misses: number;
  startBlock: number;
  endBlock: number;
}

export class DtmfDetector {
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly blockMs: number;
  readonly #silenceRms: number;
  readonly #edgeTones: boolean;
  readonly #coeff: Float64Array;
  readonly #cosW: Float64Array;
  readonly #sinW: Float64Array;
  readonly #cosTheta: Float64Array;
  readonly #sinTheta: Float64Array;
  /** Per frequency: phase rotation of the k-th block of a window, [re0, im0, re1, im1, ...]. */
  readonly #rotation: Float64Array;
  /** Per block in the window ring: real/imag DFT values per frequency. */
  readonly #ringRe: Float64Array[];
  readonly #ringIm: Float64Array[];
  readonly #ringEnergy: Float64Array;
  readonly #ringActive: boolean[];
  #blocks = 0;
  #run: Run | null = null;

  constructor(sampleRate: number, options: DtmfDetectorOptions) {
    if (!Number.isFinite(sampleRate) || sampleRate < 4000) {
      throw new RangeError(`sample rate too low for DTMF: ${sampleRate}`);
    }
    this.sampleRate = sampleRate;
    this.blockSize = Math.round((sampleRate * BLOCK_MS) / 1000);
    this.blockMs = (this.blockSize * 1000) / sampleRate;
    this.#silenceRms = options.silenceRms;
    this.#edgeTones = options.edgeTones ?? false;
    const n = FREQUENCIES.length;
    this.#coeff = new Float64Array(n);
    this.#cosW = new Float64Array(n);
    this.#sinW = new Float64Array(n);
    this.#cosTheta = new Float64Array(n);
    this.#sinTheta = new Float64Array(n);
    this.#rotation = new Float64Array(n * WINDOW_BLOCKS * 2);
    FREQUENCIES.forEach((hz, i) => {
      const w = (2 * Math.PI * hz) / sampleRate;
      this.#coeff[i] = 2 * Math.cos(w);
      this.#cosW[i] = Math.cos(w);
      this.#sinW[i] = Math.sin(w);
      this.#cosTheta[i] = Math.cos(w * (this.blockSize - 1));
      this.#sinTheta[i] = Math.sin(w * (this.blockSize - 1));
      for (let k = 0; k < WINDOW_BLOCKS; k++) {
        this.#rotation[(i * WINDOW_BLOCKS + k) * 2] = Math.cos(w * k * this.blockSize);
        this.#rotation[(i * WINDOW_BLOCKS + k) * 2 + 1] = -Math.sin(w * k * this.blockSize);
      }
    });
    this.#ringRe = Array.from({ length: WINDOW_BLOCKS }, () => new Float64Array(n));
    this.#ringIm = Array.from({ length: WINDOW_BLOCKS }, () => new Float64Array(n));
    this.#ringEnergy = new Float64Array(WINDOW_BLOCKS);
    this.#ringActive = new Array<boolean>(WINDOW_BLOCKS).fill(false);
  }

  /** Analyses the next block; `block.length` must equal `blockSize`. Samples are 16-bit values. */
  analyzeBlock(block: ArrayLike<number>): BlockAnalysis {
    if (block.length !== this.blockSize) {
      throw new RangeError(`block of ${block.length} samples, expected ${this.blockSize}`);
    }
    const slot = this.#blocks % WINDOW_BLOCKS;
    const re = this.#ringRe[slot]!;
    const im = this.#ringIm[slot]!;
    let energy = 0;
    for (let j = 0; j < block.length; j++) energy += block[j]! * block[j]!;
    // Digital silence has every DFT value exactly 0: skip the filters (most blocks of a call).
    if (energy === 0) {
      re.fill(0);
      im.fill(0);
    }
    for (let i = 0; i < FREQUENCIES.length && energy !== 0; i++) {
      const coeff = this.#coeff[i]!;
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < block.length; j++) {
        const s0 = block[j]! + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      // Goertzel ends with y = sum x[n] e^{jw(N-1-n)}; rotate by e^{-jw(N-1)} for the DFT phase.
      const yr = s1 - this.#cosW[i]! * s2;
      const yi = this.#sinW[i]! * s2;
      re[i] = yr * this.#cosTheta[i]! + yi * this.#sinTheta[i]!;
      im[i] = yi * this.#cosTheta[i]! - yr * this.#sinTheta[i]!;
    }
    const rms = Math.sqrt(energy / block.length);
    const active = rms >= this.#silenceRms;
    this.#ringEnergy[slot] = energy;
    this.#ringActive[slot] = active;
    const blockIndex = this.#blocks++;
    // With edgeTones, the windows that hold the first 30 ms of input take a fragment's diluted share.
    const atStart = this.#edgeTones && blockIndex < 2 * WINDOW_BLOCKS - 1;
    const symbol = this.#blocks >= WINDOW_BLOCKS ? this.#classifyWindow(atStart ? MIN_EDGE_TONE_SHARE : MIN_TONE_SHARE) : null;
    const tone = this.#track(symbol, blockIndex);
    return tone ? { rms, active, tone } : { rms, active };
  }

  /** Ends a tone still in progress (end of input). */
  flush(): DtmfTone | undefined {
    const run = this.#run;
    this.#run = null;
    if (run) return this.#finish(run, true);
    if (!this.#edgeTones || this.#blocks < WINDOW_BLOCKS) return undefined;
    // A fragment at the very end fills too little of the last window for the usual share.
    const symbol = this.#classifyWindow(MIN_EDGE_TONE_SHARE);
    const last = this.#blocks - 1;
    const first = this.#firstActiveInWindow(last);
    if (symbol === null || first === undefined) return undefined;
    const end = this.#lastActiveInWindow(last) ?? last;
    return { symbol, startMs: round3(first * this.blockMs), endMs: round3((end + 1) * this.blockMs) };
  }

  /** The symbol the last three blocks carry, or null. */
  #classifyWindow(minShare: number): string | null {
    const m = this.blockSize * WINDOW_BLOCKS;
    let energy = 0;
    for (let k = 0; k < WINDOW_BLOCKS; k++) energy += this.#ringEnergy[k]!;
    const meanPower = energy / m;
    if (meanPower < this.#silenceRms * this.#silenceRms) return null;
    const oldest = this.#blocks % WINDOW_BLOCKS;
    const power = new Float64Array(FREQUENCIES.length);
    for (let i = 0; i < FREQUENCIES.length; i++) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < WINDOW_BLOCKS; k++) {
        const slot = (oldest + k) % WINDOW_BLOCKS;
        const br = this.#ringRe[slot]![i]!;
        const bi = this.#ringIm[slot]![i]!;
        const rr = this.#rotation[(i * WINDOW_BLOCKS + k) * 2]!;
        const ri = this.#rotation[(i * WINDOW_BLOCKS + k) * 2 + 1]!;
        re += br * rr - bi * ri;
        im += br * ri + bi * rr;
      }
      // Mean power of a sinusoid with this DFT value: A^2/2 where |X| = A*M/2.
      power[i] = (2 * (re * re + im * im)) / (m * m);
    }
    const row = strongest(power, 0);
    const column = strongest(power, 4);
    if (row.best < MIN_DOMINANCE * row.second || column.best < MIN_DOMINANCE * column.second) return null;
    if (row.best > MAX_TWIST * column.best || column.best > MAX_TWIST * row.best) return null;
    if (row.best + column.best < minShare * meanPower) return null;
    return DTMF_KEYPAD[row.index]![column.index]!;
  }

  /** Follows runs of equally classified windows; returns a tone when one ends. */
  #track(symbol: string | null, blockIndex: number): DtmfTone | undefined {
    const run = this.#run;
    if (run && symbol === run.symbol) {
      run.windows += 1;
      run.misses = 0;
      run.endBlock = this.#lastActiveInWindow(blockIndex) ?? run.endBlock;
      return undefined;
    }
    if (run && symbol === null && run.misses < MAX_MISSES) {
      run.misses += 1;
      return undefined;
    }
    this.#run = null;
    if (symbol !== null) {
      const first = this.#firstActiveInWindow(blockIndex) ?? blockIndex - WINDOW_BLOCKS + 1;
      this.#run = {
        symbol,
        windows: 1,
        misses: 0,
        startBlock: first,
        endBlock: this.#lastActiveInWindow(blockIndex) ?? blockIndex,
      };
    }
    return run ? this.#finish(run) : undefined;
  }

  /** `atEnd`: the input ends inside the run. */
  #finish(run: Run, atEnd = false): DtmfTone | undefined {
    const startMs = run.startBlock * this.blockMs;
    const endMs = (run.endBlock + 1) * this.blockMs;
    const cut = this.#edgeTones && (atEnd || run.startBlock === 0);
    if (!cut && (run.windows < 2 || endMs - startMs < MIN_TONE_MS - 1e-9)) return undefined;
    return { symbol: run.symbol, startMs: round3(startMs), endMs: round3(endMs) };
  }

  #firstActiveInWindow(lastBlock: number): number | undefined {
    for (let b = lastBlock - WINDOW_BLOCKS + 1; b <= lastBlock; b++) {
      if (b >= 0 && this.#ringActive[b % WINDOW_BLOCKS]) return b;
    }
    return undefined;
  }

  #lastActiveInWindow(lastBlock: number): number | undefined {
    for (let b = lastBlock; b > lastBlock - WINDOW_BLOCKS && b >= 0; b--) {
      if (this.#ringActive[b % WINDOW_BLOCKS]) return b;
    }
    return undefined;
  }
}

function strongest(power: Float64Array, offset: number): { index: number; best: number; second: number } {
  let index = 0;
  let best = -1;
  let second = 0;
  for (let i = 0; i < 4; i++) {
    const p = power[offset + i]!;
    if (p > best) {
      second = Math.max(best, 0);
      best = p;
      index = i;
    } else if (p > second) {
      second = p;
    }
  }
  return { index, best, second };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
