import { Duplex } from 'node:stream';
import { adapterFor, type ApiAdapter, type ApiResponse } from './api/adapter.js';
import type { AudioFrame } from './audio/frame.js';
import { AudioIntake, type AudioFormat } from './audio/intake.js';
import { createCredentials, type Credentials } from './auth/credentials.js';
import { unsealAuth } from './auth/sealed-auth.js';
import { StreamProbe } from './diagnostics/stream-probe.js';
import { ErrorCodes, fromGrpcStatus, GrpcStatus, invalidAudio, SpeechKitError } from './errors.js';
import { resolveOptions, type RecognizeStreamOptions, type ResolvedOptions } from './options.js';
import type { RecognitionResult, StatusEvent } from './results.js';
import { Ledger } from './session/ledger.js';
import { IdleGap } from './session/idle.js';
import { RecoveryPolicy, type RecoveryDecision } from './session/recovery-policy.js';
import { ResultGate } from './session/result-gate.js';
import type { OwedStretch } from './session/repair.js';
import { Repairs, type RepairHost } from './session/repairs.js';
import { rolloverDecision, type RolloverReason } from './session/rollover.js';
import { seamOf, type SeamEvent } from './session/seam.js';
import { Session } from './session/session.js';
import { UTTERANCE_GAP_MS } from './session/speech-runs.js';
import { livenessExpectation } from './session/liveness.js';
import { StallGuard, stalledError } from './session/stall-guard.js';
import { EndFlush, type UnconfirmedEvent } from './session/end-flush.js';
import { sharedStartLimiter } from './session/start-limiter.js';
import { StartSlots, type StartWait } from './session/start-slots.js';
import { systemClock, type Clock } from './timing/clock.js';
import { Pacer } from './timing/pacer.js';
import { Feeder } from './stream/feeder.js';
import { EndOfAudio } from './stream/end-of-audio.js';
import { IdleKeeper } from './stream/idle-keeper.js';
import { ResultRouter } from './stream/result-router.js';
import { SessionFactory, sessionIds } from './stream/session-factory.js';
import { schedulerFor, type Scheduler, type SchedulerTimer } from './timing/scheduler.js';
import type { CallStatus, Transport } from './transport/call.js';
import { createGrpcTransport } from './transport/grpc-transport.js';
import type { RecognizeStreamEventArgs, RecognizeStreamListener, RolloverEvent } from './stream-events.js';

/** Frames due within this much of now leave at once rather than through a timer. */
const SEND_EARLY_MS = 0.5;
/** A write whose format is still undecided may hold this much before the writer waits. */
const MAX_UNDECIDED_BYTES = 1024 * 1024;
/**
 * Writes Node's Writable queues before `write()` returns false. It counts writes, not bytes (the
 * writable side takes objects, to type-check them itself): the default 16 would let a writer queue
 * 16 writes of any size on top of `maxBufferedMs`, so unsent audio is bounded by `maxBufferedMs`
 * plus the write that crossed it plus this one.
 */
const WRITES_QUEUED = 2;

