import { Duplex } from 'node:stream';
import { adapterFor, type ApiAdapter } from './api/adapter.js';
import type { AudioFrame } from './audio/frame.js';
import { AudioIntake, type AudioFormat } from './audio/intake.js';
import { createCredentials, type Credentials } from './auth/credentials.js';
import { unsealAuth } from './auth/sealed-auth.js';
import { StreamProbe } from './diagnostics/stream-probe.js';
import { ErrorCodes, invalidAudio, SpeechKitError } from './errors.js';
import { resolveOptions, type RecognizeStreamOptions, type ResolvedOptions } from './options.js';
import type { RecognitionResult } from './results.js';
import { Ledger } from './session/ledger.js';
import { IdleGap } from './session/idle.js';
import { RecoveryPolicy } from './session/recovery-policy.js';
import { ResultGate } from './session/result-gate.js';
import { Repairs } from './session/repairs.js';
import { Session } from './session/session.js';
import { StallGuard } from './session/stall-guard.js';
import { EndFlush } from './session/end-flush.js';
import { sharedStartLimiter } from './session/start-limiter.js';
import { StartSlots } from './session/start-slots.js';
import { systemClock, type Clock } from './timing/clock.js';
import { Pacer } from './timing/pacer.js';
import { Feeder } from './stream/feeder.js';
import { EndOfAudio } from './stream/end-of-audio.js';
import { IdleKeeper } from './stream/idle-keeper.js';
import { ResultRouter } from './stream/result-router.js';
import { SessionFactory } from './stream/session-factory.js';
import { SessionTimers } from './stream/session-timers.js';
import { SessionController } from './stream/session-controller.js';
import { Responses } from './stream/responses.js';
import { FramePump } from './stream/frame-pump.js';
import { repairHostFor } from './stream/repair-host.js';
import { TurnEvents } from './stream/turn-events.js';
import { Finalizer } from './stream/finalizer.js';
import { schedulerFor, type Scheduler, type SchedulerTimer } from './timing/scheduler.js';
import type { Transport } from './transport/call.js';
import { createGrpcTransport } from './transport/grpc-transport.js';
import type { RecognizeStreamEventArgs, RecognizeStreamListener } from './stream-events.js';

/** Frames due within this much of now leave at once rather than through a timer. */
const SEND_EARLY_MS = 0.5;
/** A write whose format is still undecided may hold this much before the writer waits. */
const MAX_UNDECIDED_BYTES = 1024 * 1024;

export type { RolloverEvent } from './stream-events.js';

