import { createRecognizeStream, type RecognitionResult, type RecognizeStream, type RecognizeStreamOptions } from '../index.js';
import { codeOf } from './errors.js';
import { resultLine, type ServeLine } from './lines.js';

/** One track of a call: its channel tag, and what its recognizer takes beyond the server's options (the audio format, the call's language). */
export interface TrackSpec {
  channelTag: string;
  format: Pick<RecognizeStreamOptions, 'audioEncoding' | 'sampleRateHertz' | 'languageCode'>;
}

/** Where a call's news goes: NDJSON lines, and the protocol's own replies. */
export interface CallHooks {
  /** Every line of the call, in order. */
  line(line: ServeLine): void;
  /** A result of track `track` (partials only when the recognizer makes them). */
  result?(track: number, result: RecognitionResult): void;
  /** A failure of the call or of one track: the protocol may tell its peer. */
  error?(code: string, message: string, track: number | undefined): void;
  /** The call is over, told just before its `end` line. */
  over?(): void;
}

export interface CallSettings {
  /** Options every recognizer starts from; the track's format is laid over them. */
  recognizer: RecognizeStreamOptions;
  /** Write partial results as lines too. */
  partialLines: boolean;
  /** Ask the recognizer for partials (for lines, or for the protocol's interim replies). */
  partialResults: boolean;
}

interface Track {
  spec: TrackSpec;
  stream: RecognizeStream;
  done: Promise<void>;
  full: boolean;
}

/**
 * One call: a recognizer per track, audio in, lines out. A track's failure is its own (an error
 * line, the other track carries on); `finish()` ends the audio and waits for the last finals;
 * every call that started ends with exactly one `end` line.
 */
export class CallRecognition {
  readonly #tracks: Track[];
  readonly #hooks: CallHooks;
  #ended = false;
  #finished: Promise<void> | undefined;
  #onDrain: (() => void) | undefined;
  #resolveClosed: () => void = () => undefined;
  /** Resolves once the call's `end` line is written. */
  readonly closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));

  constructor(
    readonly id: string,
    specs: readonly TrackSpec[],
    settings: CallSettings,
    hooks: CallHooks,
  ) {
    this.#hooks = hooks;
    this.#tracks = specs.map((spec, index) => this.#open(spec, index, settings));
  }

  get channelTags(): string[] {
    return this.#tracks.map((t) => t.spec.channelTag);
  }

  /** Whether every track takes more audio now; false means wait for `onDrain`. */
  get writable(): boolean {
    return this.#tracks.every((t) => !t.full);
  }

  /** Called once every full track has drained (the source may read again). */
  onDrain(fn: () => void): void {
    this.#onDrain = fn;
  }

  /** Audio for track `index`. Returns false when the source should pause until `onDrain`. */
  write(index: number, audio: Buffer): boolean {
    const track = this.#tracks[index];
    if (!track || this.#ended || audio.length === 0) return this.writable;
    if (track.stream.destroyed || track.stream.writableEnded) return this.writable;
    if (!track.stream.write(audio) && !track.full) {
      track.full = true;
      track.stream.once('drain', () => this.#drained(track));
    }
    return this.writable;
  }

  /** A key pressed on the call, as its protocol said. */
  dtmf(channelTag: string, digit: string): void {
    if (!this.#ended) this.#hooks.line({ call: this.id, channelTag, type: 'dtmf', digit });
  }

  /** The audio is over: recognize what arrived, then the `end` line. Resolves when it is written. */
  finish(): Promise<void> {
    this.#finished ??= this.#finish();
    return this.#finished;
  }

  /** The call failed as a whole: its error line, then what arrived is recognized and it ends. */
  fail(code: string, message: string): Promise<void> {
    if (!this.#ended) this.#report(code, message, undefined);
    return this.finish();
  }

  /** The call cannot go on at all (server closing): recognizers stop now, then the `end` line. */
  abort(code: string, message: string): Promise<void> {
    if (!this.#ended) this.#report(code, message, undefined);
    this.#ended = true;
    for (const track of this.#tracks) if (!track.stream.destroyed) track.stream.destroy();
    return this.finish();
  }

  async #finish(): Promise<void> {
    this.#ended = true;
    for (const track of this.#tracks) if (!track.stream.destroyed && !track.stream.writableEnded) track.stream.end();
    await Promise.all(this.#tracks.map((t) => t.done));
    this.#hooks.over?.();
    this.#hooks.line({ call: this.id, type: 'end' });
    this.#resolveClosed();
  }

  /**
   * A track takes audio again, or never will (it failed, it closed): either way it no longer holds
   * the source back, and once no track does the source reads again. Without this a track that
   * failed while full would leave the connection paused, its end of call never read.
   */
  #drained(track: Track): void {
    if (!track.full) return;
    track.full = false;
    if (this.writable) this.#onDrain?.();
  }

  #report(code: string, message: string, track: number | undefined): void {
    const channelTag = track === undefined ? undefined : this.#tracks[track]?.spec.channelTag;
    this.#hooks.line({ call: this.id, ...(channelTag !== undefined && { channelTag }), type: 'error', code, message });
    this.#hooks.error?.(code, message, track);
  }

  #open(spec: TrackSpec, index: number, settings: CallSettings): Track {
    const stream = createRecognizeStream({ ...settings.recognizer, ...spec.format, partialResults: settings.partialResults });
    const track: Track = { spec, stream, done: Promise.resolve(), full: false };
    track.done = new Promise<void>((resolve) => {
      stream.on('data', (result: RecognitionResult) => {
        const line = resultLine(this.id, spec.channelTag, result);
        if (line && (line.type === 'final' || settings.partialLines)) this.#hooks.line(line);
        this.#hooks.result?.(index, result);
      });
      stream.on('error', (error: Error) => {
        // A stream we destroyed ourselves (abort) says nothing new.
        if (!this.#ended || codeOf(error) !== 'SPEECHKIT_ERR_ABORTED') this.#report(codeOf(error), error.message, index);
        this.#drained(track);
        resolve();
      });
      stream.on('end', () => resolve());
      stream.on('close', () => {
        this.#drained(track);
        resolve();
      });
    });
    return track;
  }
}

/** The error line for a call whose id is not known yet (nothing was recognized, no `end` follows). */
export function callessError(code: string, message: string): ServeLine {
  return { type: 'error', code, message };
}

