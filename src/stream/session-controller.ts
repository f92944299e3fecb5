import type { ApiAdapter, ApiResponse } from '../api/adapter.js';
import type { AudioFrame } from '../audio/frame.js';
import type { AudioIntake } from '../audio/intake.js';
import type { Credentials } from '../auth/credentials.js';
import type { StreamProbe } from '../diagnostics/stream-probe.js';
import { ErrorCodes, fromGrpcStatus, GrpcStatus, SpeechKitError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionResult } from '../results.js';
import type { EndFlush, UnconfirmedEvent } from '../session/end-flush.js';
import type { IdleGap } from '../session/idle.js';
import type { Ledger } from '../session/ledger.js';
import { livenessExpectation, MIN_OWES_AFTER_SPEECH_MS } from '../session/liveness.js';
import type { RecoveryDecision, RecoveryPolicy } from '../session/recovery-policy.js';
import type { OwedStretch } from '../session/repair.js';
import type { Repairs } from '../session/repairs.js';
import type { ResultGate } from '../session/result-gate.js';
import type { RolloverReason } from '../session/rollover.js';
import { seamOf, type SeamEvent } from '../session/seam.js';
import type { Session } from '../session/session.js';
import { UTTERANCE_GAP_MS } from '../session/speech-runs.js';
import { stalledError, type StallGuard } from '../session/stall-guard.js';
import type { StartSlots, StartWait } from '../session/start-slots.js';
import type { Clock } from '../timing/clock.js';
import type { Pacer } from '../timing/pacer.js';
import type { Scheduler, SchedulerTimer } from '../timing/scheduler.js';
import type { CallStatus } from '../transport/call.js';
import type { RecognizeStreamEventArgs, RecognizeStreamEventName } from '../stream-events.js';
import type { Feeder } from './feeder.js';
import type { IdleKeeper } from './idle-keeper.js';
import { type SessionFactory, sessionIds } from './session-factory.js';
import type { SessionTimers } from './session-timers.js';
import type { SettingsUpdate } from './settings-update.js';

/** The stream's parts the controller works with. */
export interface ControllerParts {
  options: ResolvedOptions;
  api: ApiAdapter;
  clock: Clock;
  scheduler: Scheduler;
  intake: AudioIntake;
  credentials: Credentials;
  ledger: Ledger;
  gate: ResultGate;
  repairs: Repairs;
  sessions: SessionFactory;
  feeder: Feeder;
  slots: StartSlots;
  stalls: StallGuard;
  endFlush: EndFlush;
  pacer: Pacer;
  idleGap: IdleGap;
  idle: IdleKeeper;
  recovery: RecoveryPolicy;
  timers: SessionTimers;
  probe: StreamProbe;
  /** Settings `update()` changed: the next session opens with them. */
  updates: SettingsUpdate;
}

/** What the controller asks of the stream. */
export interface ControllerHost {
  emit<E extends RecognizeStreamEventName>(event: E, ...args: RecognizeStreamEventArgs<E>): void;
  destroyed(): boolean;
  /** `end()` was called: the audio written so far is all there is. */
  ending(): boolean;
  /** Whether `finalize()` half-closed this session (its last speech must be finalized, as at the end). */
  finalizing(session: Session): boolean;
  /** singleUtterance: the one utterance is over. */
  utteranceDone(): boolean;
  peekFrame(): AudioFrame | undefined;
  pump(): void;
  maybeEndReadable(): void;
  fail(error: Error): void;
  onResponse(session: Session, response: ApiResponse): void;
  deliver(session: Session, results: RecognitionResult[]): void;
}

/**
 * The stream's sessions over time: which one is current, when the next opens (at once, after a
 * rollover, or after a recovery's backoff), where it starts (the cut), and what a session's end
 * means (a clean end, a failure to recover from, or the end of the stream). Whether a failure is
 * retried is the recovery policy's decision alone; this carries it out.
 */
export class SessionController {
  current: Session | undefined;
  /** The backoff before the next session, or a forced credential refresh, is running. */
  reopening = false;
  private readonly reopen: SchedulerTimer;
  /** Seams waiting for their replaced session to end (for the finals it dropped). */
  private readonly seams = new Map<number, SeamEvent>();
  /** Errors of end-of-stream flush recoveries, with the stretch they were replaying. */
  private readonly flushFailures = new WeakMap<Error, Omit<UnconfirmedEvent, 'recoveries'>>();
  /** How sessions queued for a start slot tell the recovery budget (queueing is the quota's time). */
  private readonly startWait: StartWait;

  constructor(
    private readonly parts: ControllerParts,
    private readonly host: ControllerHost,
  ) {
    const { recovery, clock } = parts;
    this.reopen = parts.scheduler.timer(() => {
      this.reopening = false;
      host.pump();
      host.maybeEndReadable();
    });
    this.startWait = {
      queued: () => recovery.queued(clock.now()),
      granted: () => recovery.granted(clock.now()),
    };
  }

