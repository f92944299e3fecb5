import { Duplex } from 'node:stream';
import { adapterFor, type ApiAdapter, type ApiResponse } from './api/adapter.js';
import type { AudioFrame } from './audio/frame.js';
import { AudioIntake, type AudioFormat } from './audio/intake.js';
import { isSilentPcm } from './audio/level.js';
import { createCredentials, type Credentials } from './auth/credentials.js';
import { unsealAuth } from './auth/sealed-auth.js';
import { ErrorCodes, fromGrpcStatus, GrpcStatus, invalidAudio, redact, SpeechKitError } from './errors.js';
import { resolveOptions, type RecognizeStreamOptions, type ResolvedOptions } from './options.js';
import type { RecognitionResult, SessionInfo, StatusEvent } from './results.js';
import { Ledger } from './session/ledger.js';
import { defaultIdlePolicy, IdleGap, keepAliveMs, keepAliveStep, MIN_KEEPALIVE_MS, type IdlePolicy } from './session/idle.js';
import { episodeFailure, markRefreshRetry, runEpisode, type RetryEvent, type StartWait } from './session/recovery.js';
import { ResultGate } from './session/result-gate.js';
import type { OwedStretch } from './session/repair.js';
import { Repairs, type RepairHost } from './session/repairs.js';
import { checkResultTimes } from './session/result-times.js';
import { classify } from './session/retry-policy.js';
import { rolloverDecision, type RolloverReason } from './session/rollover.js';
import { seamOf, type SeamEvent } from './session/seam.js';
import { Session } from './session/session.js';
import { UTTERANCE_GAP_MS } from './session/speech-runs.js';
import { sendAsSilence } from './session/silence.js';
import { livenessExpectation } from './session/liveness.js';
import { StallGuard, stalledError } from './session/stall-guard.js';
import { EndFlush, type UnconfirmedEvent } from './session/end-flush.js';
import { sharedStartLimiter } from './session/start-limiter.js';
import { StartSlots } from './session/start-slots.js';
import { systemClock, type Clock } from './timing/clock.js';
import { Pacer } from './timing/pacer.js';
import { schedulerFor, type Scheduler, type SchedulerTimer } from './timing/scheduler.js';
import type { CallStatus, Transport } from './transport/call.js';
import { createGrpcTransport } from './transport/grpc-transport.js';
import type { RecognizeStreamEventArgs, RecognizeStreamListener, RolloverEvent } from './stream-events.js';