/** Longest replay an end-of-utterance rollover may cost (see `cheapBoundary`). */
const MAX_EOU_REPLAY_MS = 5_000;

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
  /** Seams waiting for their replaced session to end (for the finals it dropped). */
  private readonly seams = new Map<number, SeamEvent>();
  /** Makes, numbers, opens and pauses the sessions; holds the ones whose call has not ended. */
  private readonly sessions: SessionFactory;
  private current: Session | undefined;
  /** The replay and the written audio on their way to the current session (see `Feeder`). */
  private readonly feeder: Feeder;
  /** Where the current session's gaps are: keep-alive fills only those. */
  private readonly idleGap: IdleGap;
  private readonly idle: IdleKeeper;
  private readonly endOfAudio: EndOfAudio;
  /** Decides, alone, whether and when a failed session is followed by a new one. */
  private readonly recovery: RecoveryPolicy;
  /** The backoff before the next session, or a forced credential refresh, is running. */
  private reopening = false;
  private readonly reopen: SchedulerTimer;
  /** How sessions queued for a start slot tell the recovery budget (queueing is the quota's time). */
  private readonly startWait: StartWait;
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
  /** Scratch for the per-frame rollover check (no allocation per frame). */
  private readonly nextUsage = { audioMs: 0, bytes: 0 };
  /** Errors of end-of-stream flush recoveries, with the stretch they were replaying. */
  private readonly flushFailures = new WeakMap<Error, Omit<UnconfirmedEvent, 'recoveries'>>();
  private readonly onAbort = () => this.destroy(abortError(this.options.signal));
  /** Kept so async failures point at the code that created the stream. */
  /** Where the stream was created; formatted only if an error needs it (formatting costs ~0.25 ms a stream). */
  private creationStack: Error | undefined;
  /** Publishes to the diagnostics channels (see `DiagnosticsChannels`). */
  private readonly probe: StreamProbe;

  constructor(options: RecognizeStreamOptions);
  /** @internal Tests hand in fakes (see `StreamInternals`); not in the published types. */
  constructor(options: RecognizeStreamOptions, internals: StreamInternals);
  constructor(options: RecognizeStreamOptions, internals: StreamInternals = {}) {
    const resolved = resolveOptions(options);
    super({ writableObjectMode: true, writableHighWaterMark: WRITES_QUEUED, readableObjectMode: true, readableHighWaterMark: resolved.readableHighWaterMark });
    this.options = resolved;
    this.api = adapterFor(resolved.api);
    this.ledger = new Ledger(resolved, this.api.followUps?.(resolved) ?? { refinement: false, endOfUtterance: false });
    this.clock = resolved.clock ?? systemClock;
    this.scheduler = schedulerFor(this.clock);
    this.wake = this.scheduler.timer(() => this.pump());
    this.flushTimer = this.scheduler.timer(() => this.pump());
    this.reopen = this.scheduler.timer(() => {
      this.reopening = false;
      this.pump();
      this.maybeEndReadable();
    });
    this.stalls = new StallGuard(this.scheduler, this.clock, resolved.stallTimeoutMs, (session) => session.cancel());
    this.probe = new StreamProbe(this.clock, resolved.api);
    this.slots = new StartSlots(this.probe.limiter(resolved.startLimiter === false ? undefined : resolved.startLimiter ?? sharedStartLimiter(this.scheduler, resolved.endpoint)));
    this.intake = new AudioIntake(resolved, resolved.chunkMs);
    this.pacer = new Pacer(resolved.pace, resolved.chunkMs, SEND_EARLY_MS);
    // Silence goes as a message of its duration only where the API has one (v3).
    const compress = this.api.silenceMessage !== undefined ? resolved.v3.compressSilence : undefined;
    this.feeder = new Feeder(this.intake, this.ledger.eouMarks, this.pacer, compress, resolved.encode !== undefined);
    this.idleGap = new IdleGap(resolved.pace === 0 ? resolved.chunkMs : Infinity);
    this.endOfAudio = new EndOfAudio(resolved, this.intake, this.endFlush, this.ledger, this.pacer, this.idleGap, this.clock, this.flushTimer, SEND_EARLY_MS, (session) => this.stalls.arm(session));
    this.idle = new IdleKeeper(resolved, this.api, this.intake, this.idleGap, this.pacer, this.clock, this.scheduler, SEND_EARLY_MS, {
      current: () => this.current,
      hasFrame: () => this.peekFrame() !== undefined,
      readerBlocked: () => this.readerBlocked,
      rolloverPending: () => this.slots.rolloverPending,
      destroyed: () => this.destroyed,
      rolloverAtLimit: () => this.requestRollover('limit'),
      endAtLimit: () => this.endAtLimit(),
      closeIdle: (session) => {
        this.dropPendingRollover();
        this.emit('idle', { session: session.index, atMs: session.streamEndMs });
        session.halfClose();
        this.startDrainTimer(session);
      },
      sent: (session) => this.stalls.arm(session),
      pump: () => this.pump(),
    });
    this.random = internals.random ?? Math.random;
    this.credentials = internals.credentials ?? createCredentials(unsealAuth(resolved.auth), {
      clock: this.clock,
      ca: resolved.ca,
      onEvent: (event) => this.emit('credentials', event),
    });
    this.transport = internals.transport ?? createGrpcTransport({ endpoint: resolved.endpoint, tls: resolved.tls, ca: resolved.ca });
    this.creationStack = new Error();
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
    this.repairs = new Repairs(this.repairHost());
    this.recovery = new RecoveryPolicy(resolved.retry, this.random, this.credentials.refresh !== undefined);
    this.startWait = {
      queued: () => this.recovery.queued(this.clock.now()),
      granted: () => this.recovery.granted(this.clock.now()),
    };
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
    this.reopen.clear();
    this.wake.clear();
    this.stalls.stop();
    this.flushTimer.clear();
    this.slots.cancel();
    this.idle.cancel();
    this.repairs.stop();
    for (const session of this.sessions.sessions()) {
      session.cancelDrain?.();
      session.cancelHealth?.();
      session.cancel();
    }
    this.transport.close();
    this.intake.close();
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
    const { sessionLimits, rollover } = this.options;
    for (;;) {
      if (this.utteranceDone) break;
      const frame = this.peekFrame();
      const session = this.current;
      if (!frame) {
        if (session && this.sendDueEou(session)) continue;
        break;
      }
      if (!session) {
        this.openNext();
        break;
      }
      if (session.state !== 'open' || session.blocked || this.readerBlocked) break;
      if (this.sendDueEou(session)) continue;
      this.nextUsage.audioMs = frame.durationMs;
      this.nextUsage.bytes = frame.data.length;
      const decision = rolloverDecision(session, this.nextUsage, sessionLimits, rollover, session.jitter01);
      if (decision === 'now') {
        // Past the hard margin nothing more goes to this session, even while the next one waits.
        if (this.requestRollover('limit')) continue;
        break;
      }
      if (decision === 'at-boundary') {
        session.inSoftWindow = true;
        if (this.feeder.silentRunMs >= rollover.silenceMs && this.requestRollover('silence')) continue;
      }
      const now = this.clock.now();
      const due = this.feeder.dueAt(frame, now, this.ledger.unconfirmedMs(session.streamEndMs) >= this.ledger.replayBound());
      if (due > now + SEND_EARLY_MS) {
        this.wakeAt(due);
        break;
      }
      this.feeder.take();
      const { silent, asSilence, speech } = this.feeder.level(frame);
      session.send(frame, asSilence, silent);
      this.endFlush.sent(frame.streamMs, frame.durationMs, speech);
      this.ledger.sent(frame, silent, now);
      this.feeder.sent(frame, silent, now);
      this.idleGap.audioSent(frame.durationMs, now);
    }
    if (this.current) this.stalls.arm(this.current);
    if (this.heldWrite && this.hasRoom()) {
      const release = this.heldWrite;
      this.heldWrite = undefined;
      release();
    }
    if (this.ending && !this.peekFrame()) this.finishAudio();
    else this.idle.arm();
  }

  /** Sends the next end-of-utterance mark if the session has heard all the audio before it. */
  private sendDueEou(session: Session): boolean {
    if (session.state !== 'open' || session.blocked || !this.ledger.eouMarks.dueAt(session.streamEndMs)) return false;
    session.sendEndOfUtterance();
    this.endFlush.eouSent(session.streamEndMs);
    this.ledger.eouMarks.take();
    this.idleGap.messageSent(this.clock.now());
    return true;
  }

  private wakeAt(at: number): void {
    this.wake.set(at);
  }


  /** All audio is sent: half-close and wait (bounded) for the service's last results. */
  private finishAudio(): void {
    this.idle.cancel();
    const session = this.current;
    if (session?.state === 'open') {
      if (!this.endOfAudio.flushed(session)) return;
      session.halfClose();
      this.startDrainTimer(session);
    }
    if (this.heldFinal && (!session || session.halfClosed)) {
      const final = this.heldFinal;
      this.heldFinal = undefined;
      final();
    }
    this.maybeEndReadable();
  }

  private maybeEndReadable(): void {
    if (this.readableDone || this.reopening || this.draining() || this.repairs.size > 0) return;
    const done = this.utteranceDone || (this.ending && !this.peekFrame());
    if (!done || (this.current && this.current.state !== 'ended')) return;
    this.readableDone = true;
    this.idle.cancel();
    this.push(null);
  }

  /**
   * The session is at its limit and its rollover still waits for a start slot: it ends now (a
   * clean half-close; the next session replays its audio since the last final), and the slot,
   * when it comes, opens the next session.
   */
  private endAtLimit(): void {
    this.slots.endAtLimit();
    this.rollover('limit');
  }

  /** Whether a half-closed session's last results are still awaited. */
  private draining(): boolean {
    for (const session of this.sessions.sessions()) if (session.cancelDrain) return true;
    return false;
  }

  private startDrainTimer(session: Session): void {
    if (session.cancelDrain || session.state === 'ended') return;
    const expire = () => {
      session.cancelDrain = undefined;
      if (session.state === 'ended') return;
      if (session.paused) {
        // Its last results wait behind the reader's backpressure, not on the service.
        session.cancelDrain = this.scheduler.at(this.clock.now() + this.options.drainTimeoutMs, expire);
        return;
      }
      if (session.retired) {
        // A replaced session owes us nothing the next one does not cover.
        session.cancel();
        return;
      }
      this.fail(new SpeechKitError(
        ErrorCodes.DRAIN_TIMEOUT,
        `SpeechKit sent no final status within ${this.options.drainTimeoutMs} ms after the audio ended (session ${session.index})`,
        sessionIds(session),
      ));
    };
    session.cancelDrain = this.scheduler.at(this.clock.now() + this.options.drainTimeoutMs, expire);
  }

  /** Moves the audio since `replayFromMs` back in line for the next session. */
  private requeueReplay(replayFromMs: number): void {
    this.feeder.requeue(this.ledger.takeReplay(replayFromMs));
  }

  /**
   * Where the next session starts after `from` (replaced, or `failed`): a pause within the replay
   * bound. Audio before it is no longer the stream's to replay; a seam is noted if speech is lost.
   */
  private cutAfter(from: Session, failed: boolean): number {
    const atMs = from.streamEndMs;
    const cut = this.ledger.cut(atMs);
    const lastRun = cut.owedRuns[cut.owedRuns.length - 1];
    // Finals end at the last word; a run ends up to a frame later.
    const ownedUntilMs = lastRun ? lastRun.endMs - UTTERANCE_GAP_MS / 2 : undefined;
    const stretch: OwedStretch | undefined = lastRun && {
      fromSession: from.index,
      atMs,
      untilMs: cut.startMs,
      runs: cut.owedRuns,
      frames: this.ledger.owedFrames(cut),
      attempts: 0,
      refused: 0,
    };
    if (!failed) {
      this.gate.replace(from.index, cut.oldOwns ? cut.startMs : undefined, cut.owedFinals, ownedUntilMs);
      if (stretch) this.repairs.owe(from.index, stretch);
    } else if (stretch) {
      // A failed session reports nothing more: what it owed is repaired at once.
      this.repairs.open(stretch, { reportedUntilMs: -Infinity, owedTimeless: cut.owedFinals }, ownedUntilMs);
    }
    const seam = seamOf(cut, failed, from.index, this.sessions.count, atMs, this.ledger.confirmedMs);
    if (seam && failed && !(stretch && cut.unreplayedFromMs === undefined)) this.emit('seam', seam);
    else if (seam && !failed) this.seams.set(from.index, seam);
    return cut.startMs;
  }

  /**
   * Rolls over now if a session start slot is free; otherwise queues for one and rolls over when it
   * comes, while the current session keeps taking audio (it is still inside its limits), so a busy
   * quota delays the switch instead of stalling the audio. Returns whether it rolled over now.
   */
  private requestRollover(reason: RolloverReason): boolean {
    const session = this.current;
    const now = this.slots.requestRollover(reason, (late) => {
      if (this.destroyed || this.utteranceDone || this.current !== session || session?.state !== 'open') return false;
      this.rollover(late);
      this.pump();
      return true;
    });
    if (now) this.rollover(reason);
    return now;
  }

  private dropPendingRollover(): void {
    this.slots.dropPending();
  }

  private rollover(reason: RolloverReason): void {
    const old = this.current!;
    const atMs = old.streamEndMs;
    old.retired = true;
    // The old session keeps only what the replay cannot cover.
    const replayFromMs = this.cutAfter(old, false);
    this.resolveHealthy(old);
    if (old.state === 'open') old.halfClose();
    this.startDrainTimer(old);
    this.current = undefined;
    this.requeueReplay(replayFromMs);
    this.idle.cancel();
    const event: RolloverEvent = { reason, fromSession: old.index, atMs, replayFromMs };
    this.probe.rollover(event);
    this.emit('rollover', event);
    this.openNext();
  }

  /** Opens the next session, unless one is current or a backoff still runs. */
  private openNext(): void {
    if (this.current || this.reopening || this.destroyed) return;
    this.openSession();
  }

  /**
   * The new session opens when the backoff is over and there is audio to send it (the replay, or
   * audio still to come); a stream whose audio all ended confirmed just ends.
   */
  private reopenAfter(decision: Extract<RecoveryDecision, { action: 'retry' }>): void {
    this.reopening = true;
    if (decision.refresh) {
      // An expired or revoked token: one forced refresh, then a new session at once.
      const now = () => this.reopen.set(this.clock.now());
      this.credentials.refresh!().then(now, now);
    } else {
      this.reopen.set(this.clock.now() + decision.delayMs);
    }
  }

  private openSession(): void {
    const first = this.peekFrame();
    const baseOffsetMs = first?.streamMs ?? this.intake.positionMs;
    const session = this.sessions.create(baseOffsetMs, {
      onResponse: (s, response) => this.onResponse(s, response),
      onDrain: () => this.pump(),
      onEnd: (s, status) => this.onSessionEnd(s, status),
    }, this.stalls.livenessFor(livenessExpectation(this.api.version, this.options.partialResults)));
    this.gate.open(session.index);
    this.current = session;
    this.endFlush.newSession();
    this.ledger.newSession();
    this.feeder.newSession();
    this.sessions.open(session, this.slots.slot(this.startWait, session), () => this.peekFrame(), () => {
      this.armHealthTimer(session);
      this.pacer.newSession();
      this.idleGap.opened(this.clock.now());
      this.pump();
    }, (error) => this.fail(error));
  }

  /** Health is earned by a session that runs: the timer starts when it opens, not while it queues. */
  private armHealthTimer(session: Session): void {
    if (!session.healthPending || this.options.retry === false) return;
    session.cancelHealth = this.scheduler.at(this.clock.now() + this.options.retry.healthyAfterMs, () => this.resolveHealthy(session));
  }

  /** The session ran long enough, or delivered a final: any recovery episode is over. */
  private resolveHealthy(session: Session): void {
    if (!session.healthPending) return;
    session.healthPending = false;
    session.cancelHealth?.();
    session.cancelHealth = undefined;
    this.recovery.onHealthy();
  }

  private onResponse(session: Session, response: ApiResponse): void {
    if (this.destroyed) return;
    if (response.status) this.emit('status', { session: session.index, ...response.status } satisfies StatusEvent);
    if (session === this.current) this.stalls.arm(session);
    const results = this.router.screen(session, this.options.partialResults ? response.results : response.results.filter((r) => r.type !== 'partial'));
    // What the session has finalized is settled first, so a rollover this response brings replays from it.
    if (session === this.current) {
      this.noteProgress(session, results);
      if (response.finalCursorMs !== undefined) {
        // The service's own account of what is final (v3 audio cursors): the exact replay point.
        // Never past what this session was sent: a cursor inside keep-alive silence maps to its start.
        this.ledger.offerConfirm(Math.min(session.timeline.toStreamMs(response.finalCursorMs), session.streamEndMs));
      }
    }
    if (results.length > 0) this.deliver(session, this.gate.accept(session.index, results));
    const boundary = results.some((r) => r.endOfUtterance) && this.cheapBoundary(session);
    if (boundary && session === this.current && session.inSoftWindow && !this.utteranceDone && session.state === 'open') {
      if (this.requestRollover('end-of-utterance')) this.pump();
    }
    // The end of the stream waits for the final covering the last speech (see `EndFlush`), and
    // unpaced audio past the replay bound waits for finals: either may go on now. Only after this
    // response's results went through the gate: a rollover the pump brings replaces the session,
    // and the gate would then take the finals that just confirmed its audio for the next one's.
    if ((this.flushTimer.pending || this.wake.pending) && session === this.current) this.pump();
  }

  /**
   * Whether an end of utterance is a good moment to roll over: the stream is in a pause, or the
   * new session would replay little. A late one (an `eou_update` a second behind, unpaced audio)
   * can come deep inside the next utterance: rolling over there replays all of it so far.
   */
  private cheapBoundary(session: Session): boolean {
    return this.feeder.silentRunMs >= UTTERANCE_GAP_MS || this.ledger.unconfirmedMs(session.streamEndMs) <= Math.min(this.ledger.replayBound(), MAX_EOU_REPLAY_MS);
  }

  /** Finals confirm the audio they cover, once what follows them (v3) has come too. */
  private noteProgress(session: Session, results: RecognitionResult[]): void {
    for (const result of results) {
      if (result.type === 'final') {
        this.resolveHealthy(session);
        this.ledger.final(result, session.streamEndMs);
      } else {
        this.ledger.followUp(result);
      }
    }
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
    this.startDrainTimer(session);
    this.heldWrite?.();
    this.heldWrite = undefined;
  }

  private onSessionEnd(session: Session, status: CallStatus): void {
    this.sessions.ended(session);
    this.slots.ended(session);
    session.cancelDrain?.();
    session.cancelDrain = undefined;
    session.cancelHealth?.();
    session.cancelHealth = undefined;
    if (this.destroyed) return;
    // Before the gate lets the next session's results pass: a repair's come first.
    this.repairs.sessionEnded(session.index);
    this.deliver(session, this.gate.end(session.index));
    const seam = this.seams.get(session.index);
    if (seam) {
      this.seams.delete(session.index);
      this.emit('seam', { ...seam, dropped: this.gate.takeDropped(session.index) } satisfies SeamEvent);
    }
    if (session.retired || session !== this.current) {
      this.maybeEndReadable();
      return;
    }
    this.dropPendingRollover();
    const flush = status.code === GrpcStatus.OK && session.halfClosed && this.ending ? this.endFlush.endedOk(session.index, this.ledger.confirmedMs) : 'ok';
    if (typeof flush === 'object') this.emit('unconfirmed', flush satisfies UnconfirmedEvent);
    if (status.code === GrpcStatus.OK && session.halfClosed && flush !== 'recover') {
      // A clean end we asked for: everything it heard is confirmed.
      this.resolveHealthy(session);
      this.ledger.confirm(session.streamEndMs);
      this.current = undefined;
      this.pump();
      this.maybeEndReadable();
      return;
    }
    const error = session.stalled
      ? stalledError(session, this.options.stallTimeoutMs, sessionIds(session))
      : flush === 'recover'
      ? this.flushFailure(session)
      : status.code === GrpcStatus.OK
      ? new SpeechKitError(ErrorCodes.SESSION_ENDED, `SpeechKit ended session ${session.index} while audio was still being sent`, sessionIds(session))
      : fromGrpcStatus(status, sessionIds(session), this.credentials.secrets());
    const decision = this.recovery.onFailure(error, this.clock.now());
    if (decision.action === 'fail') {
      const unconfirmed = this.flushFailures.get(error);
      if (unconfirmed) this.giveUpFlush(unconfirmed);
      else this.fail(decision.error);
      return;
    }
    // Recoverable: the next session hears again everything since the last final.
    // (A replaced session's finals reached the reader without confirming: none of them twice.)
    if (flush === 'recover') this.ledger.confirm(this.endFlush.finalsUpToMs);
    this.current = undefined;
    this.requeueReplay(this.cutAfter(session, true));
    this.idle.cancel();
    this.probe.retry(decision.event);
    this.emit('retry', decision.event);
    this.reopenAfter(decision);
  }

  /** An OK before the last speech was finalized: recovered like a failure, but never fatal (see `giveUpFlush`). */
  private flushFailure(session: Session): SpeechKitError {
    const error = new SpeechKitError(ErrorCodes.SESSION_ENDED, `SpeechKit ended session ${session.index} with OK before finalizing the last speech`, sessionIds(session));
    this.flushFailures.set(error, { session: session.index, fromMs: Math.max(this.ledger.confirmedMs, this.endFlush.finalsUpToMs), toMs: session.streamEndMs });
    return error;
  }

  /**
   * The retry budget ran out while replaying unconfirmed speech after the audio ended: nothing the
   * service could still say is owed, so the stream reports the stretch (`unconfirmed`) and ends
   * normally, as it does after the bounded flush recoveries.
   */
  private giveUpFlush(stretch: Omit<UnconfirmedEvent, 'recoveries'>): void {
    this.emit('unconfirmed', { ...stretch, recoveries: this.endFlush.recoveryCount } satisfies UnconfirmedEvent);
    this.feeder.dropReplay();
    this.ledger.clear();
    this.ledger.confirm(stretch.toMs);
    this.maybeEndReadable();
  }

  /** How repair sessions are made, started and heard (see `Repairs`). */
  private repairHost(): RepairHost {
    const { pace, chunkMs, drainTimeoutMs, sessionLimits, rollover } = this.options;
    const usage = { audioMs: 0, bytes: 0 };
    return {
      gate: this.gate,
      retry: this.options.retry,
      random: this.random,
      scheduler: this.scheduler,
      clock: this.clock,
      pace,
      chunkMs,
      drainTimeoutMs,
      earlyMs: SEND_EARLY_MS,
      newSession: (baseOffsetMs, handlers) => this.sessions.create(baseOffsetMs, handlers),
      start: (session, first, onOpen) => {
        this.sessions.open(session, this.slots.extra(session), () => first, onOpen, () => session.cancel('No credentials for the repair session'));
      },
      room: (session, ms, bytes) => {
        usage.audioMs = ms;
        usage.bytes = bytes;
        return rolloverDecision(session, usage, sessionLimits, rollover, 0.5) !== 'now';
      },
      sendSilence: (session, ms) => session.sendSilence(ms, () => this.intake.silence(ms)),
      response: (session, response) => {
        if (!this.destroyed && response.status) this.emit('status', { session: session.index, ...response.status } satisfies StatusEvent);
      },
      deliver: (session, results) => {
        if (!this.destroyed) this.deliver(session, results);
      },
      // A repair hears only speech no final reported: none of its finals can be a repeat.
      screen: (session, results) => (this.destroyed ? results : this.router.screen(session, results, true)),
      ended: (session) => {
        this.sessions.ended(session);
        this.slots.ended(session);
        if (this.destroyed) return;
        this.pump();
        this.maybeEndReadable();
      },
      seam: (event) => {
        if (!this.destroyed) this.emit('seam', event);
      },
    };
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
