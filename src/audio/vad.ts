import { invalidOption } from '../errors.js';

/**
 * The local voice-activity detector behind the `speechStart`, `speechEnd` and `noInput` events:
 * energy in 10 ms windows against a threshold, with a minimum voiced run before a start (a click
 * is not speech) and a hangover of quiet before an end (the pauses between words are not ends).
 */
export interface VoiceActivityOptions {
  /** Level a 10 ms window must reach to count as voice, in dBFS (RMS). Default −40. */
  thresholdDb?: number;
  /** Voice must run this long, unbroken, before `speechStart`, in ms. Default 60. */
  minSpeechMs?: number;
  /** Quiet after voice before `speechEnd`, in ms. Default 400. */
  hangoverMs?: number;
  /**
   * Audio without speech (since the start, or since the last `speechEnd`) after which `noInput`
   * is emitted once, in ms of audio. Default: never.
   */
  noInputMs?: number;
}

/** The detector's settings with every default applied. */
export interface ResolvedVoiceActivity {
  thresholdDb: number;
  minSpeechMs: number;
  hangoverMs: number;
  noInputMs: number | undefined;
}

export const VAD_DEFAULTS = { thresholdDb: -40, minSpeechMs: 60, hangoverMs: 400 } as const;
const WINDOW_MS = 10;

/** One turn-taking event: `atMs` is a whole-stream position in the channel's audio. */
export interface VoiceActivityEvent {
  type: 'speechStart' | 'speechEnd' | 'noInput';
  atMs: number;
}

/** `voiceActivity` validated: true takes the defaults; false or absent turns the detector off. */
export function resolveVoiceActivity(value: unknown): ResolvedVoiceActivity | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { ...VAD_DEFAULTS, noInputMs: undefined };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidOption('voiceActivity', 'true, false or { thresholdDb?, minSpeechMs?, hangoverMs?, noInputMs? }', value);
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!['thresholdDb', 'minSpeechMs', 'hangoverMs', 'noInputMs'].includes(key)) {
      throw invalidOption(`voiceActivity.${key}`, 'thresholdDb, minSpeechMs, hangoverMs or noInputMs');
    }
  }
  const number = (key: string, fallback: number | undefined, ok: (v: number) => boolean, expected: string): number | undefined => {
    const v = input[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw invalidOption(`voiceActivity.${key}`, expected, v);
    return v;
  };
  return {
    thresholdDb: number('thresholdDb', VAD_DEFAULTS.thresholdDb, (v) => v < 0 && v >= -96, 'a level in dBFS from -96 to below 0')!,
    minSpeechMs: number('minSpeechMs', VAD_DEFAULTS.minSpeechMs, (v) => v >= 0 && v <= 5_000, 'a number of milliseconds from 0 to 5000')!,
    hangoverMs: number('hangoverMs', VAD_DEFAULTS.hangoverMs, (v) => v >= WINDOW_MS && v <= 10_000, `a number of milliseconds from ${WINDOW_MS} to 10000`)!,
    noInputMs: number('noInputMs', undefined, (v) => v >= 100, 'a number of milliseconds ≥ 100'),
  };
}

/**
 * The detector's state machine, fed audio in stream order (each position once). Pure: positions
 * are audio time, never the clock, so the same audio gives the same events on any schedule.
 */
export class VoiceActivityDetector {
  private readonly threshold2: number;
  private speaking = false;
  private runStartMs: number | undefined;
  private runMs = 0;
  private lastVoiceEndMs = 0;
  private quietSinceMs = 0;
  private noInputSent = false;
  /** Audio before this position was seen already (a replayed frame is not heard twice). */
  private seenUntilMs = 0;

  constructor(
    private readonly settings: ResolvedVoiceActivity,
    private readonly emit: (event: VoiceActivityEvent) => void,
  ) {
    const amplitude = 32768 * 10 ** (settings.thresholdDb / 20);
    this.threshold2 = amplitude * amplitude;
  }

  /** Whether the detector is inside a turn (after `speechStart`, before `speechEnd`). */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** 16-bit little-endian mono PCM at `sampleRate`, starting at `streamMs`. */
  pcm(data: Buffer, sampleRate: number, streamMs: number): void {
    const samples = data.length >> 1;
    const perWindow = (sampleRate * WINDOW_MS) / 1000;
    for (let first = 0; first < samples; first += perWindow) {
      const n = Math.min(perWindow, samples - first);
      let sum = 0;
      for (let i = first; i < first + n; i++) {
        const at = i * 2;
        const v = ((data[at]! | (data[at + 1]! << 8)) << 16) >> 16;
        sum += v * v;
      }
      this.window(streamMs + (first * 1000) / sampleRate, (n * 1000) / sampleRate, sum >= this.threshold2 * n);
    }
  }

  /** A stretch whose level is known only as voiced or not (a frame the encoder marked silent). */
  window(startMs: number, durationMs: number, voiced: boolean): void {
    const endMs = startMs + durationMs;
    if (endMs <= this.seenUntilMs + 1e-6) return;
    this.seenUntilMs = endMs;
    const { minSpeechMs, hangoverMs, noInputMs } = this.settings;
    if (voiced) {
      this.lastVoiceEndMs = endMs;
      if (this.speaking) return;
      this.runStartMs ??= startMs;
      this.runMs += durationMs;
      if (this.runMs + 1e-6 >= minSpeechMs) {
        this.speaking = true;
        this.emit({ type: 'speechStart', atMs: this.runStartMs });
        this.runStartMs = undefined;
        this.runMs = 0;
      }
      return;
    }
    // Voice too short to be a start does not break the quiet either.
    this.runStartMs = undefined;
    this.runMs = 0;
    if (this.speaking) {
      if (endMs - this.lastVoiceEndMs + 1e-6 < hangoverMs) return;
      this.speaking = false;
      this.quietSinceMs = this.lastVoiceEndMs;
      this.noInputSent = false;
      this.emit({ type: 'speechEnd', atMs: this.lastVoiceEndMs });
    }
    if (noInputMs !== undefined && !this.noInputSent && endMs - this.quietSinceMs + 1e-6 >= noInputMs) {
      this.noInputSent = true;
      this.emit({ type: 'noInput', atMs: endMs });
    }
  }

  /**
   * The audio ended (or was finalized) inside a turn: the turn ends at its last voice, since no
   * more audio will come to wait a hangover for.
   */
  flush(): void {
    if (!this.speaking) return;
    this.speaking = false;
    this.quietSinceMs = this.lastVoiceEndMs;
    this.noInputSent = false;
    this.emit({ type: 'speechEnd', atMs: this.lastVoiceEndMs });
  }
}
