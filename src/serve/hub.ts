import { createRecognizeStream, type RecognizeStreamOptions } from '../index.js';
import { CallRecognition, type CallHooks, type TrackSpec } from './call.js';
import { ServeErrorCodes } from './errors.js';
import type { ServeLine } from './lines.js';
import type { ResolvedServeOptions } from './options.js';

/**
 * The calls of one server: opens each with the server's recognizer options, sends its lines to
 * `onLine`, and forgets it once its `end` line is out. `close()` ends every call still running.
 */
export class CallHub {
  readonly #calls = new Set<CallRecognition>();
  readonly #options: ResolvedServeOptions;
  #closing = false;

  constructor(options: ResolvedServeOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#calls.size;
  }

  get closing(): boolean {
    return this.#closing;
  }

  line(line: ServeLine): void {
    this.#options.onLine(line);
  }

  /**
   * A new call. `interim` asks the recognizer for partials for the protocol's replies even when
   * partial lines are off. Throws `SPEECHKIT_ERR_INVALID_OPTION` when a track's format is refused.
   */
  open(id: string, tracks: readonly TrackSpec[], hooks: Omit<CallHooks, 'line' | 'over'> = {}, interim = false): CallRecognition {
    const self: { call?: CallRecognition } = {};
    // Counted until its `end` line: whoever reads that line finds the call gone.
    const over = () => {
      if (self.call) this.#calls.delete(self.call);
    };
    const call = (self.call = new CallRecognition(
      id,
      tracks,
      { recognizer: this.#options.recognizer, partialLines: this.#options.partial, partialResults: this.#options.partial || interim },
      { ...hooks, over, line: (line) => this.#options.onLine(line) },
    ));
    this.#calls.add(call);
    return call;
  }

  /** Ends every call: what arrived is recognized, each gets an error line and its `end`. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#calls].map((call) => call.fail(ServeErrorCodes.SHUTDOWN, 'the server is closing')));
  }
}

/** Throws `SPEECHKIT_ERR_INVALID_OPTION` now, before anything listens, if the options are wrong. */
export function probeRecognizerOptions(recognizer: RecognizeStreamOptions, format: TrackSpec['format']): void {
  createRecognizeStream({ ...recognizer, ...format }).destroy();
}
