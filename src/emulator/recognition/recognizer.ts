import { DtmfDetector } from './dtmf-detector.js';
import { SPEECH_PLACEHOLDER } from './transcript.js';

/**
 * Streaming "recognition" over PCM samples, independent of any API version and of how the audio
 * was chunked: state lives across `push` calls and all timing is audio time (sample counts), so the
 * same audio gives the same events whether it arrives paced, in one burst or a byte at a time.
 *
 * An utterance opens at the first block above the silence level and closes after `eouSilenceMs` of
 * audio below it. Its tokens are the DTMF symbols detected inside it; an utterance with sound but
 * no tones gets one placeholder token, unless it had less than `minSpeechMs` of sound (a click).
 */

export interface RecognizedToken {
  /** A DTMF symbol, or the speech placeholder. */
  text: string;
  kind: 'dtmf' | 'speech';
  /** Audio ms from the first sample of the session. */
  startMs: number;
  endMs: number;
}

export type RecognizerEvent =
  | { type: 'partial'; tokens: RecognizedToken[] }
  /** The utterance ended (silence or end of input). */
  | { type: 'final'; tokens: RecognizedToken[] };

export interface RecognizerOptions {
  sampleRate: number;
  eouSilenceMs: number;
  partialEveryMs: number;
  /** Blocks below this RMS (16-bit units) are silence (default 300, about -41 dBFS). */
  silenceRms?: number;
  /** Shortest sound, in audio ms, that counts as speech when no tone was found (default 100). */
  minSpeechMs?: number;
  /** A tone cut at the start or end of the input is still reported (`ServiceProfile.cutToneHeard`). */
  cutToneHeard?: boolean;
}

export const DEFAULT_SILENCE_RMS = 300;
export const DEFAULT_MIN_SPEECH_MS = 100;

interface Utterance {
  startMs: number;
  lastActiveEndMs: number;
  activeMs: number;
  silenceMs: number;
  tokens: RecognizedToken[];
  nextPartialMs: number;
}

export class Recognizer {
  readonly #detector: DtmfDetector;
  readonly #eouSilenceMs: number;
  readonly #partialEveryMs: number;
  readonly #minSpeechMs: number;
  readonly #block: Float64Array;
  #fill = 0;
  #blocks = 0;
  #utterance: Utterance | null = null;

  constructor(options: RecognizerOptions) {
    this.#detector = new DtmfDetector(options.sampleRate, {
      silenceRms: options.silenceRms ?? DEFAULT_SILENCE_RMS,
      edgeTones: options.cutToneHeard ?? false,
    });
    this.#eouSilenceMs = options.eouSilenceMs;
    this.#partialEveryMs = options.partialEveryMs;
    this.#minSpeechMs = options.minSpeechMs ?? DEFAULT_MIN_SPEECH_MS;
    this.#block = new Float64Array(this.#detector.blockSize);
  }

  /** Audio analysed so far, ms (whole 10 ms blocks). */
  get analysedMs(): number {
    return this.#blocks * this.#detector.blockMs;
  }

  push(samples: Int16Array): RecognizerEvent[] {
    const events: RecognizerEvent[] = [];
    const size = this.#block.length;
    for (let i = 0; i < samples.length; i++) {
      this.#block[this.#fill++] = samples[i]!;
      if (this.#fill === size) {
        this.#fill = 0;
        this.#analyse(events);
      }
    }
    return events;
  }

  /** End of input: closes a tone and an utterance still open. Less than one block left over is ignored. */
  flush(): RecognizerEvent[] {
    const events: RecognizerEvent[] = [];
    const tone = this.#detector.flush();
    if (tone) this.#addToken(this.#open(tone.startMs), { text: tone.symbol, kind: 'dtmf', ...tone });
    if (this.#utterance) this.#close(events);
    return events;
  }

  #analyse(events: RecognizerEvent[]): void {
    const blockMs = this.#detector.blockMs;
    const startMs = this.#blocks * blockMs;
    const endMs = ++this.#blocks * blockMs;
    const analysis = this.#detector.analyzeBlock(this.#block);
    let u = this.#utterance;
    if (analysis.active) {
      u ??= this.#open(startMs);
      u.activeMs += blockMs;
      u.silenceMs = 0;
      u.lastActiveEndMs = endMs;
    } else if (u) {
      u.silenceMs += blockMs;
    }
    let partialSent = false;
    if (analysis.tone) {
      const { symbol, startMs: toneStart, endMs: toneEnd } = analysis.tone;
      u ??= this.#open(toneStart);
      this.#addToken(u, { text: symbol, kind: 'dtmf', startMs: toneStart, endMs: toneEnd });
      events.push({ type: 'partial', tokens: [...u.tokens] });
      partialSent = true;
    }
    if (!u) return;
    if (u.silenceMs >= this.#eouSilenceMs - 1e-9) return this.#close(events);
    while (endMs >= u.nextPartialMs) {
      u.nextPartialMs += this.#partialEveryMs;
      if (!partialSent && u.tokens.length > 0) {
        events.push({ type: 'partial', tokens: [...u.tokens] });
        partialSent = true;
      }
    }
  }

  #open(startMs: number): Utterance {
    this.#utterance ??= {
      startMs,
      lastActiveEndMs: startMs,
      activeMs: 0,
      silenceMs: 0,
      tokens: [],
      nextPartialMs: startMs + this.#partialEveryMs,
    };
    return this.#utterance;
  }

  #addToken(u: Utterance, token: RecognizedToken): void {
    u.tokens.push(token);
  }

  #close(events: RecognizerEvent[]): void {
    const u = this.#utterance;
    this.#utterance = null;
    if (!u) return;
    if (u.tokens.length > 0) {
      events.push({ type: 'final', tokens: u.tokens });
    } else if (u.activeMs >= this.#minSpeechMs - 1e-9) {
      events.push({
        type: 'final',
        tokens: [{ text: SPEECH_PLACEHOLDER, kind: 'speech', startMs: u.startMs, endMs: u.lastActiveEndMs }],
      });
    }
  }
}
