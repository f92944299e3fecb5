import { dtmfFrequencies } from './recognition/dtmf-keypad.js';

/** Sample rates SpeechKit accepts for raw PCM. */
export type PcmSampleRate = 8000 | 16000 | 48000;

/** Options of {@link dialledDigitsPcm} and {@link dialledDigitsLayout}. */
export interface DialledDigitsOptions {
  /** Output sample rate in Hz. */
  sampleRate: PcmSampleRate;
  /** Length of each tone, ms (default 100). */
  toneMs?: number;
  /** Silence between two tones of one utterance, ms (default 100; keep it ≥ 40 to separate repeated digits). */
  toneGapMs?: number;
  /** Silence between utterances, ms (default 1000; must exceed the emulator's 600 ms end-of-utterance pause to split them). */
  utteranceGapMs?: number;
  /** Silence before the first tone, ms (default 300). */
  leadMs?: number;
  /** Silence after the last tone, ms (default 1000: long enough for the last utterance to end by itself). */
  trailMs?: number;
  /** Peak amplitude of the two-tone sum as a fraction of full scale, in (0, 1] (default 0.5). */
  amplitude?: number;
  /** Raised-cosine fade at each tone edge, ms (default 0: hard edges, like a plain tone generator). */
  rampMs?: number;
}

/** Where one tone sits in the generated audio. */
export interface DialledTone {
  symbol: string;
  /** Index of the utterance the tone belongs to. */
  utterance: number;
  startMs: number;
  endMs: number;
}

export interface DialledDigitsLayout {
  tones: DialledTone[];
  /** Total duration of the audio, ms. */
  durationMs: number;
}

interface ResolvedOptions {
  sampleRate: PcmSampleRate;
  toneMs: number;
  toneGapMs: number;
  utteranceGapMs: number;
  leadMs: number;
  trailMs: number;
  amplitude: number;
  rampMs: number;
}

function resolve(opts: DialledDigitsOptions): ResolvedOptions {
  if (![8000, 16000, 48000].includes(opts.sampleRate)) {
    throw new RangeError(`sampleRate must be 8000, 16000 or 48000, got ${String(opts.sampleRate)}`);
  }
  const ms = (name: string, value: number | undefined, fallback: number, min = 0): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      throw new RangeError(`${name} must be a number ≥ ${min}, got ${String(value)}`);
    }
    return v;
  };
  const amplitude = opts.amplitude ?? 0.5;
  if (typeof amplitude !== 'number' || !(amplitude > 0 && amplitude <= 1)) {
    throw new RangeError(`amplitude must be in (0, 1], got ${String(opts.amplitude)}`);
  }
  const toneMs = ms('toneMs', opts.toneMs, 100, 1);
  const rampMs = ms('rampMs', opts.rampMs, 0);
  if (rampMs * 2 > toneMs) throw new RangeError('rampMs must be at most half of toneMs');
  return {
    sampleRate: opts.sampleRate,
    toneMs,
    toneGapMs: ms('toneGapMs', opts.toneGapMs, 100),
    utteranceGapMs: ms('utteranceGapMs', opts.utteranceGapMs, 1000),
    leadMs: ms('leadMs', opts.leadMs, 300),
    trailMs: ms('trailMs', opts.trailMs, 1000),
    amplitude,
    rampMs,
  };
}

function checkUtterances(utterances: readonly string[]): void {
  if (!Array.isArray(utterances)) throw new TypeError('utterances must be an array of strings');
  for (const u of utterances) {
    if (typeof u !== 'string' || u.length === 0) {
      throw new RangeError('each utterance must be a non-empty string of DTMF symbols (0-9, *, #, A-D)');
    }
    for (const ch of u) dtmfFrequencies(ch);
  }
}

/**
 * The timeline {@link dialledDigitsPcm} produces for the same arguments, without generating audio:
 * lead silence, then per utterance its tones separated by `toneGapMs`, utterances separated by
 * `utteranceGapMs`, then trail silence. Times are in ms from the first sample; they are what the
 * emulator reports as word start/end times (to its 10 ms analysis step).
 */
export function dialledDigitsLayout(utterances: readonly string[], opts: DialledDigitsOptions): DialledDigitsLayout {
  checkUtterances(utterances);
  const o = resolve(opts);
  const tones: DialledTone[] = [];
  let t = o.leadMs;
  utterances.forEach((u, index) => {
    if (index > 0) t += o.utteranceGapMs;
    [...u].forEach((ch, i) => {
      if (i > 0) t += o.toneGapMs;
      tones.push({ symbol: ch.toUpperCase(), utterance: index, startMs: t, endMs: t + o.toneMs });
      t += o.toneMs;
    });
  });
  return { tones, durationMs: t + o.trailMs };
}

/**
 * Generates a telephone dialling recording: 16-bit signed little-endian mono PCM (no header) in
 * which every symbol of every utterance is a DTMF tone pair (0-9, `*`, `#`, A-D; a-d accepted),
 * with silence between tones and longer silence between utterances (see
 * {@link dialledDigitsLayout} for the exact timeline).
 *
 * Fed to the emulator with `LINEAR16_PCM` at the same rate, each utterance comes back as one final
 * result whose text is its symbols, e.g. `dialledDigitsPcm(['123', '45'], { sampleRate: 16000 })`
 * gives finals "123" and "45".
 *
 * @throws RangeError on an unknown symbol, an empty utterance or an out-of-range option.
 */
export function dialledDigitsPcm(utterances: readonly string[], opts: DialledDigitsOptions): Buffer {
  const layout = dialledDigitsLayout(utterances, opts);
  const o = resolve(opts);
  const rate = o.sampleRate;
  const toSample = (ms: number): number => Math.round((ms * rate) / 1000);
  const total = toSample(layout.durationMs);
  const out = Buffer.alloc(total * 2);
  const peak = o.amplitude * 32767;
  const rampSamples = toSample(o.rampMs);
  for (const tone of layout.tones) {
    const [low, high] = dtmfFrequencies(tone.symbol);
    const first = toSample(tone.startMs);
    const last = Math.min(toSample(tone.endMs), total);
    const length = last - first;
    for (let n = 0; n < length; n++) {
      const t = n / rate;
      let gain = 1;
      if (rampSamples > 0) {
        const edge = Math.min(n, length - 1 - n);
        if (edge < rampSamples) gain = 0.5 - 0.5 * Math.cos((Math.PI * edge) / rampSamples);
      }
      const v = (peak / 2) * gain * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t));
      out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v))), (first + n) * 2);
    }
  }
  return out;
}

/**
 * Wraps 16-bit mono PCM in a canonical 44-byte WAV (RIFF/WAVE, `fmt ` PCM format 1, `data`) header.
 *
 * @param pcm 16-bit signed little-endian mono samples; must be an even number of bytes.
 * @param sampleRate samples per second, a positive integer.
 */
export function pcmToWav(pcm: Buffer, sampleRate: number): Buffer {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`sampleRate must be a positive integer, got ${String(sampleRate)}`);
  }
  if (pcm.length % 2 !== 0) throw new RangeError('16-bit PCM must have an even number of bytes');
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}
