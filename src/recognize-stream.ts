import { Duplex } from 'node:stream';
import type { AudioFrame } from './audio/frame.js';
import type { AudioFormat } from './audio/intake.js';
import { ErrorCodes, SpeechKitError } from './errors.js';
import { resolveOptions, type RecognizeStreamOptions, type ResolvedOptions } from './options.js';
import type { RecognitionResult } from './results.js';
import type { Session } from './session/session.js';
import type { StreamUpdate } from './stream/settings-update.js';
import { assembleStream, type StreamInternals, type StreamParts } from './stream/stream-parts.js';
import { notAudioError, refuseWriteAfterEnd, type WriteCallback } from './stream/written.js';
import type { RecognizeStreamEventArgs, RecognizeStreamListener } from './stream-events.js';

/** A write whose format is still undecided may hold this much before the writer waits. */
const MAX_UNDECIDED_BYTES = 1024 * 1024;
/**
 * Writes Node's Writable queues before `write()` returns false. It counts writes, not bytes (the
 * writable side takes objects, to type-check them itself): the default 16 would let a writer queue
 * 16 writes of any size on top of `maxBufferedMs`, so unsent audio is bounded by `maxBufferedMs`
 * plus the write that crossed it plus this one.
 */
const WRITES_QUEUED = 2;

export type { RolloverEvent } from './stream-events.js';

export type { StreamInternals } from './stream/stream-parts.js';

/**
 * The Duplex users hold for a whole recognition job. Audio Buffers in, `RecognitionResult`s out.
 *
 * Sessions come and go underneath (rollover before limits, recovery after failures, idle
 * closes); the user's stream never points at a dead one. Every frame goes through `pump()`, the
 * one place that moves audio, and it only ever writes to the current, open session.
 */
export class RecognizeStream extends Duplex {
  /** The options as validated, defaults applied; `auth` names only its kind (credentials are sealed away). */
  readonly options: ResolvedOptions;
  /** The stream's parts (see `StreamParts`). */
  private readonly p: StreamParts;
  private heldWrite: (() => void) | undefined;
  private heldFinal: ((error?: Error | null) => void) | undefined;
  private ending = false;
  private readableDone = false;
  private readerBlocked = false;
  private utteranceDone = false;
  private pumping = false;
  private pumpAgain = false;
  private readonly onAbort = () => this.destroy(abortError(this.options.signal));
  /** Where the stream was created, so async failures point at it; formatted only if an error needs it (formatting costs ~0.25 ms a stream). */
  private creationStack: Error | undefined;

