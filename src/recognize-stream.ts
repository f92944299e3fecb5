import { Duplex } from 'node:stream';
import { v2Adapter, type ApiAdapter } from './api/adapter.js';
import type { AudioFrame } from './audio/frame.js';
import { AudioIntake, type AudioFormat } from './audio/intake.js';
import { createCredentials, type Credentials } from './auth/credentials.js';
import { ErrorCodes, fromGrpcStatus, GrpcStatus, invalidAudio, redact, SpeechKitError } from './errors.js';
import { resolveOptions, type RecognizeStreamOptions, type ResolvedOptions } from './options.js';
import type { RecognitionResult, SessionInfo } from './results.js';
import { Session } from './session/session.js';
import { systemClock, type Clock } from './timing/clock.js';
import { Pacer } from './timing/pacer.js';
import { schedulerFor, type Scheduler } from './timing/scheduler.js';
import type { CallStatus, Transport } from './transport/call.js';
import { createGrpcTransport } from './transport/grpc-transport.js';

/** Frames due within this much of now leave at once rather than through a timer. */
const SEND_EARLY_MS = 0.5;

/** @internal Seams for tests: a fake transport and fake credentials. */
export interface StreamInternals {
  transport?: Transport;
  credentials?: Credentials;
}

/**
 * The Duplex users hold for a whole recognition job. Audio Buffers in, `RecognitionResult`s out.
 *
 * It is glue: audio intake makes frames, the pacer says when each may leave, a `Session` carries
 * them over one gRPC call. Every write goes through `pump()`, the one place that moves audio, so
 * a write can never reach a call that is not open.
 */
export class RecognizeStream extends Duplex {
  readonly options: ResolvedOptions;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly intake: AudioIntake;
  private readonly pacer: Pacer;
  private readonly credentials: Credentials;
  private readonly transport: Transport;
  private readonly api: ApiAdapter = v2Adapter;
  private readonly sessions: Session[] = [];
  private current: Session | undefined;
  private nextFrame: AudioFrame | undefined;
  private heldWrite: (() => void) | undefined;
  private heldFinal: ((error?: Error | null) => void) | undefined;
  private ending = false;
  private readerBlocked = false;
  private utteranceDone = false;
  private cancelWake: (() => void) | undefined;
  private cancelDrainTimer: (() => void) | undefined;
  private pumping = false;
  private readonly onAbort = () => this.destroy(abortError(this.options.signal));
  /** Kept so async failures point at the code that created the stream. */
  private creationStack: string | undefined;

  constructor(options: RecognizeStreamOptions, internals: StreamInternals = {}) {
    const resolved = resolveOptions(options);
    super({ writableObjectMode: true, readableObjectMode: true, readableHighWaterMark: resolved.readableHighWaterMark });
    this.options = resolved;
    this.clock = resolved.clock ?? systemClock;
    this.scheduler = schedulerFor(this.clock);
    this.intake = new AudioIntake(resolved, resolved.chunkMs);
    this.pacer = new Pacer(resolved.pace);
    this.credentials = internals.credentials ?? createCredentials(resolved.auth);
    this.transport = internals.transport ?? createGrpcTransport({ endpoint: resolved.endpoint, tls: resolved.tls });
    this.creationStack = new Error().stack?.split('\n').slice(2).join('\n');
    const { signal } = resolved;
    if (signal?.aborted) process.nextTick(this.onAbort);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The audio format in use, once the first bytes have decided it. */
  get audioFormat(): AudioFormat | undefined {
    return this.intake.format;
  }

  /** Sessions opened so far. */
  get sessionCount(): number {
    return this.sessions.length;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!(chunk instanceof Uint8Array)) {
      callback(invalidAudio(`Write audio as Buffer or Uint8Array; got ${chunk === null ? 'null' : typeof chunk === 'object' ? chunk.constructor?.name ?? 'an object' : typeof chunk}`));
      return;
    }
    if (this.utteranceDone) {
      // singleUtterance: the service has stopped listening; later audio is not part of the job.
      callback();
      return;
    }
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      this.intake.append(buffer);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (this.hasRoom()) callback();
    else this.heldWrite = () => callback();
    this.pump();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ending = true;
    if (this.utteranceDone) {
      callback();
      return;
    }
    this.heldFinal = callback;
    this.pump();
  }

  override _read(): void {
    if (!this.readerBlocked) return;
    this.readerBlocked = false;
    this.pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.cancelWake?.();
    this.cancelDrainTimer?.();
    for (const session of this.sessions) session.cancel();
    this.transport.close();
    this.creationStack = undefined;
    callback(error);
  }

  private hasRoom(): boolean {
    return this.intake.bufferedMs < this.options.maxBufferedMs && this.intake.undecidedBytes < 1024 * 1024;
  }

  /** The one place audio moves: pull a frame, wait for its time, send it, and finish when done. */
  private pump(): void {
    if (this.pumping || this.destroyed) return;
    this.pumping = true;
    try {
      this.pumpFrames();
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.pumping = false;
    }
  }