  /** The stream is destroyed: no session opens any more. */
  stop(): void {
    this.reopen.clear();
  }

  /** Opens the next session, unless one is current or a backoff still runs. */
  openNext(): void {
    if (this.current || this.reopening || this.host.destroyed()) return;
    this.openSession();
  }

  /**
   * Rolls over now if a session start slot is free; otherwise queues for one and rolls over when it
   * comes, while the current session keeps taking audio (it is still inside its limits), so a busy
   * quota delays the switch instead of stalling the audio. Returns whether it rolled over now.
   */
  requestRollover(reason: RolloverReason): boolean {
    const session = this.current;
    const now = this.parts.slots.requestRollover(reason, (late) => {
      if (this.host.destroyed() || this.host.utteranceDone() || this.current !== session || session?.state !== 'open') return false;
      this.rollover(late);
      this.host.pump();
      return true;
    });
    if (now) this.rollover(reason);
    return now;
  }

  /**
   * The session is at its limit and its rollover still waits for a start slot: it ends now (a
   * clean half-close; the next session replays its audio since the last final), and the slot,
   * when it comes, opens the next session.
   */
  endAtLimit(): void {
    this.parts.slots.endAtLimit();
    this.rollover('limit');
  }

  dropPendingRollover(): void {
    this.parts.slots.dropPending();
  }

  private rollover(reason: RolloverReason): void {
    const { timers, idle, probe } = this.parts;
    const old = this.current!;
    const atMs = old.streamEndMs;
    old.retired = true;
    // The old session keeps only what the replay cannot cover.
    const replayFromMs = this.cutAfter(old, false);
    timers.healthy(old);
    if (old.state === 'open') old.halfClose();
    timers.drain(old);
    this.current = undefined;
    this.requeueReplay(replayFromMs);
    idle.cancel();
    const event = { reason, fromSession: old.index, atMs, replayFromMs };
    probe.rollover(event);
    this.host.emit('rollover', event);
    this.openNext();
  }

  /** Moves the audio since `replayFromMs` back in line for the next session. */
  private requeueReplay(replayFromMs: number): void {
    this.parts.feeder.requeue(this.parts.ledger.takeReplay(replayFromMs));
  }

  /**
   * Where the next session starts after `from` (replaced, or `failed`): a pause within the replay
   * bound. Audio before it is no longer the stream's to replay; a seam is noted if speech is lost.
   */
  private cutAfter(from: Session, failed: boolean): number {
    const { ledger, gate, repairs, sessions } = this.parts;
    const atMs = from.streamEndMs;
    const cut = ledger.cut(atMs);
    const lastRun = cut.owedRuns[cut.owedRuns.length - 1];
    // Finals end at the last word; a run ends up to a frame later.
    const ownedUntilMs = lastRun ? lastRun.endMs - UTTERANCE_GAP_MS / 2 : undefined;
    const stretch: OwedStretch | undefined = lastRun && {
      fromSession: from.index,
      toSession: sessions.count,
      atMs,
      untilMs: cut.startMs,
      runs: cut.owedRuns,
      frames: ledger.owedFrames(cut),
      attempts: 0,
      refused: 0,
    };
    if (!failed) {
      gate.replace(from.index, cut.oldOwns ? cut.startMs : undefined, cut.owedFinals, ownedUntilMs);
      if (stretch) repairs.owe(from.index, stretch);
    } else if (stretch) {
      // A failed session reports nothing more: what it owed is repaired at once.
      repairs.open(stretch, { reportedUntilMs: -Infinity, owedTimeless: cut.owedFinals }, ownedUntilMs);
    }
    const seam = seamOf(cut, failed, from.index, sessions.count, atMs, ledger.confirmedMs);
    if (seam && failed && !(stretch && cut.unreplayedFromMs === undefined)) this.host.emit('seam', seam);
    else if (seam && !failed) this.seams.set(from.index, seam);
    return cut.startMs;
  }

  /**
   * The new session opens when the backoff is over and there is audio to send it (the replay, or
   * audio still to come); a stream whose audio all ended confirmed just ends.
   */
  private reopenAfter(decision: Extract<RecoveryDecision, { action: 'retry' }>): void {
    const { clock, credentials } = this.parts;
    this.reopening = true;
    if (decision.refresh) {
      // An expired or revoked token: one forced refresh, then a new session at once.
      const now = () => this.reopen.set(clock.now());
      credentials.refresh!().then(now, now);
    } else {
      this.reopen.set(clock.now() + decision.delayMs);
    }
  }

