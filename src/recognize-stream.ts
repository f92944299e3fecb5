import { Duplex } from 'node:stream';
import { adapterFor, type ApiAdapter, type ApiResponse } from './api/adapter.js';
import type { AudioFrame } from './audio/frame.js';
import { AudioIntake, type AudioFormat } from './audio/intake.js';
import { isSilentPcm } from './audio/level.js';
import { createCredentials, type Credentials } from './auth/credentials.js';
import { ErrorCodes, fromGrpcStatus, GrpcStatus, invalidAudio, redact, SpeechKitError } from './errors.js';
import { resolveOptions, type RecognizeStreamOptions, type ResolvedOptions } from './options.js';
import type { RecognitionResult, SessionInfo, StatusEvent } from './results.js';
import { EouMarks } from './session/eou-marks.js';
import { FinalHold } from './session/final-hold.js';
import { defaultIdlePolicy, idleAction, type IdlePolicy } from './session/idle.js';
import { episodeFailure, markRefreshRetry, runEpisode, type RetryEvent } from './session/recovery.js';
import { ReplayBuffer } from './session/replay-buffer.js';
import { ResultGate } from './session/result-gate.js';
import { classify } from './session/retry-policy.js';
import { rolloverDecision, type RolloverReason } from './session/rollover.js';
import { Session } from './session/session.js';
import { sendAsSilence } from './session/silence.js';
import { livenessExpectation } from './session/liveness.js';
import { StallGuard, stalledError } from './session/stall-guard.js';
import { EndFlush, type UnconfirmedEvent } from './session/end-flush.js';
import { sharedStartLimiter, type SessionStartLimiter } from './session/start-limiter.js';
import { systemClock, type Clock } from './timing/clock.js';
import { Pacer } from './timing/pacer.js';
import { schedulerFor, type Scheduler, type SchedulerTimer } from './timing/scheduler.js';
import type { CallStatus, Transport } from './transport/call.js';
import { createGrpcTransport } from './transport/grpc-transport.js';

/** Frames due within this much of now leave at once rather than through a timer. */
const SEND_EARLY_MS = 0.5;
/** A write whose format is still undecided may hold this much before the writer waits. */
const MAX_UNDECIDED_BYTES = 1024 * 1024;
/** Shortest wait before the idle check looks again. */
const MIN_IDLE_RECHECK_MS = 10;