  private pumpFrames(): void {
    for (;;) {
      if (this.utteranceDone) break;
      if (!this.nextFrame) this.nextFrame = this.intake.next(this.ending);
      const frame = this.nextFrame;
      if (!frame) break;
      const session = this.current ?? this.openSession(frame.streamMs);
      if (session.state !== 'open' || session.blocked || this.readerBlocked) break;
      const now = this.clock.now();
      const due = this.pacer.dueAt(frame.streamMs, now);
      if (due > now + SEND_EARLY_MS) {
        this.wakeAt(due);
        break;
      }
      session.send(frame);
      this.pacer.sent(frame.streamMs, frame.durationMs, now);
      this.nextFrame = undefined;
    }
    if (this.heldWrite && this.hasRoom()) {
      const release = this.heldWrite;
      this.heldWrite = undefined;
      release();
    }
    if (this.ending && !this.nextFrame && this.intake.bufferedMs === 0) this.finishAudio();
  }

  private wakeAt(at: number): void {
    this.cancelWake?.();
    this.cancelWake = this.scheduler.at(at, () => {
      this.cancelWake = undefined;
      this.pump();
    });
  }

  /** All audio is sent: half-close and wait (bounded) for the service's last results. */
  private finishAudio(): void {
    const final = this.heldFinal;
    if (!final) return;
    const session = this.current;
    if (!session) {
      this.heldFinal = undefined;
      final();
      this.push(null);
      return;
    }
    if (session.state === 'opening') return;
    this.heldFinal = undefined;
    session.halfClose();
    this.startDrainTimer(session);
    final();
  }

  private startDrainTimer(session: Session): void {
    if (this.cancelDrainTimer) return;
    this.cancelDrainTimer = this.scheduler.at(this.clock.now() + this.options.drainTimeoutMs, () => {
      this.cancelDrainTimer = undefined;
      if (session.state === 'ended') return;
      const error = new SpeechKitError(
        ErrorCodes.DRAIN_TIMEOUT,
        `SpeechKit sent no final status within ${this.options.drainTimeoutMs} ms after the audio ended (session ${session.index})`,
        { session: session.index, clientRequestId: session.clientRequestId, ...(session.requestId && { requestId: session.requestId }) },
      );
      this.destroy(error);
    });
  }

  private openSession(baseOffsetMs: number): Session {
    const format = this.intake.format!;
    const session = new Session(this.sessions.length, baseOffsetMs, this.api, {
      onResults: (s, results) => this.onResults(s, results),
      onHeaders: (s) => this.emit('session', sessionInfo(s)),
      onDrain: () => this.pump(),
      onEnd: (s, status) => this.onSessionEnd(s, status),
    });
    this.sessions.push(session);
    this.current = session;
    const metadata = { ...this.options.metadata, ...this.api.metadata(this.options) };
    const config = this.api.configMessage(this.options, format);
    this.credentials.authorization().then(
      (authorization) => {
        if (this.destroyed || session.state !== 'opening') return;
        session.open(this.transport, { ...metadata, authorization }, config);
        this.pump();
      },
      (error: unknown) => {
        const message = redact(error instanceof Error ? error.message : String(error), this.credentials.secrets());
        this.destroy(new SpeechKitError(ErrorCodes.AUTH, `Could not get credentials: ${message}`, { session: session.index }));
      },
    );
    return session;
  }

  private onResults(session: Session, results: RecognitionResult[]): void {
    for (const result of results) {
      if (this.utteranceDone) return;
      if (!this.push(result)) this.readerBlocked = true;
      if (this.options.singleUtterance && result.final && result.endOfUtterance) {
        // The service stops listening after one utterance and waits for the client to close.
        this.utteranceDone = true;
        this.nextFrame = undefined;
        session.halfClose();
        this.startDrainTimer(session);
        this.heldWrite?.();
        this.heldWrite = undefined;
      }
    }
  }

  private onSessionEnd(session: Session, status: CallStatus): void {
    if (this.destroyed) return;
    this.cancelDrainTimer?.();
    this.cancelDrainTimer = undefined;
    if (status.code === GrpcStatus.OK && session.halfClosed) {
      if (this.heldFinal) {
        const final = this.heldFinal;
        this.heldFinal = undefined;
        final();
      }
      this.push(null);
      return;
    }
    const ids = {
      session: session.index,
      clientRequestId: session.clientRequestId,
      ...(session.requestId && { requestId: session.requestId }),
      ...(session.traceId && { traceId: session.traceId }),
    };
    const error =
      status.code === GrpcStatus.OK
        ? new SpeechKitError(ErrorCodes.SESSION_ENDED, `SpeechKit ended session ${session.index} while audio was still being sent`, ids)
        : fromGrpcStatus(status, ids, this.credentials.secrets());
    if (this.creationStack) error.stack = `${error.stack}\n    --- stream created at ---\n${this.creationStack}`;
    this.destroy(error);
  }
}

function sessionInfo(session: Session): SessionInfo {
  return {
    session: session.index,
    clientRequestId: session.clientRequestId,
    ...(session.requestId !== undefined && { requestId: session.requestId }),
    ...(session.traceId !== undefined && { traceId: session.traceId }),
    baseOffsetMs: session.baseOffsetMs,
  };
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