  constructor(options: RecognizeStreamOptions);
  /** @internal Tests hand in fakes (see `StreamInternals`); not in the published types. */
  constructor(options: RecognizeStreamOptions, internals: StreamInternals);
  constructor(options: RecognizeStreamOptions, internals: StreamInternals = {}) {
    const resolved = resolveOptions(options);
    super({ writableObjectMode: true, writableHighWaterMark: WRITES_QUEUED, readableObjectMode: true, readableHighWaterMark: resolved.readableHighWaterMark });
    this.options = resolved;
    this.p = assembleStream(resolved, internals, {
      emit: (event, ...args) => this.emit(event, ...args),
      destroyed: () => this.destroyed,
      ending: () => this.ending,
      utteranceDone: () => this.utteranceDone,
      readerBlocked: () => this.readerBlocked,
      peekFrame: () => this.peekFrame(),
      pump: () => this.pump(),
      maybeEndReadable: () => this.maybeEndReadable(),
      fail: (error) => this.fail(error),
      deliver: (session, results) => this.deliver(session, results),
    });
    this.creationStack = new Error();
    const { signal } = resolved;
    if (signal?.aborted) process.nextTick(this.onAbort);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The audio format in use, once the first bytes have decided it. */
  get audioFormat(): AudioFormat | undefined {
    return this.p.intake.format;
  }

  /** Sessions opened so far. */
  get sessionCount(): number {
    return this.p.sessions.count;
  }

  /**
   * Ends the current utterance here (API v3 with `eouClassifier: 'external'`): the service
   * finalizes everything written so far, and the audio written next starts a new utterance. The
   * mark travels with the audio: it reaches the service right after the last byte written before
   * the call, however far pacing holds that audio back, and is repeated in the right place if a
   * new session has to replay it. Throws `SPEECHKIT_ERR_INVALID_OPTION` without that classifier.
   */
  markEndOfUtterance(): void {
    if (!this.p.api.eouMessage || this.options.v3.eouClassifier?.type !== 'external') {
      throw new SpeechKitError(
        ErrorCodes.INVALID_OPTION,
        "markEndOfUtterance() needs `api: 'v3'` and `eouClassifier: 'external'`; otherwise the service ends utterances itself",
        { option: 'eouClassifier' },
      );
    }
    if (this.destroyed || this.ending || this.utteranceDone) return;
    // The framer ends a frame exactly here; a source that cannot cut gets a short frame flushed.
    const at = this.p.intake.cut() ?? this.p.intake.positionMs + this.p.intake.bufferedMs;
    if (this.p.ledger.eouMarks.add(at)) this.pump();
  }

  /**
   * The service finalizes everything written so far, and the stream goes on: the promise resolves
   * once the finals for that audio reached the reader. With API v3 and `eouClassifier: 'external'`
   * an end-of-utterance mark does it inside the session; otherwise the session is half-closed at
   * once (its finals are delivered) and the audio written next goes to a new session that replays
   * nothing, all before it being final (a session that fails or ends without the final is
   * recovered, the replay followed by silence). Audio with no speech since the last final resolves
   * as soon as it was sent, with nothing closed; the end of the stream or `destroy()` resolves
   * every call still owed. See `Finalizer`.
   */
  finalize(): Promise<void> {
    if (this.destroyed || this.readableDone || this.utteranceDone) return Promise.resolve();
    const at = this.p.intake.cut() ?? this.p.intake.positionMs + this.p.intake.bufferedMs;
    const done = this.p.finalizer.add(at);
    if (this.p.api.eouMessage && this.options.v3.eouClassifier?.type === 'external') this.p.ledger.eouMarks.add(at);
    this.pump();
    return done;
  }

  /**
   * Changes settings from the next session on (see `StreamUpdate` for which): the stream rolls
   * over for them at the next end of utterance or pause. Validated at once: an invalid or
   * unchangeable setting throws `SPEECHKIT_ERR_INVALID_OPTION` naming it, and nothing changes.
   * Updates before the switch add up; the latest value of each setting wins.
   */
  update(settings: StreamUpdate): void {
    this.p.updates.request(settings);
    if (!this.destroyed) this.pump();
  }

  /** A write after `end()` is a warning, not the loss of the results still owed (see `refuseWriteAfterEnd`). */
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (!this.writableEnded || this.destroyed) return super.write(chunk, encoding as BufferEncoding, callback);
    return refuseWriteAfterEnd((error) => this.emit('warning', error), encoding, callback);
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!(chunk instanceof Uint8Array)) {
      callback(notAudioError(chunk));
      return;
    }
    if (this.utteranceDone) {
      // singleUtterance: the service has stopped listening; later audio is not part of the job.
      callback();
      return;
    }
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const receivedMs = this.p.intake.positionMs + this.p.intake.bufferedMs;
    try {
      this.p.intake.append(buffer);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.p.idleGap.audioWritten(this.p.intake.positionMs + this.p.intake.bufferedMs - receivedMs, this.p.clock.now());
    if (this.hasRoom()) callback();
    else this.heldWrite = () => callback();
    this.pump();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ending = true;
    if (this.utteranceDone || this.readableDone) {
      callback();
      return;
    }
    this.heldFinal = callback;
    this.pump();
  }

  override _read(): void {
    if (!this.readerBlocked) return;
    this.readerBlocked = false;
    this.setReading(true);
    this.pump();
  }