/** Payload of the `rollover` event. */
export interface RolloverEvent {
  reason: RolloverReason;
  /** Index of the session being replaced. */
  fromSession: number;
  /** Whole-stream position of the audio sent to it so far, in ms. */
  atMs: number;
  /** Whole-stream position the next session starts from (it replays `replayFromMs`…`atMs`). */
  replayFromMs: number;
}

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
  readonly options: ResolvedOptions;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly intake: AudioIntake;
  private readonly pacer: Pacer;
  private readonly credentials: Credentials;
  private readonly transport: Transport;
  private readonly random: () => number;
  private readonly api: ApiAdapter;
  private readonly replay: ReplayBuffer;
  private readonly gate = new ResultGate();
  /** Confirmations held while a final's refinement or end of utterance is owed (v3). */
  private readonly finalHold: FinalHold;
  /** Where the user ended utterances (external end-of-utterance classifier). */
  private readonly eouMarks = new EouMarks();
  /** Sessions whose call has not ended; ended ones are let go so a days-long stream stays small. */
  private readonly liveSessions = new Set<Session>();
  private sessionsOpened = 0;
  private current: Session | undefined;
  /** Audio sent to a replaced session that the next one must hear again, oldest first. */
  private replayQueue: AudioFrame[] = [];
  private nextFrame: AudioFrame | undefined;
  /** Whole-stream ms up to which finals have confirmed the audio. */
  private confirmedMs = 0;
  private silentRunMs = 0;
  private lastMessageAt = 0;
  private idlePolicy: IdlePolicy | undefined;
  private episodeActive = false;
  /** A forced credential refresh was tried since the last healthy session. */
  private authRefreshed = false;
  private readonly episodeAbort = new AbortController();
  private readonly healthWaiters = new Map<Session, { resolve: () => void; reject: (error: Error) => void; cancelTimer: () => void }>();
  private readonly drainTimers = new Map<Session, () => void>();
  private heldWrite: (() => void) | undefined;
  private heldFinal: ((error?: Error | null) => void) | undefined;
  private ending = false;
  private readableDone = false;
  private readerBlocked = false;
  private utteranceDone = false;
  /** Finals pushed to the reader (the gate numbers them 0, 1, … in the same order). */
  private finalsEmitted = 0;
  /** The pacing wake-up: one reusable scheduler entry, moved per frame (no allocation). */
  private readonly wake: SchedulerTimer;
  /** Notices a current session whose connection went silently dead (see `LivenessWatch`). */
  private readonly stalls: StallGuard;
  /** Makes the service finalize the last speech before the last half-close (see `EndFlush`). */
  private readonly endFlush = new EndFlush();
  private readonly flushTimer: SchedulerTimer;
  private cancelIdle: (() => void) | undefined;
  private pumping = false;
  private pumpAgain = false;
  /** Session starts are paced process-wide (the service's quota); undefined when turned off. */
  private readonly starts: SessionStartLimiter | undefined;
  /** A rollover waiting for a start slot; the current session keeps taking audio meanwhile. */
  private pendingRollover: { reason: RolloverReason; cancel: () => void } | undefined;
  /** The next session's start slot is already taken (by the rollover that opens it). */
  private startGranted = false;
  private cancelStartWait: (() => void) | undefined;
  /** Scratch for the per-frame rollover check (no allocation per frame). */
  private readonly nextUsage = { audioMs: 0, bytes: 0 };
  private readonly onAbort = () => this.destroy(abortError(this.options.signal));
  /** Kept so async failures point at the code that created the stream. */
  private creationStack: string | undefined;

  constructor(options: RecognizeStreamOptions, internals: StreamInternals = {}) {
    const resolved = resolveOptions(options);
    super({ writableObjectMode: true, readableObjectMode: true, readableHighWaterMark: resolved.readableHighWaterMark });
    this.options = resolved;
    this.api = adapterFor(resolved.api);
    this.finalHold = new FinalHold(this.api.followUps?.(resolved) ?? { refinement: false, endOfUtterance: false });
    this.clock = resolved.clock ?? systemClock;
    this.scheduler = schedulerFor(this.clock);
    this.wake = this.scheduler.timer(() => this.pump());
    this.flushTimer = this.scheduler.timer(() => this.pump());
    this.stalls = new StallGuard(this.scheduler, this.clock, resolved.stallTimeoutMs, (session) => session.cancel());
    this.starts = resolved.startLimiter === false ? undefined : resolved.startLimiter ?? sharedStartLimiter(this.scheduler, resolved.endpoint);
    this.intake = new AudioIntake(resolved, resolved.chunkMs);
    this.pacer = new Pacer(resolved.pace);
    this.replay = new ReplayBuffer(resolved.maxReplayMs);
    this.random = internals.random ?? Math.random;
    this.credentials = internals.credentials ?? createCredentials(resolved.auth, {
      clock: this.clock,
      ca: resolved.ca,
      onEvent: (event) => this.emit('credentials', event),
    });
    this.transport = internals.transport ?? createGrpcTransport({ endpoint: resolved.endpoint, tls: resolved.tls, ca: resolved.ca });
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
    return this.sessionsOpened;
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
    if (this.eouMarks.add(at)) this.pump();
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
    for (const session of this.liveSessions) session.setPaused(!reading);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.episodeAbort.abort();
    this.wake.clear();
    this.stalls.stop();
    this.flushTimer.clear();
    this.cancelStartWait?.();
    this.pendingRollover?.cancel();
    this.cancelIdle?.();
    for (const cancel of this.drainTimers.values()) cancel();
    for (const waiter of this.healthWaiters.values()) waiter.cancelTimer();
    this.healthWaiters.clear();
    for (const session of this.liveSessions) session.cancel();
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
    if (this.replayQueue.length > 0) return this.replayQueue[0];
    this.nextFrame ??= this.intake.next(this.ending) ?? this.flushForEou();
    return this.nextFrame;
  }

  /** For sources that cannot cut (see `FrameSource.cut`), a mark must not wait for a frame to fill up. */
  private flushForEou(): AudioFrame | undefined {
    if (!this.intake.format || !this.eouMarks.waitsBeyond(this.intake.positionMs)) return undefined;
    try {
      return this.intake.next(true);
    } catch {
      // Half a sample or half an Ogg page held back: the mark waits for the rest of it.
      return undefined;
    }
  }

  private takeFrame(): void {
    if (this.replayQueue.length > 0) this.replayQueue.shift();
    else this.nextFrame = undefined;
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
        this.startEpisode(undefined);
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
        if (this.silentRunMs >= rollover.silenceMs && this.requestRollover('silence')) continue;
      }
      const now = this.clock.now();
      let due = this.pacer.dueAt(frame.streamMs, now);
      // Faster than real time, the service's finals fall behind the audio; past the replay bound
      // a failure could no longer be replayed in full, so wait for them at real time.
      if (session.streamEndMs - this.confirmedMs >= this.replayBound()) due = Math.max(due, this.pacer.realTimeDueAt(now));
      if (due > now + SEND_EARLY_MS) {
        this.wakeAt(due);
        break;
      }
      this.takeFrame();
      const pcm = this.intake.format?.encoding === 'LINEAR16_PCM';
      // Only raw PCM may skip bytes: a container's pages must all arrive.
      const compress = pcm && this.api.silenceMessage !== undefined && this.options.v3.compressSilence !== undefined;
      // Silence matters to silence compression and, inside the soft window, as a rollover point;
      // scanning every frame of every stream otherwise is waste.
      // Stall detection (v2 owes a final after a pause) and the end-of-stream flush need it too.
      const silent = frame.silent ?? (pcm && isSilentPcm(frame.data));
      const level = frame.silent ?? (pcm ? silent : undefined);
      session.send(frame, compress && sendAsSilence(this.options.v3.compressSilence, this.silentRunMs, frame, silent), level);
      this.endFlush.sent(frame.streamMs, frame.durationMs, level === undefined ? undefined : !level);
      this.replay.add(frame);
      this.pacer.sent(frame.streamMs, frame.durationMs, now);
      this.lastMessageAt = now;
      this.silentRunMs = silent ? this.silentRunMs + frame.durationMs : 0;
    }
    if (this.current) this.stalls.arm(this.current);
    if (this.heldWrite && this.hasRoom()) {
      const release = this.heldWrite;
      this.heldWrite = undefined;
      release();
    }
    if (this.ending && !this.peekFrame()) this.finishAudio();
    else this.armIdleCheck();
  }

  /** Sends the next end-of-utterance mark if the session has heard all the audio before it. */
  private sendDueEou(session: Session): boolean {
    if (session.state !== 'open' || session.blocked || !this.eouMarks.dueAt(session.streamEndMs)) return false;
    session.sendEndOfUtterance();
    this.eouMarks.take();
    this.lastMessageAt = this.clock.now();
    return true;
  }

  private wakeAt(at: number): void {
    this.wake.set(at);
  }


  /** All audio is sent: half-close and wait (bounded) for the service's last results. */
  private finishAudio(): void {
    this.cancelIdle?.();
    const session = this.current;
    if (session?.state === 'open') {
      if (!this.flushed(session)) return;
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

  /** Whether the service has finalized the last speech, or we have waited long enough; else works towards it. */
  private flushed(session: Session): boolean {
    for (;;) {
      if (session.blocked) return false;
      const now = this.clock.now();
      const step = this.endFlush.next(now, this.confirmedMs, session.streamEndMs);
      if (step.kind === 'half-close') {
        this.flushTimer.clear();
        return true;
      }
      if (step.kind === 'wait') {
        this.flushTimer.set(step.untilMs);
        return false;
      }
      const { chunkMs, sessionLimits, rollover, pace } = this.options;
      this.nextUsage.audioMs = chunkMs;
      this.nextUsage.bytes = 0;
      if (rolloverDecision(session, this.nextUsage, sessionLimits, rollover, session.jitter01) === 'now') {
        // No room left in this session's limits: wait for the final without more silence.
        this.endFlush.silenceSent(Infinity);
        continue;
      }
      session.sendSilence(chunkMs, () => this.intake.silence(chunkMs));
      this.endFlush.silenceSent(chunkMs);
      this.lastMessageAt = now;
      this.stalls.arm(session);
      // Paced like audio: real time (or `pace` times it); unpaced at pace 0.
      if (pace > 0) {
        this.flushTimer.set(now + chunkMs / Math.max(pace, 1));
        return false;
      }
    }
  }

  private maybeEndReadable(): void {
    if (this.readableDone || this.episodeActive || this.drainTimers.size > 0) return;
    const done = this.utteranceDone || (this.ending && !this.peekFrame());
    if (!done || (this.current && this.current.state !== 'ended')) return;
    this.readableDone = true;
    this.cancelIdle?.();
    this.push(null);
  }

  private armIdleCheck(): void {
    const session = this.current;
    if (!session || session.state !== 'open' || this.ending || this.cancelIdle) return;
    // Never in the past: a check that finds audio still held would otherwise re-run at once, forever.
    const at = Math.max(this.lastMessageAt + this.options.idle.afterMs, this.clock.now() + MIN_IDLE_RECHECK_MS);
    this.cancelIdle = this.scheduler.at(at, () => {
      this.cancelIdle = undefined;
      this.onIdleCheck(session);
    });
  }

  private onIdleCheck(session: Session): void {
    if (this.destroyed || session !== this.current || session.state !== 'open' || this.ending) return;
    const now = this.clock.now();
    // A rollover waiting for its start slot at the hard margin holds audio back too: keep the session alive.
    const stuck = this.readerBlocked || session.blocked || !this.peekFrame() || this.pendingRollover !== undefined;
    const action = stuck ? idleAction(this.idlePolicyFor(), this.lastMessageAt, now, this.options.idle.afterMs) : 'wait';
    if (action === 'keepalive') {
      session.sendSilence(this.options.chunkMs, () => this.intake.silence(this.options.chunkMs));
      this.lastMessageAt = now;
      this.stalls.arm(session);
    } else if (action === 'close') {
      this.dropPendingRollover();
      this.emit('idle', { session: session.index, atMs: session.streamEndMs });
      session.halfClose();
      this.startDrainTimer(session);
      return;
    }
    this.pump();
    this.armIdleCheck();
  }

  private idlePolicyFor(): IdlePolicy {
    this.idlePolicy ??= this.options.idle.policy ?? defaultIdlePolicy(this.intake.format!.encoding, this.api.silenceMessage !== undefined);
    return this.idlePolicy;
  }

  private startDrainTimer(session: Session): void {
    if (this.drainTimers.has(session) || session.state === 'ended') return;
    const expire = () => {
      this.drainTimers.delete(session);
      if (session.state === 'ended') return;
      if (session.paused) {
        // Its last results wait behind the reader's backpressure, not on the service.
        this.drainTimers.set(session, this.scheduler.at(this.clock.now() + this.options.drainTimeoutMs, expire));
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
    this.drainTimers.set(session, this.scheduler.at(this.clock.now() + this.options.drainTimeoutMs, expire));
  }

  /** Longest replay, in ms: it must leave a new session room to progress before its own soft point. */
  private replayBound(): number {
    const { maxReplayMs, rollover, sessionLimits } = this.options;
    return Math.min(maxReplayMs, 0.5 * rollover.softRatio * sessionLimits.maxAudioMs);
  }

  /** Where the next session starts: the last confirmed final, within the replay bound. */
  private replayStart(positionMs: number): number {
    const { rollover, sessionLimits } = this.options;
    let start = Math.max(this.confirmedMs, this.replay.startMs ?? positionMs, positionMs - this.replayBound());
    const bytesBound = 0.5 * rollover.softRatio * sessionLimits.maxBytes;
    let bytes = 0;
    for (const frame of this.replay.from(start).reverse()) {
      bytes += frame.data.length;
      if (bytes > bytesBound) {
        start = frame.streamMs + frame.durationMs;
        break;
      }
    }
    return Math.min(start, positionMs);
  }

  /** Moves the audio since the last final back in line for the next session. */
  private requeueReplay(replayFromMs: number): void {
    this.replayQueue = [...this.replay.from(replayFromMs), ...this.replayQueue];
    this.replay.clear();
    this.eouMarks.requeue(replayFromMs);
  }

  /** The service has finalized the audio up to `streamMs`: a new session need not hear it again. */
  private confirm(streamMs: number): void {
    if (streamMs <= this.confirmedMs) return;
    this.confirmedMs = streamMs;
    this.replay.trimTo(streamMs);
    this.eouMarks.confirm(streamMs);
  }

  /**
   * Rolls over now if a session start slot is free; otherwise queues for one and rolls over when it
   * comes, while the current session keeps taking audio (it is still inside its limits), so a busy
   * quota delays the switch instead of stalling the audio. Returns whether it rolled over now.
   */
  private requestRollover(reason: RolloverReason): boolean {
    if (this.pendingRollover) return false;
    if (!this.starts || this.starts.tryAcquire()) {
      this.startGranted = this.starts !== undefined;
      this.rollover(reason);
      return true;
    }
    const session = this.current;
    const cancel = this.starts.acquire(() => {
      this.pendingRollover = undefined;
      if (this.destroyed || this.utteranceDone || this.current !== session || session?.state !== 'open') return;
      this.startGranted = true;
      this.rollover(reason);
      this.pump();
    });
    this.pendingRollover = { reason, cancel };
    return false;
  }

  private dropPendingRollover(): void {
    this.pendingRollover?.cancel();
    this.pendingRollover = undefined;
  }

  private rollover(reason: RolloverReason): void {
    const old = this.current!;
    const atMs = old.streamEndMs;
    const replayFromMs = this.replayStart(atMs);
    old.retired = true;
    // The old session keeps only what the replay cannot cover.
    this.gate.replace(old.index, replayFromMs > this.confirmedMs + 1e-6 ? replayFromMs : undefined);
    this.resolveHealthy(old);
    if (old.state === 'open') old.halfClose();
    this.startDrainTimer(old);
    this.current = undefined;
    this.requeueReplay(replayFromMs);
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    this.emit('rollover', { reason, fromSession: old.index, atMs, replayFromMs } satisfies RolloverEvent);
    this.startEpisode(undefined);
  }

  /** Opens sessions until one is healthy (see `runEpisode`); a no-op while one is running. */
  private startEpisode(cause: SpeechKitError | undefined): void {
    if (this.episodeActive || this.current || this.destroyed) return;
    this.episodeActive = true;
    let attempts = 0;
    runEpisode(this.options.retry, cause, this.scheduler, this.episodeAbort.signal, {
      open: () => {
        attempts++;
        return this.openSession();
      },
      onRetry: (event: RetryEvent) => this.emit('retry', event),
    }, this.random).then(
      () => {
        this.episodeActive = false;
        this.pump();
        this.maybeEndReadable();
      },
      (error: unknown) => {
        this.episodeActive = false;
        if (!this.destroyed) this.fail(episodeFailure(error, attempts));
      },
    );
  }

  private openSession(): Promise<void> {
    const first = this.peekFrame();
    const baseOffsetMs = first?.streamMs ?? this.intake.positionMs;
    const session = new Session(this.sessionsOpened++, baseOffsetMs, this.random(), this.api, {
      onResponse: (s, response) => this.onResponse(s, response),
      onHeaders: (s) => this.emit('session', sessionInfo(s)),
      onDrain: () => this.pump(),
      onEnd: (s, status) => this.onSessionEnd(s, status),
    }, this.stalls.livenessFor(livenessExpectation(this.api.version, this.options.partialResults)));
    this.liveSessions.add(session);
    if (this.readerBlocked) session.setPaused(true);
    this.gate.open(session.index);
    this.current = session;
    this.finalHold.reset();
    this.endFlush.newSession();
    this.silentRunMs = 0;
    const healthy = new Promise<void>((resolve, reject) => {
      const cancelTimer = this.options.retry === false
        ? () => {}
        : this.scheduler.at(this.clock.now() + this.options.retry.healthyAfterMs, () => this.resolveHealthy(session));
      this.healthWaiters.set(session, { resolve, reject, cancelTimer });
    });
    const metadata = { ...this.options.metadata, ...this.api.metadata(this.options) };
    const config = this.api.configMessage(this.options, this.intake.format!);
    Promise.all([this.credentials.authorization(), this.startSlot()]).then(
      ([authorization]) => {
        if (this.destroyed || session.state !== 'opening') return;
        session.open(this.transport, { ...metadata, authorization }, config, this.intake.openSession(this.peekFrame()));
        this.pacer.newSession();
        this.lastMessageAt = this.clock.now();
        this.pump();
      },
      (error: unknown) => {
        const message = redact(error instanceof Error ? error.message : String(error), this.credentials.secrets());
        this.fail(new SpeechKitError(ErrorCodes.AUTH, `Could not get credentials: ${message}`, { session: session.index }));
      },
    );
    return healthy;
  }

  /** Resolves when this session may start: at once if its rollover took the slot, else in the limiter's turn. */
  private startSlot(): Promise<void> {
    const granted = this.startGranted;
    this.startGranted = false;
    const starts = this.starts;
    if (granted || !starts || starts.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.cancelStartWait = starts.acquire(() => {
        this.cancelStartWait = undefined;
        resolve();
      });
    });
  }

  private resolveHealthy(session: Session): void {
    const waiter = this.healthWaiters.get(session);
    if (!waiter) return;
    this.authRefreshed = false;
    this.healthWaiters.delete(session);
    waiter.cancelTimer();
    waiter.resolve();
  }

  private onResponse(session: Session, response: ApiResponse): void {
    if (this.destroyed) return;
    if (response.status) this.emit('status', { session: session.index, ...response.status } satisfies StatusEvent);
    if (session === this.current) this.stalls.arm(session);
    const results = this.options.partialResults ? response.results : response.results.filter((r) => r.type !== 'partial');
    // What the session has finalized is settled first, so a rollover this response brings replays from it.
    if (session === this.current) {
      this.noteProgress(session, results);
      if (response.finalCursorMs !== undefined) {
        // The service's own account of what is final (v3 audio cursors): the exact replay point.
        // Never past what this session was sent: a cursor inside keep-alive silence maps to its start.
        this.offerConfirm(Math.min(session.timeline.toStreamMs(response.finalCursorMs), session.streamEndMs));
      }
    }
    // The end of the stream waits for the final covering the last speech (see `EndFlush`).
    if (this.flushTimer.pending && session === this.current) this.pump();
    if (results.length === 0) return;
    this.deliver(session, this.gate.accept(session.index, results));
    const boundary = results.some((r) => r.endOfUtterance);
    if (boundary && session === this.current && session.inSoftWindow && !this.utteranceDone && session.state === 'open') {
      if (this.requestRollover('end-of-utterance')) this.pump();
    }
  }

  /** Finals confirm the audio they cover, once what follows them (v3) has come too. */
  private noteProgress(session: Session, results: RecognitionResult[]): void {
    for (const result of results) {
      if (result.type === 'final') {
        this.resolveHealthy(session);
        this.finalHold.final(result.finalIndex);
        this.offerConfirm(result.endMs ?? session.streamEndMs);
        continue;
      }
      if (result.type === 'refinement') this.finalHold.refinement(result.finalIndex);
      else if (result.type === 'endOfUtterance') this.finalHold.endOfUtterance();
      else continue;
      const released = this.finalHold.release();
      if (released !== undefined) this.confirm(released);
    }
  }

  /** Confirms a position unless something is still owed for a final before it. */
  private offerConfirm(streamMs: number): void {
    const now = this.finalHold.offer(streamMs);
    if (now !== undefined) this.confirm(now);
  }

  /** Pushes what the gate released to the reader. */
  private deliver(session: Session, results: RecognitionResult[]): void {
    for (const result of results) {
      // After a single utterance only refinements of its finals still belong to the job.
      if (this.utteranceDone && !(result.type === 'refinement' && result.finalIndex < this.finalsEmitted)) continue;
      if (result.type === 'final') this.finalsEmitted++;
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
    this.nextFrame = undefined;
    this.replayQueue = [];
    this.eouMarks.clear();
    session.halfClose();
    this.startDrainTimer(session);
    this.heldWrite?.();
    this.heldWrite = undefined;
  }

  private onSessionEnd(session: Session, status: CallStatus): void {
    this.liveSessions.delete(session);
    this.drainTimers.get(session)?.();
    this.drainTimers.delete(session);
    if (this.destroyed) return;
    this.deliver(session, this.gate.end(session.index));
    if (session.retired || session !== this.current) {
      this.maybeEndReadable();
      return;
    }
    this.dropPendingRollover();
    const flush = status.code === GrpcStatus.OK && session.halfClosed && this.ending ? this.endFlush.endedOk(session.index, this.confirmedMs) : 'ok';
    if (typeof flush === 'object') this.emit('unconfirmed', flush satisfies UnconfirmedEvent);
    if (status.code === GrpcStatus.OK && session.halfClosed && flush !== 'recover') {
      // A clean end we asked for: everything it heard is confirmed.
      this.resolveHealthy(session);
      this.confirm(session.streamEndMs);
      this.current = undefined;
      this.pump();
      this.maybeEndReadable();
      return;
    }
    const error = session.stalled
      ? stalledError(session, this.options.stallTimeoutMs, sessionIds(session))
      : flush === 'recover'
      ? new SpeechKitError(ErrorCodes.SESSION_ENDED, `SpeechKit ended session ${session.index} with OK before finalizing the last speech`, sessionIds(session))
      : status.code === GrpcStatus.OK
      ? new SpeechKitError(ErrorCodes.SESSION_ENDED, `SpeechKit ended session ${session.index} while audio was still being sent`, sessionIds(session))
      : fromGrpcStatus(status, sessionIds(session), this.credentials.secrets());
    if (error.code === ErrorCodes.UNAUTHENTICATED && this.credentials.refresh && !this.authRefreshed) {
      // An expired or revoked token: one forced refresh and a new session; a second refusal fails.
      this.authRefreshed = true;
      markRefreshRetry(error, this.credentials.refresh());
    } else if (this.options.retry === false || classify(error.code) === 'fail') {
      this.fail(error);
      return;
    }
    // Recoverable: the next session hears again everything since the last final.
    this.current = undefined;
    this.requeueReplay(this.replayStart(session.streamEndMs));
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    const waiter = this.healthWaiters.get(session);
    if (waiter) {
      this.healthWaiters.delete(session);
      waiter.cancelTimer();
      waiter.reject(error);
    } else {
      this.startEpisode(error);
    }
  }

  private fail(error: Error): void {
    if (this.destroyed) return;
    if (this.creationStack && error instanceof SpeechKitError && error.code !== ErrorCodes.ABORTED) {
      error.stack = `${error.stack}\n    --- stream created at ---\n${this.creationStack}`;
    }
    this.destroy(error);
  }
}

function sessionIds(session: Session) {
  return {
    session: session.index,
    clientRequestId: session.clientRequestId,
    ...(session.requestId !== undefined && { requestId: session.requestId }),
    ...(session.traceId !== undefined && { traceId: session.traceId }),
  };
}

function sessionInfo(session: Session): SessionInfo {
  return { ...sessionIds(session), baseOffsetMs: session.baseOffsetMs };
}

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