/** Frames due within this much of now leave at once rather than through a timer. */
const SEND_EARLY_MS = 0.5;
/** A write whose format is still undecided may hold this much before the writer waits. */
const MAX_UNDECIDED_BYTES = 1024 * 1024;
/** Longest replay an end-of-utterance rollover may cost (see `cheapBoundary`). */
const MAX_EOU_REPLAY_MS = 5_000;
/** Shortest wait before the idle check looks again. */
const MIN_IDLE_RECHECK_MS = 10;

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
  /** Sessions whose call has not ended; ended ones are let go so a days-long stream stays small. */
  private readonly liveSessions = new Set<Session>();
  private sessionsOpened = 0;
  private current: Session | undefined;
  /** Audio sent to a replaced session that the next one must hear again, oldest first. */
  private replayQueue: AudioFrame[] = [];
  private nextFrame: AudioFrame | undefined;
  private silentRunMs = 0;
  /** Where the current session's gaps are: keep-alive fills only those. */
  private readonly idleGap: IdleGap;
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
  /** The session of the last timed final pushed, where it ended, and where older sessions' finals ended. */
  private readonly lastReport = { session: -1, endMs: -Infinity, priorEndMs: -Infinity };
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
  /** Start slots for rollovers and the sessions they open (see `StartSlots`). */
  private readonly slots: StartSlots;
  /** Scratch for the per-frame rollover check (no allocation per frame). */
  private readonly nextUsage = { audioMs: 0, bytes: 0 };
  /** Errors of end-of-stream flush recoveries, with the stretch they were replaying. */
  private readonly flushFailures = new WeakMap<Error, Omit<UnconfirmedEvent, 'recoveries'>>();
  private readonly onAbort = () => this.destroy(abortError(this.options.signal));
  /** Kept so async failures point at the code that created the stream. */
  private creationStack: string | undefined;

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
    this.slots = new StartSlots(resolved.startLimiter === false ? undefined : resolved.startLimiter ?? sharedStartLimiter(this.scheduler, resolved.endpoint));
    this.intake = new AudioIntake(resolved, resolved.chunkMs);
    this.pacer = new Pacer(resolved.pace, resolved.chunkMs, SEND_EARLY_MS);
    this.idleGap = new IdleGap(resolved.pace === 0 ? resolved.chunkMs : Infinity);
    this.random = internals.random ?? Math.random;
    this.credentials = internals.credentials ?? createCredentials(unsealAuth(resolved.auth), {
      clock: this.clock,
      ca: resolved.ca,
      onEvent: (event) => this.emit('credentials', event),
    });
    this.transport = internals.transport ?? createGrpcTransport({ endpoint: resolved.endpoint, tls: resolved.tls, ca: resolved.ca });
    this.creationStack = new Error().stack?.split('\n').slice(2).join('\n');
    this.repairs = new Repairs(this.repairHost());
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
    for (const session of this.liveSessions) session.setPaused(!reading);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.episodeAbort.abort();
    this.wake.clear();
    this.stalls.stop();
    this.flushTimer.clear();
    this.slots.cancel();
    this.cancelIdle?.();
    for (const cancel of this.drainTimers.values()) cancel();
    this.repairs.stop();
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
    if (!this.intake.format || !this.ledger.eouMarks.waitsBeyond(this.intake.positionMs)) return undefined;
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
      if (this.ledger.unconfirmedMs(session.streamEndMs) >= this.ledger.replayBound()) due = Math.max(due, this.pacer.realTimeDueAt(now));
      if (due > now + SEND_EARLY_MS) {
        this.wakeAt(due);
        break;
      }
      this.takeFrame();
      const pcm = this.intake.format?.encoding === 'LINEAR16_PCM';
      // Only raw PCM may skip bytes: a container's pages must all arrive.
      const compress = pcm && this.api.silenceMessage !== undefined && this.options.v3.compressSilence !== undefined;
      // Every PCM frame is scanned (speech answers within a few samples): silence is confirmed by the
      // stream itself, finals without word times are placed by it, stall detection (v2 owes a final
      // after a pause) and the end-of-stream flush read it. Ogg pages cannot be: undefined.
      const silent = frame.silent ?? (pcm ? isSilentPcm(frame.data) : undefined);
      session.send(frame, compress && sendAsSilence(this.options.v3.compressSilence, this.silentRunMs, frame, silent === true), silent);
      // Ogg Opus as written is judged by packet size: good enough to place rollovers and finals,
      // not to claim that its last packets (an encoder's tail) still await a final.
      const level = pcm || this.options.encode !== undefined ? silent : undefined;
      this.endFlush.sent(frame.streamMs, frame.durationMs, level === undefined ? undefined : !level);
      this.ledger.sent(frame, silent, now);
      this.pacer.sent(frame.streamMs, frame.durationMs, now);
      this.idleGap.audioSent(frame.durationMs, now);
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
    // A container's last page ends its stream: nothing may follow it.
    if (this.intake.format?.encoding !== 'LINEAR16_PCM') return true;
    for (;;) {
      if (session.blocked) return false;
      const now = this.clock.now();
      const step = this.endFlush.next(now, this.ledger.confirmedMs, session.streamEndMs);
      if (step.kind === 'half-close') {
        this.flushTimer.clear();
        return true;
      }
      if (step.kind === 'wait') {
        this.flushTimer.set(step.untilMs);
        return false;
      }
      const { chunkMs, sessionLimits, rollover } = this.options;
      this.nextUsage.audioMs = chunkMs;
      this.nextUsage.bytes = 0;
      if (rolloverDecision(session, this.nextUsage, sessionLimits, rollover, session.jitter01) === 'now') {
        // No room left in this session's limits: wait for the final without more silence.
        this.endFlush.silenceSent(Infinity);
        continue;
      }
      if (this.options.v3.eouClassifier?.type === 'external') {
        // This service never ends an utterance on silence: tell it where this one ends.
        session.sendEndOfUtterance();
        this.endFlush.eouSent(session.streamEndMs);
      } else {
        // Paced like keep-alive silence: within the session's absolute bound.
        const due = this.pacer.silenceDueAt(now);
        if (due > now + SEND_EARLY_MS) {
          this.flushTimer.set(due);
          return false;
        }
        session.sendSilence(chunkMs, () => this.intake.silence(chunkMs));
        this.pacer.silenceSent(chunkMs, now);
        this.endFlush.silenceSent(chunkMs);
      }
      this.idleGap.messageSent(now);
      this.stalls.arm(session);
    }
  }

  private maybeEndReadable(): void {
    if (this.readableDone || this.episodeActive || this.drainTimers.size > 0 || this.repairs.size > 0) return;
    const done = this.utteranceDone || (this.ending && !this.peekFrame());
    if (!done || (this.current && this.current.state !== 'ended')) return;
    this.readableDone = true;
    this.cancelIdle?.();
    this.push(null);
  }

  private armIdleCheck(): void {
    const session = this.current;
    if (!session || session.state !== 'open' || this.cancelIdle) return;
    // Never in the past: a check that finds audio still held would otherwise re-run at once, forever.
    const at = Math.max(this.idleGap.keepAliveAt(this.options.idle.afterMs, this.peekFrame() === undefined), this.clock.now() + MIN_IDLE_RECHECK_MS);
    this.cancelIdle = this.scheduler.at(at, () => {
      this.cancelIdle = undefined;
      this.onIdleCheck(session);
    });
  }

  private onIdleCheck(session: Session): void {
    if (this.destroyed || session !== this.current || session.state !== 'open') return;
    const now = this.clock.now();
    // Audio ready to go is paced, not idle. A rollover waiting for its start slot at the hard
    // margin holds audio back too (also after end()): keep the session alive meanwhile. A full
    // transport is not a gap: silence written now would queue behind the speech already waiting
    // and land between its frames. The drain pumps and re-arms this check; the stall watch handles
    // a transport that never drains.
    if (session.blocked) return;
    const filling = this.peekFrame() === undefined;
    const held = this.readerBlocked || filling || this.slots.rolloverPending;
    const gapMs = held ? this.idleGap.gapMs(now, this.options.idle.afterMs, filling) : 0;
    if (gapMs > 0 && this.idlePolicyFor() === 'close') {
      this.dropPendingRollover();
      this.emit('idle', { session: session.index, atMs: session.streamEndMs });
      session.halfClose();
      this.startDrainTimer(session);
      return;
    }
    if (gapMs > 0 && !this.keepAlive(session, now, gapMs)) return;
    this.pump();
    this.armIdleCheck();
  }

  /** Fills a gap with silence, counted against the session's limits and pacing like audio. Returns whether the session is still current. */
  private keepAlive(session: Session, now: number, gapMs: number): boolean {
    const { sessionLimits, rollover, chunkMs } = this.options;
    const plan = () => keepAliveStep({
      wantedMs: keepAliveMs(gapMs, chunkMs),
      usage: session,
      limits: sessionLimits,
      hardRatio: rollover.hardRatio,
      bytesPerMs: this.silenceBytesPerMs(),
      rolloverPending: this.slots.rolloverPending,
    });
    let step = plan();
    if (step.kind === 'rollover') {
      if (this.requestRollover('limit')) return false;
      step = plan();
    }
    if (step.kind === 'end-session') {
      this.endAtLimit();
      return false;
    }
    if (step.kind !== 'silence' || this.pacer.silenceDueAt(now) > now + SEND_EARLY_MS) return true;
    session.sendSilence(step.ms, () => this.intake.silence(step.ms));
    this.pacer.silenceSent(step.ms, now);
    this.idleGap.messageSent(now);
    this.stalls.arm(session);
    return true;
  }

  /** What keep-alive costs in bytes per ms (nothing when the API takes silence as a duration). */
  private silenceBytesPerMs(): number {
    if (this.api.silenceMessage) return 0;
    const probe = this.intake.silence(MIN_KEEPALIVE_MS);
    return probe.data.length / probe.durationMs;
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

  /** Moves the audio since `replayFromMs` back in line for the next session. */
  private requeueReplay(replayFromMs: number): void {
    this.replayQueue = [...this.ledger.takeReplay(replayFromMs), ...this.replayQueue];
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
    };
    if (!failed) {
      this.gate.replace(from.index, cut.oldOwns ? cut.startMs : undefined, cut.owedFinals, ownedUntilMs);
      if (stretch) this.repairs.owe(from.index, stretch);
    } else if (stretch) {
      // A failed session reports nothing more: what it owed is repaired at once.
      this.repairs.open(stretch, { reportedUntilMs: -Infinity, owedTimeless: cut.owedFinals }, ownedUntilMs);
    }
    const seam = seamOf(cut, failed, from.index, this.sessionsOpened, atMs, this.ledger.confirmedMs);
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
      open: (wait) => {
        attempts++;
        return this.openSession(wait);
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
        if (this.destroyed) return;
        const unconfirmed = error instanceof Error ? this.flushFailures.get(error) : undefined;
        if (unconfirmed) this.giveUpFlush(unconfirmed);
        else this.fail(episodeFailure(error, attempts));
      },
    );
  }

  private openSession(wait: StartWait): Promise<void> {
    const first = this.peekFrame();
    const baseOffsetMs = first?.streamMs ?? this.intake.positionMs;
    const session = new Session(this.sessionsOpened++, baseOffsetMs, this.random(), this.api, {
      onResponse: (s, response) => this.onResponse(s, response),
      onHeaders: (s) => this.emit('session', sessionInfo(s)),
      onDrain: () => this.pump(),
      onEnd: (s, status) => this.onSessionEnd(s, status),
      scrub: (text) => redact(text, this.credentials.secrets()),
    }, this.stalls.livenessFor(livenessExpectation(this.api.version, this.options.partialResults)));
    this.liveSessions.add(session);
    if (this.readerBlocked) session.setPaused(true);
    this.gate.open(session.index);
    this.current = session;
    this.endFlush.newSession();
    this.ledger.newSession();
    this.silentRunMs = 0;
    const healthy = new Promise<void>((resolve, reject) => {
      this.healthWaiters.set(session, { resolve, reject, cancelTimer: () => {} });
    });
    const metadata = { ...this.options.metadata, ...this.api.metadata(this.options) };
    const config = this.api.configMessage(this.options, this.intake.format!);
    Promise.all([this.credentials.authorization(), this.slots.slot(wait, session)]).then(
      ([authorization]) => {
        if (this.destroyed || session.state !== 'opening') return;
        session.open(this.transport, { ...metadata, authorization }, config, this.intake.openSession(this.peekFrame()));
        this.armHealthTimer(session);
        this.pacer.newSession();
        this.idleGap.opened(this.clock.now());
        this.pump();
      },
      (error: unknown) => {
        const message = redact(error instanceof Error ? error.message : String(error), this.credentials.secrets());
        this.fail(new SpeechKitError(ErrorCodes.AUTH, `Could not get credentials: ${message}`, { session: session.index }));
      },
    );
    return healthy;
  }

  /** Health is earned by a session that runs: the timer starts when it opens, not while it queues. */
  private armHealthTimer(session: Session): void {
    const waiter = this.healthWaiters.get(session);
    if (!waiter || this.options.retry === false) return;
    waiter.cancelTimer = this.scheduler.at(this.clock.now() + this.options.retry.healthyAfterMs, () => this.resolveHealthy(session));
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
    let results = this.options.partialResults ? response.results : response.results.filter((r) => r.type !== 'partial');
    for (const result of results) {
      const wrong = checkResultTimes(result, session.baseOffsetMs, session.streamEndMs);
      if (!wrong) continue;
      // Without its times a final of a session that heard reported audio again cannot be told
      // from a repeat of it: it goes, said in the warning, rather than risk saying words twice.
      const unplaceable = result.final && session.baseOffsetMs < this.reportedByOthersMs(session);
      if (unplaceable) results = results.filter((r) => r !== result);
      const message = unplaceable ? `${wrong}, and the final was dropped: its session heard reported audio again, so it cannot be placed` : wrong;
      this.emit('warning', new SpeechKitError(ErrorCodes.RESULT_TIMES, message, { session: session.index }));
    }
    // What the session has finalized is settled first, so a rollover this response brings replays from it.
    if (session === this.current) {
      this.noteProgress(session, results);
      if (response.finalCursorMs !== undefined) {
        // The service's own account of what is final (v3 audio cursors): the exact replay point.
        // Never past what this session was sent: a cursor inside keep-alive silence maps to its start.
        this.ledger.offerConfirm(Math.min(session.timeline.toStreamMs(response.finalCursorMs), session.streamEndMs));
      }
    }
    // The end of the stream waits for the final covering the last speech (see `EndFlush`).
    if (this.flushTimer.pending && session === this.current) this.pump();
    if (results.length === 0) return;
    this.deliver(session, this.gate.accept(session.index, results));
    const boundary = results.some((r) => r.endOfUtterance) && this.cheapBoundary(session);
    if (boundary && session === this.current && session.inSoftWindow && !this.utteranceDone && session.state === 'open') {
      if (this.requestRollover('end-of-utterance')) this.pump();
    }
  }

  /**
   * Whether an end of utterance is a good moment to roll over: the stream is in a pause, or the
   * new session would replay little. A late one (an `eou_update` a second behind, unpaced audio)
   * can come deep inside the next utterance: rolling over there replays all of it so far.
   */
  private cheapBoundary(session: Session): boolean {
    return this.silentRunMs >= UTTERANCE_GAP_MS || this.ledger.unconfirmedMs(session.streamEndMs) <= Math.min(this.ledger.replayBound(), MAX_EOU_REPLAY_MS);
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

  /** End of the audio reported by finals of sessions older than `session`. */
  private reportedByOthersMs(session: Session): number {
    return this.lastReport.session === session.index ? this.lastReport.priorEndMs : this.lastReport.endMs;
  }

  /** Pushes what the gate released to the reader. */
  private deliver(session: Session, results: RecognitionResult[]): void {
    for (const result of results) {
      // After a single utterance only refinements of its finals still belong to the job.
      if (this.utteranceDone && !(result.type === 'refinement' && result.finalIndex < this.finalsEmitted)) continue;
      if (result.type === 'final') {
        this.finalsEmitted++;
        if (result.endMs !== undefined) {
          if (this.lastReport.session !== session.index) this.lastReport.priorEndMs = this.lastReport.endMs;
          this.lastReport.session = session.index;
          this.lastReport.endMs = Math.max(this.lastReport.endMs, result.endMs);
        }
        // A final without times covers what the stream placed it on (the ledger confirmed that
        // far), not everything its session was sent: a final for an earlier utterance must not
        // make the end of the stream look finalized.
        this.endFlush.finalled(result.endMs ?? this.ledger.confirmedMs);
      }
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
    this.ledger.eouMarks.clear();
    session.halfClose();
    this.startDrainTimer(session);
    this.heldWrite?.();
    this.heldWrite = undefined;
  }

  private onSessionEnd(session: Session, status: CallStatus): void {
    this.liveSessions.delete(session);
    this.slots.ended(session);
    this.drainTimers.get(session)?.();
    this.drainTimers.delete(session);
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
    if (error.code === ErrorCodes.UNAUTHENTICATED && this.credentials.refresh && !this.authRefreshed) {
      // An expired or revoked token: one forced refresh and a new session; a second refusal fails.
      this.authRefreshed = true;
      markRefreshRetry(error, this.credentials.refresh());
    } else if (this.options.retry === false || classify(error.code) === 'fail') {
      this.fail(error);
      return;
    }
    // Recoverable: the next session hears again everything since the last final.
    // (A replaced session's finals reached the reader without confirming: none of them twice.)
    if (flush === 'recover') this.ledger.confirm(this.endFlush.finalsUpToMs);
    this.current = undefined;
    this.requeueReplay(this.cutAfter(session, true));
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
    this.replayQueue = [];
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
      scheduler: this.scheduler,
      clock: this.clock,
      pace,
      chunkMs,
      drainTimeoutMs,
      earlyMs: SEND_EARLY_MS,
      newSession: (baseOffsetMs, handlers) => {
        const session = new Session(this.sessionsOpened++, baseOffsetMs, this.random(), this.api, {
          ...handlers,
          onHeaders: (s) => this.emit('session', sessionInfo(s)),
          scrub: (text) => redact(text, this.credentials.secrets()),
        });
        this.liveSessions.add(session);
        if (this.readerBlocked) session.setPaused(true);
        return session;
      },
      start: (session, first, onOpen) => {
        const metadata = { ...this.options.metadata, ...this.api.metadata(this.options) };
        const config = this.api.configMessage(this.options, this.intake.format!);
        Promise.all([this.credentials.authorization(), this.slots.extra(session)]).then(
          ([authorization]) => {
            if (this.destroyed || session.state !== 'opening') return;
            session.open(this.transport, { ...metadata, authorization }, config, this.intake.openSession(first));
            onOpen();
          },
          () => session.cancel('No credentials for the repair session'),
        );
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
      ended: (session) => {
        this.liveSessions.delete(session);
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