  private openSession(): void {
    this.parts.updates.apply();
    const { options, api, intake, sessions, stalls, gate, endFlush, ledger, feeder, slots, timers, pacer, idleGap, clock } = this.parts;
    const host = this.host;
    const first = host.peekFrame();
    const baseOffsetMs = first?.streamMs ?? intake.positionMs;
    const session = sessions.create(baseOffsetMs, {
      onResponse: (s, response) => host.onResponse(s, response),
      onDrain: () => host.pump(),
      onEnd: (s, status) => this.onSessionEnd(s, status),
    }, stalls.livenessFor(livenessExpectation(api.version, options.partialResults), Math.max(MIN_OWES_AFTER_SPEECH_MS, options.maxReplayMs)));
    gate.open(session.index);
    this.current = session;
    endFlush.newSession();
    ledger.newSession();
    feeder.newSession();
    sessions.open(session, slots.slot(this.startWait, session), () => host.peekFrame(), () => {
      timers.opened(session);
      pacer.newSession();
      idleGap.opened(clock.now());
      host.pump();
    }, (error) => host.fail(error));
  }

  private onSessionEnd(session: Session, status: CallStatus): void {
    const { sessions, slots, timers, repairs, gate, endFlush, ledger, recovery, clock, idle, probe } = this.parts;
    const host = this.host;
    sessions.ended(session);
    slots.ended(session);
    timers.ended(session);
    if (host.destroyed()) return;
    // Before the gate lets the next session's results pass: a repair's come first.
    repairs.sessionEnded(session.index);
    host.deliver(session, gate.end(session.index));
    const seam = this.seams.get(session.index);
    if (seam) {
      this.seams.delete(session.index);
      host.emit('seam', { ...seam, dropped: gate.takeDropped(session.index) });
    }
    if (session.retired || session !== this.current) {
      host.maybeEndReadable();
      return;
    }
    this.dropPendingRollover();
    const flush = status.code === GrpcStatus.OK && session.halfClosed && (host.ending() || host.finalizing(session)) ? endFlush.endedOk(session.index, ledger.confirmedMs) : 'ok';
    if (typeof flush === 'object') host.emit('unconfirmed', flush);
    if (status.code === GrpcStatus.OK && session.halfClosed && flush !== 'recover') {
      // A clean end we asked for: everything it heard is confirmed.
      timers.healthy(session);
      ledger.confirm(session.streamEndMs);
      this.current = undefined;
      host.pump();
      host.maybeEndReadable();
      return;
    }
    const error = this.failureOf(session, status, flush === 'recover');
    const decision = recovery.onFailure(error, clock.now());
    if (decision.action === 'fail') {
      const unconfirmed = this.flushFailures.get(error);
      if (unconfirmed) this.giveUpFlush(unconfirmed);
      else host.fail(decision.error);
      return;
    }
    // Recoverable: the next session hears again everything since the last final.
    // (A replaced session's finals reached the reader without confirming: none of them twice.)
    if (flush === 'recover') ledger.confirm(endFlush.finalsUpToMs);
    this.current = undefined;
    this.requeueReplay(this.cutAfter(session, true));
    idle.cancel();
    probe.retry(decision.event);
    host.emit('retry', decision.event);
    this.reopenAfter(decision);
  }

  /** Why the current session's end is a failure. */
  private failureOf(session: Session, status: CallStatus, flushed: boolean): SpeechKitError {
    const ids = sessionIds(session);
    if (session.stalled) return stalledError(session, this.parts.options.stallTimeoutMs, ids);
    if (flushed) {
      // An OK before the last speech was finalized: recovered like a failure, but never fatal (see `giveUpFlush`).
      const { ledger, endFlush } = this.parts;
      const error = new SpeechKitError(ErrorCodes.SESSION_ENDED, `SpeechKit ended session ${session.index} with OK before finalizing the last speech`, ids);
      this.flushFailures.set(error, { session: session.index, fromMs: Math.max(ledger.confirmedMs, endFlush.finalsUpToMs), toMs: session.streamEndMs });
      return error;
    }
    if (status.code === GrpcStatus.OK) return new SpeechKitError(ErrorCodes.SESSION_ENDED, `SpeechKit ended session ${session.index} while audio was still being sent`, ids);
    return fromGrpcStatus(status, ids, this.parts.credentials.secrets());
  }

  /**
   * The retry budget ran out while replaying unconfirmed speech after the audio ended: nothing the
   * service could still say is owed, so the stream reports the stretch (`unconfirmed`) and ends
   * normally, as it does after the bounded flush recoveries.
   */
  private giveUpFlush(stretch: Omit<UnconfirmedEvent, 'recoveries'>): void {
    const { feeder, ledger, endFlush } = this.parts;
    this.host.emit('unconfirmed', { ...stretch, recoveries: endFlush.recoveryCount });
    feeder.dropReplay();
    ledger.clear();
    ledger.confirm(stretch.toMs);
    this.host.maybeEndReadable();
  }
}