/** @internal Seams for tests: a fake transport, fake credentials, a fixed random source. */
export interface StreamInternals {
  transport?: Transport;
  credentials?: Credentials;
  random?: () => number;
}

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
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly intake: AudioIntake;
  private readonly pacer: Pacer;
  private readonly credentials: Credentials;
  private readonly transport: Transport;
  private readonly random: () => number;
  private readonly api: ApiAdapter;
  /** Confirmed position, replay, speech runs, marks: what the stream knows of the audio it sent. */
  private readonly ledger: Ledger;
  private readonly gate = new ResultGate();
  /** Speech replaced sessions owe, and the repair sessions that hear it again (see `Repair`). */
  private readonly repairs: Repairs;
  /** Makes, numbers, opens and pauses the sessions; holds the ones whose call has not ended. */
  private readonly sessions: SessionFactory;
  /** The replay and the written audio on their way to the current session (see `Feeder`). */
  private readonly feeder: Feeder;
  /** Where the current session's gaps are: keep-alive fills only those. */
  private readonly idleGap: IdleGap;
  private readonly idle: IdleKeeper;
  private readonly endOfAudio: EndOfAudio;
  /** Decides, alone, whether and when a failed session is followed by a new one. */
  private readonly recovery: RecoveryPolicy;
  /** Each session's drain and health timers. */
  private readonly timers: SessionTimers;
  /** The current session, the next one's opening, rollovers and what a session's end means. */
  private readonly ctl: SessionController;
  private readonly responses: Responses;
  private readonly frames: FramePump;
  private heldWrite: (() => void) | undefined;
  private heldFinal: ((error?: Error | null) => void) | undefined;
  private ending = false;
  private readableDone = false;
  private readerBlocked = false;
  private utteranceDone = false;
  /** Checks results' times before the gate and accounts for what reaches the reader after it. */
  private readonly router = new ResultRouter((warning) => this.emit('warning', warning));
  /** The pacing wake-up: one reusable scheduler entry, moved per frame (no allocation). */
  private readonly wake: SchedulerTimer;
  /** Notices a current session whose connection went silently dead (see `LivenessWatch`). */
  private readonly stalls: StallGuard;
  /** Makes the service finalize the last speech before the last half-close (see `EndFlush`). */
  private readonly endFlush = new EndFlush();
  private readonly flushTimer: SchedulerTimer;
  private pumping = false;
  private pumpAgain = false;
  /** Start slots for rollovers and the sessions they open (see `StartSlots`). */
  private readonly slots: StartSlots;
  private readonly onAbort = () => this.destroy(abortError(this.options.signal));
  /** Kept so async failures point at the code that created the stream. */
  private creationStack: string | undefined;
  /** Publishes to the diagnostics channels (see `DiagnosticsChannels`). */
  private readonly probe: StreamProbe;
  /** `speechStart` / `speechEnd` / `noInput`, heard as frames leave (see `TurnEvents`). */
  private readonly turns: TurnEvents;
  /** `finalize()` calls still owed (see `Finalizer`). */
  private readonly finalizer: Finalizer;

  constructor(options: RecognizeStreamOptions);
  /** @internal Tests hand in fakes (see `StreamInternals`); not in the published types. */
  constructor(options: RecognizeStreamOptions, internals: StreamInternals);
  constructor(options: RecognizeStreamOptions, internals: StreamInternals = {}) {
    const resolved = resolveOptions(options);
    super({ writableObjectMode: true, readableObjectMode: true, readableHighWaterMark: resolved.readableHighWaterMark });
    this.options = resolved;
    this.api = adapterFor(resolved.api);
    this.ledger = new Ledger(resolved, this.api.followUps?.(resolved) ?? { refinement: false, endOfUtterance: false });
    this.clock = resolved.clock ?? systemClock;
    this.scheduler = schedulerFor(this.clock);
    this.wake = this.scheduler.timer(() => this.pump());
    this.flushTimer = this.scheduler.timer(() => this.pump());
    this.stalls = new StallGuard(this.scheduler, this.clock, resolved.stallTimeoutMs, (session) => session.cancel());
    this.probe = new StreamProbe(this.clock, resolved.api);
    this.slots = new StartSlots(this.probe.limiter(resolved.startLimiter === false ? undefined : resolved.startLimiter ?? sharedStartLimiter(this.scheduler, resolved.endpoint)));
    this.intake = new AudioIntake(resolved, resolved.chunkMs);
    this.turns = new TurnEvents(resolved.voiceActivity, this.intake, ({ type, atMs }) => this.emit(type, { channelTag: '0', atMs }));
    this.pacer = new Pacer(resolved.pace, resolved.chunkMs, SEND_EARLY_MS);
    // Silence goes as a message of its duration only where the API has one (v3).
    const compress = this.api.silenceMessage !== undefined ? resolved.v3.compressSilence : undefined;
    this.feeder = new Feeder(this.intake, this.ledger.eouMarks, this.pacer, compress, resolved.encode !== undefined);
    this.idleGap = new IdleGap(resolved.pace === 0 ? resolved.chunkMs : Infinity);
    this.endOfAudio = new EndOfAudio(resolved, this.intake, this.endFlush, this.ledger, this.pacer, this.idleGap, this.clock, this.flushTimer, SEND_EARLY_MS, (session) => this.stalls.arm(session));
    this.idle = new IdleKeeper(resolved, this.api, this.intake, this.idleGap, this.pacer, this.clock, this.scheduler, SEND_EARLY_MS, {
      current: () => this.ctl.current,
      hasFrame: () => this.peekFrame() !== undefined,
      readerBlocked: () => this.readerBlocked,
      rolloverPending: () => this.slots.rolloverPending,
      destroyed: () => this.destroyed,
      rolloverAtLimit: () => this.ctl.requestRollover('limit'),
      endAtLimit: () => this.ctl.endAtLimit(),
      closeIdle: (session) => {
        this.ctl.dropPendingRollover();
        this.emit('idle', { session: session.index, atMs: session.streamEndMs });
        session.halfClose();
        this.timers.drain(session);
      },
      sent: (session) => this.stalls.arm(session),
      pump: () => this.pump(),
    });
    this.finalizer = new Finalizer({
      byMark: this.api.eouMessage !== undefined && resolved.v3.eouClassifier?.type === 'external',
      reopening: () => this.ctl.reopening,
      covered: () => this.endFlush.covered(this.ledger.confirmedMs),
      flushed: (session) => this.endOfAudio.flushed(session),
      close: (session) => {
        session.halfClose();
        this.timers.drain(session);
      },
      turnEnds: () => this.turns.flush(),
      flushRestarts: () => this.endFlush.newSession(),
    });
    this.random = internals.random ?? Math.random;
    this.credentials = internals.credentials ?? createCredentials(unsealAuth(resolved.auth), {
      clock: this.clock,
      ca: resolved.ca,
      onEvent: (event) => this.emit('credentials', event),
    });
    this.transport = internals.transport ?? createGrpcTransport({ endpoint: resolved.endpoint, tls: resolved.tls, ca: resolved.ca });
    this.creationStack = new Error().stack?.split('\n').slice(2).join('\n');
    this.sessions = new SessionFactory({
      options: resolved,
      api: this.api,
      intake: this.intake,
      credentials: this.credentials,
      transport: this.transport,
      random: this.random,
      observer: this.probe,
      onHeaders: (info) => this.emit('session', info),
      destroyed: () => this.destroyed,
    });
    const repairParts = { options: resolved, gate: this.gate, random: this.random, scheduler: this.scheduler, clock: this.clock, earlyMs: SEND_EARLY_MS, sessions: this.sessions, slots: this.slots, intake: this.intake, router: this.router };
    this.repairs = new Repairs(repairHostFor(repairParts, {
      destroyed: () => this.destroyed,
      status: (event) => this.emit('status', event),
      seam: (event) => this.emit('seam', event),
      deliver: (session, results) => this.deliver(session, results),
      resume: () => {
        this.pump();
        this.maybeEndReadable();
      },
    }));
    this.recovery = new RecoveryPolicy(resolved.retry, this.random, this.credentials.refresh !== undefined);
    const healthyAfterMs = resolved.retry === false ? undefined : resolved.retry.healthyAfterMs;
    this.timers = new SessionTimers(this.scheduler, this.clock, resolved.drainTimeoutMs, healthyAfterMs, () => this.recovery.onHealthy(), (error) => this.fail(error), (session) => this.finalizer.closing === session.index && !this.ending);
    this.ctl = new SessionController({
      options: resolved, api: this.api, clock: this.clock, scheduler: this.scheduler, intake: this.intake, credentials: this.credentials,
      ledger: this.ledger, gate: this.gate, repairs: this.repairs, sessions: this.sessions, feeder: this.feeder, slots: this.slots,
      stalls: this.stalls, endFlush: this.endFlush, pacer: this.pacer, idleGap: this.idleGap, idle: this.idle, recovery: this.recovery,
      timers: this.timers, probe: this.probe,
    }, {
      emit: (event, ...args) => this.emit(event, ...args),
      destroyed: () => this.destroyed,
      ending: () => this.ending,
      finalizing: (session) => this.finalizer.closing === session.index,
      utteranceDone: () => this.utteranceDone,
      peekFrame: () => this.peekFrame(),
      pump: () => this.pump(),
      maybeEndReadable: () => this.maybeEndReadable(),
      fail: (error) => this.fail(error),
      onResponse: (session, response) => this.responses.heard(session, response),
      deliver: (session, results) => this.deliver(session, results),
    });
    this.responses = new Responses({ options: resolved, router: this.router, gate: this.gate, ledger: this.ledger, timers: this.timers, feeder: this.feeder, stalls: this.stalls, ctl: this.ctl }, {
      destroyed: () => this.destroyed,
      utteranceDone: () => this.utteranceDone,
      status: (event) => this.emit('status', event),
      deliver: (session, results) => this.deliver(session, results),
      // The end of the stream waits for the final covering the last speech (see `EndFlush`), and
      // unpaced audio past the replay bound waits for finals.
      waiting: () => this.flushTimer.pending || this.wake.pending,
      pump: () => this.pump(),
    });
    this.frames = new FramePump({
      options: resolved, clock: this.clock, feeder: this.feeder, ledger: this.ledger, endFlush: this.endFlush, idleGap: this.idleGap,
      ctl: this.ctl, finalizer: this.finalizer, turns: this.turns, wake: this.wake, earlyMs: SEND_EARLY_MS,
    }, {
      utteranceDone: () => this.utteranceDone,
      readerBlocked: () => this.readerBlocked,
      peekFrame: () => this.peekFrame(),
    });
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
    return this.sessions.count;
  }

  /**
   * Ends the current utterance here (API v3 with `eouClassifier: 'external'`): the service
   * finalizes everything written so far, and the audio written next starts a new utterance. The
   * mark travels with the audio: it reaches the service right after the last byte written before
   * the call, however far pacing holds that audio back, and is repeated in the right place if a
   * new session has to replay it. Throws `SPEECHKIT_ERR_INVALID_OPTION` without that classifier.
   */
  markEndOfUtterance(): void {
    if (!this.api.eouMessage || this.options.v3.eouClassifier?.type !== 'external') {
      throw new SpeechKitError(
        ErrorCodes.INVALID_OPTION,
        "markEndOfUtterance() needs `api: 'v3'` and `eouClassifier: 'external'`; otherwise the service ends utterances itself",
        { option: 'eouClassifier' },
      );
    }
    if (this.destroyed || this.ending || this.utteranceDone) return;
    // The framer ends a frame exactly here; a source that cannot cut gets a short frame flushed.
    const at = this.intake.cut() ?? this.intake.positionMs + this.intake.bufferedMs;
    if (this.ledger.eouMarks.add(at)) this.pump();
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
    const at = this.intake.cut() ?? this.intake.positionMs + this.intake.bufferedMs;
    const done = this.finalizer.add(at);
    if (this.api.eouMessage && this.options.v3.eouClassifier?.type === 'external') this.ledger.eouMarks.add(at);
    this.pump();
    return done;
  }

  /**
   * A write after `end()` is the caller's mistake, not the stream's failure: Node would destroy the
   * stream with it, losing the results still owed for the audio written before `end()`.
   */
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (!this.writableEnded || this.destroyed) return super.write(chunk, encoding as BufferEncoding, callback);
    const done = typeof encoding === 'function' ? encoding : callback;
    const error = new SpeechKitError(ErrorCodes.WRITE_AFTER_END, 'Audio was written after end(); it is ignored (the audio written before end() is still recognized)');
    if (done) process.nextTick(done, error);
    this.emit('warning', error);
    return false;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!(chunk instanceof Uint8Array)) {
      callback(invalidAudio(`Write audio as Buffer or Uint8Array; got ${describeChunk(chunk)}`));
      return;
    }
    if (this.utteranceDone) {
      // singleUtterance: the service has stopped listening; later audio is not part of the job.
      callback();
      return;
    }
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const receivedMs = this.intake.positionMs + this.intake.bufferedMs;
    try {
      this.intake.append(buffer);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.idleGap.audioWritten(this.intake.positionMs + this.intake.bufferedMs - receivedMs, this.clock.now());
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
    this.sessions.setPaused(!reading);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error) this.probe.error(error);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.ctl.stop();
    this.wake.clear();
    this.stalls.stop();
    this.flushTimer.clear();
    this.slots.cancel();
    this.idle.cancel();
    this.repairs.stop();
    for (const session of this.sessions.sessions()) {
      this.timers.ended(session);
      session.cancel();
    }
    this.transport.close();
    this.intake.close();
    this.finalizer.settleAll();
    this.credentials.release?.();
    this.creationStack = undefined;
    callback(error);
  }

  private hasRoom(): boolean {
    return this.intake.bufferedMs < this.options.maxBufferedMs && this.intake.undecidedBytes < MAX_UNDECIDED_BYTES;
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
    return this.feeder.peek(this.ending);
  }

  private pumpFrames(): void {
    this.frames.run();
    if (this.ctl.current) this.stalls.arm(this.ctl.current);
    if (this.heldWrite && this.hasRoom()) {
      const release = this.heldWrite;
      this.heldWrite = undefined;
      release();
    }
    if (this.ending && !this.peekFrame()) this.finishAudio();
    else this.idle.arm();
  }

  /** All audio is sent: half-close and wait (bounded) for the service's last results. */
  private finishAudio(): void {
    this.idle.cancel();
    this.turns.flush();
    const session = this.ctl.current;
    if (session?.state === 'open') {
      if (!this.endOfAudio.flushed(session)) return;
      session.halfClose();
      this.timers.drain(session);
    }
    if (this.heldFinal && (!session || session.halfClosed)) {
      const final = this.heldFinal;
      this.heldFinal = undefined;
      final();
    }
    this.maybeEndReadable();
  }

  private maybeEndReadable(): void {
    if (this.readableDone || this.ctl.reopening || this.timers.draining(this.sessions.sessions()) || this.repairs.size > 0) return;
    const done = this.utteranceDone || (this.ending && !this.peekFrame());
    if (!done || (this.ctl.current && this.ctl.current.state !== 'ended')) return;
    this.readableDone = true;
    this.idle.cancel();
    this.finalizer.settleAll();
    this.push(null);
  }

  /** Pushes what the gate released to the reader. */
  private deliver(session: Session, results: RecognitionResult[]): void {
    for (const result of results) {
      if (!this.router.deliverable(session, result, this.utteranceDone)) continue;
      if (result.type === 'final') {
        // A final without times covers what the stream placed it on (the ledger confirmed that
        // far), not everything its session was sent: a final for an earlier utterance must not
        // make the end of the stream look finalized.
        this.endFlush.finalled(result.endMs ?? this.ledger.confirmedMs);
      }
      this.probe.result(result);
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
    this.feeder.clear();
    this.ledger.eouMarks.clear();
    session.halfClose();
    this.timers.drain(session);
    this.heldWrite?.();
    this.heldWrite = undefined;
  }

  private fail(error: Error): void {
    if (this.destroyed) return;
    if (this.creationStack && error instanceof SpeechKitError && error.code !== ErrorCodes.ABORTED) {
      error.stack = `${error.stack}\n    --- stream created at ---\n${this.creationStack}`;
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

type WriteCallback = (error?: Error | null) => void;

function describeChunk(chunk: unknown): string {
  if (chunk === null) return 'null';
  if (typeof chunk === 'object') return (chunk as object).constructor?.name ?? 'an object';
  return typeof chunk;
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