  /**
   * Reader backpressure reaches the service: while the reader's buffer is full no call is read,
   * so gRPC flow control holds the service's responses there instead of in our memory.
   */
  private setReading(reading: boolean): void {
    this.p.sessions.setPaused(!reading);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error) this.p.probe.error(error);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.p.ctl.stop();
    this.p.wake.clear();
    this.p.stalls.stop();
    this.p.flushTimer.clear();
    this.p.slots.cancel();
    this.p.idle.cancel();
    this.p.repairs.stop();
    for (const session of this.p.sessions.sessions()) {
      this.p.timers.ended(session);
      session.cancel();
    }
    this.p.transport.close();
    this.p.intake.close();
    this.p.finalizer.settleAll();
    this.p.credentials.release?.();
    this.creationStack = undefined;
    callback(error);
  }

  private hasRoom(): boolean {
    return this.p.intake.bufferedMs < this.options.maxBufferedMs && this.p.intake.undecidedBytes < MAX_UNDECIDED_BYTES;
  }

  /**
   * The one place audio moves. A call made while it runs (a released write callback can bring the
   * next write synchronously) makes the running one go round again instead of nesting.
   */
  private pump(): void {
    if (this.destroyed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.pumpFrames();
      } while (this.pumpAgain && !this.destroyed);
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.pumping = false;
    }
  }

  private peekFrame(): AudioFrame | undefined {
    return this.p.feeder.peek(this.ending);
  }

  private pumpFrames(): void {
    this.p.frames.run();
    if (this.p.ctl.current) this.p.stalls.arm(this.p.ctl.current);
    if (this.heldWrite && this.hasRoom()) {
      const release = this.heldWrite;
      this.heldWrite = undefined;
      release();
    }
    if (this.ending && !this.peekFrame()) this.finishAudio();
    else this.p.idle.arm();
  }

  /** All audio is sent: half-close and wait (bounded) for the service's last results. */
  private finishAudio(): void {
    this.p.idle.cancel();
    this.p.turns.flush();
    const session = this.p.ctl.current;
    if (session?.state === 'open') {
      if (!this.p.endOfAudio.flushed(session)) return;
      session.halfClose();
      this.p.timers.drain(session);
    }
    if (this.heldFinal && (!session || session.halfClosed)) {
      const final = this.heldFinal;
      this.heldFinal = undefined;
      final();
    }
    this.maybeEndReadable();
  }

  private maybeEndReadable(): void {
    if (this.readableDone || this.p.ctl.reopening || this.p.timers.draining(this.p.sessions.sessions()) || this.p.repairs.size > 0) return;
    const done = this.utteranceDone || (this.ending && !this.peekFrame());
    if (!done || (this.p.ctl.current && this.p.ctl.current.state !== 'ended')) return;
    this.readableDone = true;
    this.p.idle.cancel();
    this.p.finalizer.settleAll();
    this.push(null);
  }

  /** Pushes what the gate released to the reader. */
  private deliver(session: Session, results: RecognitionResult[]): void {
    for (const result of results) {
      if (!this.p.router.deliverable(session, result, this.utteranceDone)) continue;
      if (result.type === 'final') {
        // A final without times covers what the stream placed it on (the ledger confirmed that
        // far), not everything its session was sent: a final for an earlier utterance must not
        // make the end of the stream look finalized.
        this.p.endFlush.finalled(result.endMs ?? this.p.ledger.confirmedMs);
      }
      this.p.probe.result(result);
      if (!this.push(result) && !this.readerBlocked) {
        this.readerBlocked = true;
        this.setReading(false);
      }
      if (this.options.singleUtterance && result.endOfUtterance) this.finishUtterance(session);
    }
  }

  /** singleUtterance: the service stops listening after one utterance and waits for the client to close. */
  private finishUtterance(session: Session): void {
    this.utteranceDone = true;
    this.p.feeder.clear();
    this.p.ledger.eouMarks.clear();
    session.halfClose();
    this.p.timers.drain(session);
    this.heldWrite?.();
    this.heldWrite = undefined;
  }

  private fail(error: Error): void {
    if (this.destroyed) return;
    const created = this.creationStack?.stack?.split('\n').slice(2).join('\n');
    if (created && error instanceof SpeechKitError && error.code !== ErrorCodes.ABORTED) {
      error.stack = `${error.stack}\n    --- stream created at ---\n${created}`;
    }
    this.destroy(error);
  }
}

/** The stream's events, typed: names and payloads in `RecognizeStreamEvents` (stream-events.ts). */
export interface RecognizeStream {
  /** Listens to `event`; the stream's own events and their payloads are in `RecognizeStreamEvents`. */
  on<E extends string | symbol>(event: E, listener: RecognizeStreamListener<E>): this;
  once<E extends string | symbol>(event: E, listener: RecognizeStreamListener<E>): this;
  off<E extends string | symbol>(event: E, listener: RecognizeStreamListener<E>): this;
  addListener<E extends string | symbol>(event: E, listener: RecognizeStreamListener<E>): this;
  removeListener<E extends string | symbol>(event: E, listener: RecognizeStreamListener<E>): this;
  prependListener<E extends string | symbol>(event: E, listener: RecognizeStreamListener<E>): this;
  prependOnceListener<E extends string | symbol>(event: E, listener: RecognizeStreamListener<E>): this;
  emit<E extends string | symbol>(event: E, ...args: RecognizeStreamEventArgs<E>): boolean;
}


function abortError(signal: AbortSignal | undefined): SpeechKitError {
  return new SpeechKitError(ErrorCodes.ABORTED, 'The recognition stream was aborted', { cause: signal?.reason });
}

/**
 * Creates the recognition Duplex: write raw audio Buffers, read `RecognitionResult` objects.
 * Options are validated here, before any network traffic; a bad option throws a
 * `SpeechKitError` with code `SPEECHKIT_ERR_INVALID_OPTION` naming it.
 */
export function createRecognizeStream(options: RecognizeStreamOptions): RecognizeStream {
  return new RecognizeStream(options);
}
