import { dialledDigitsLayout, dialledDigitsPcm, pcmToG711, type DialledTone, type PcmSampleRate } from '../../src/emulator/index.js';
import type { RecognizeStreamOptions } from '../../src/options.js';
import { encodeOggOpus } from '../helpers/ogg.js';
import { seededRandom } from '../helpers/dialled.js';
import type { AudioKind, LimitsKind, RolloverKind } from './dimensions.js';
import { SHORT_LIMITS } from './dimensions.js';

/** What a cell writes and what must come back. */
export interface Material {
  utterances: string[];
  tones: DialledTone[];
  /** The bytes written, in the cell's input format. */
  audio: Buffer;
  durationMs: number;
  /** Stream options the format needs (encoding, rate, encode). */
  options: Partial<RecognizeStreamOptions>;
}

const TONE = { toneMs: 80, toneGapMs: 70 } as const;

function digits(random: () => number, min: number, max: number): string {
  const length = min + Math.floor(random() * (max - min + 1));
  return Array.from({ length }, () => String(Math.floor(random() * 10))).join('');
}

/** One stretch of dialling: utterances of `min`–`max` digits separated by `gapMs`. */
export interface Stretch {
  untilMs: number;
  min: number;
  max: number;
  gapMs: number;
}

/**
 * Builds the utterances stretch by stretch, keeping each utterance's own gap before it, and
 * renders them with one PCM generator call per utterance so gaps can differ.
 */
export function render(stretches: Stretch[], rate: PcmSampleRate, seed: number): { utterances: string[]; tones: DialledTone[]; pcm: Buffer } {
  const random = seededRandom(seed);
  const utterances: string[] = [];
  const tones: DialledTone[] = [];
  const pieces: Buffer[] = [];
  const leadMs = 200;
  let atMs = 0;
  for (const stretch of stretches) {
    while (atMs < stretch.untilMs) {
      const u = digits(random, stretch.min, stretch.max);
      const before = utterances.length === 0 ? leadMs : stretch.gapMs;
      const layout = dialledDigitsLayout([u], { sampleRate: rate, ...TONE, leadMs: before, trailMs: 0 });
      pieces.push(dialledDigitsPcm([u], { sampleRate: rate, ...TONE, leadMs: before, trailMs: 0 }));
      for (const t of layout.tones) tones.push({ ...t, utterance: utterances.length, startMs: t.startMs + atMs, endMs: t.endMs + atMs });
      utterances.push(u);
      atMs += layout.durationMs;
    }
  }
  // Trailing silence long enough for the last utterance to end by itself.
  pieces.push(Buffer.alloc(Math.round((rate * 1500) / 1000) * 2));
  return { utterances, tones, pcm: Buffer.concat(pieces) };
}

/** The limit a session of these limits meets first, in audio ms (the byte limit converted for 48 kHz PCM). */
export function effectiveLimitMs(limits: LimitsKind, audio: AudioKind): number {
  const maxAudioMs = limits === 'short' ? SHORT_LIMITS.maxAudioMs : 300_000;
  // Raw PCM at 48 kHz reaches the 10 MB limit first (96 kB/s, about 104 s).
  if (limits === 'default' && audio === 'pcm48') return Math.min(maxAudioMs, (10_000_000 / 96_000) * 1000);
  return maxAudioMs;
}

/** How long a cell's audio runs, ms. */
export function materialLengthMs(limits: LimitsKind, audio: AudioKind): number {
  if (limits === 'short') return 20_000;
  // Past the first rollover far enough for the second session to take a fault and recover.
  return effectiveLimitMs(limits, audio) * 1.5;
}

/**
 * Dialled digits shaped for the rollover under test:
 * - `eou`: short utterances, 0.9 s apart: a final with end of utterance falls in every soft window.
 * - `silence`: short utterances 2.5 s apart: the stream's own silence detection is the boundary.
 * - `hardcut`: continuous speech (no pause the stream or the service would call a boundary) that
 *   covers the soft window and runs past the hard margin, longer than the replay bound
 *   (short limits: 2.4 s; default: 30 s), so the session is cut inside it.
 */
export function buildMaterial(rollover: RolloverKind, audio: AudioKind, limits: LimitsKind, seed: number): Material {
  const rate: PcmSampleRate = audio === 'pcm8' || audio === 'mulaw' || audio === 'alaw' ? 8000 : audio === 'pcm48' ? 48000 : 16000;
  const total = materialLengthMs(limits, audio);
  const limitMs = effectiveLimitMs(limits, audio);
  let stretches: Stretch[];
  if (rollover === 'eou') stretches = [{ untilMs: total, min: 2, max: 5, gapMs: 900 }];
  else if (rollover === 'silence') stretches = [{ untilMs: total, min: 1, max: 4, gapMs: 2_500 }];
  // Utterances of 5.1–6.6 s, as long as a whole short session: its soft window (0.9 s) can only
  // rarely fall into a pause, whatever audio position the session starts from.
  else if (limits === 'short') stretches = [{ untilMs: total, min: 34, max: 44, gapMs: 900 }];
  else {
    // Normal dialling, then one utterance from well before the soft point (0.8 − jitter) past the limit.
    stretches = [
      { untilMs: limitMs * 0.6, min: 2, max: 5, gapMs: 900 },
      { untilMs: limitMs * 0.61, min: Math.ceil((limitMs * 0.45) / 150), max: Math.ceil((limitMs * 0.45) / 150), gapMs: 900 },
      { untilMs: total, min: 2, max: 5, gapMs: 900 },
    ];
  }
  const { utterances, tones, pcm } = render(stretches, rate, seed);
  const durationMs = (pcm.length / 2 / rate) * 1000;
  switch (audio) {
    case 'pcm8':
    case 'pcm16':
    case 'pcm48':
      return { utterances, tones, audio: pcm, durationMs, options: { audioEncoding: 'LINEAR16_PCM', sampleRateHertz: rate } };
    case 'ogg':
      // Sniffed: no encoding option, the stream reads `OggS`.
      return { utterances, tones, audio: encodeOggOpus(pcm, { sampleRateHertz: rate }), durationMs, options: {} };
    case 'opus-encode':
      return { utterances, tones, audio: pcm, durationMs, options: { sampleRateHertz: rate, encode: 'opus' } };
    case 'mulaw':
      return { utterances, tones, audio: pcmToG711(pcm, 'MULAW'), durationMs, options: { audioEncoding: 'MULAW' } };
    case 'alaw':
      return { utterances, tones, audio: pcmToG711(pcm, 'ALAW'), durationMs, options: { audioEncoding: 'ALAW' } };
  }
}
