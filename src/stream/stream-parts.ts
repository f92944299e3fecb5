import { adapterFor, type ApiAdapter } from '../api/adapter.js';
import type { AudioFrame } from '../audio/frame.js';
import { AudioIntake } from '../audio/intake.js';
import { createCredentials, type Credentials } from '../auth/credentials.js';
import { unsealAuth } from '../auth/sealed-auth.js';
import { StreamProbe } from '../diagnostics/stream-probe.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionResult } from '../results.js';
import { EndFlush } from '../session/end-flush.js';
import { IdleGap } from '../session/idle.js';
import { Ledger } from '../session/ledger.js';
import { RecoveryPolicy } from '../session/recovery-policy.js';
import { Repairs } from '../session/repairs.js';
import { ResultGate } from '../session/result-gate.js';
import type { Session } from '../session/session.js';
import { StallGuard } from '../session/stall-guard.js';
import { sharedStartLimiter } from '../session/start-limiter.js';
import { StartSlots } from '../session/start-slots.js';
import { systemClock, type Clock } from '../timing/clock.js';
import { Pacer } from '../timing/pacer.js';
import { schedulerFor, type Scheduler, type SchedulerTimer } from '../timing/scheduler.js';
import type { Transport } from '../transport/call.js';
import { createGrpcTransport } from '../transport/grpc-transport.js';
import { EndOfAudio } from './end-of-audio.js';
import { Feeder } from './feeder.js';
import { Finalizer } from './finalizer.js';
import { FramePump } from './frame-pump.js';
import { IdleKeeper } from './idle-keeper.js';
import { repairHostFor } from './repair-host.js';
import { Responses } from './responses.js';
import { ResultRouter } from './result-router.js';
import { SessionController, type ControllerHost } from './session-controller.js';
import { SessionFactory } from './session-factory.js';
import { SessionTimers } from './session-timers.js';
import { SettingsUpdate } from './settings-update.js';
import { TurnEvents } from './turn-events.js';

/** Frames due within this much of now leave at once rather than through a timer. */
export const SEND_EARLY_MS = 0.5;

/** Seams for tests: a fake transport, fake credentials, a fixed random source (the constructor that takes them is internal). */
export interface StreamInternals {
  transport?: Transport;
  credentials?: Credentials;
  random?: () => number;
}

/** What the parts ask of the Duplex they serve. */
export interface StreamHost {
  emit: ControllerHost['emit'];
  destroyed(): boolean;
  /** `end()` was called. */
  ending(): boolean;
  /** singleUtterance: the one utterance is over. */
  utteranceDone(): boolean;
  /** The reader's buffer is full: no session is read and no audio sent. */
  readerBlocked(): boolean;
  peekFrame(): AudioFrame | undefined;
  /** The one place audio moves (see `RecognizeStream`). */
  pump(): void;
  maybeEndReadable(): void;
  fail(error: Error): void;
  /** Pushes what the gate released to the reader. */
  deliver(session: Session, results: RecognitionResult[]): void;
}

/** The parts of one recognition stream, each with its own concern (see each class). */
export interface StreamParts {
  api: ApiAdapter;
  clock: Clock;
  scheduler: Scheduler;
  intake: AudioIntake;
  pacer: Pacer;
  credentials: Credentials;
  transport: Transport;
  random: () => number;
  /** Confirmed position, replay, speech runs, marks: what the stream knows of the audio it sent. */
  ledger: Ledger;
  gate: ResultGate;
  /** Checks results' times before the gate and accounts for what reaches the reader after it. */
  router: ResultRouter;
  /** Speech replaced sessions owe, and the repair sessions that hear it again (see `Repair`). */
  repairs: Repairs;
  /** Makes, numbers, opens and pauses the sessions; holds the ones whose call has not ended. */
  sessions: SessionFactory;
  /** The replay and the written audio on their way to the current session (see `Feeder`). */
  feeder: Feeder;
  /** Where the current session's gaps are: keep-alive fills only those. */
  idleGap: IdleGap;
  idle: IdleKeeper;
  endOfAudio: EndOfAudio;
  /** Makes the service finalize the last speech before the last half-close (see `EndFlush`). */
  endFlush: EndFlush;
  flushTimer: SchedulerTimer;
  /** The pacing wake-up: one reusable scheduler entry, moved per frame (no allocation). */
  wake: SchedulerTimer;
  /** Decides, alone, whether and when a failed session is followed by a new one. */
  recovery: RecoveryPolicy;
  /** Each session's drain and health timers. */
  timers: SessionTimers;
  /** The current session, the next one's opening, rollovers and what a session's end means. */
  ctl: SessionController;
  responses: Responses;
  frames: FramePump;
  /** Notices a current session whose connection went silently dead (see `LivenessWatch`). */
  stalls: StallGuard;
  /** Start slots for rollovers and the sessions they open (see `StartSlots`). */
  slots: StartSlots;
  /** Publishes to the diagnostics channels (see `DiagnosticsChannels`). */
  probe: StreamProbe;
  /** `speechStart` / `speechEnd` / `noInput`, heard as frames leave (see `TurnEvents`). */
  turns: TurnEvents;
  /** `finalize()` calls still owed (see `Finalizer`). */
  finalizer: Finalizer;
  /** Settings `update()` changed, waiting for the next session. */
  updates: SettingsUpdate;
}

/**
 * Builds a stream's parts and wires them to each other and to the Duplex. The wiring is lazy
 * (callbacks read `p` when they run), so the order below is only that of construction.
 */
export function assembleStream(resolved: ResolvedOptions, internals: StreamInternals, host: StreamHost): StreamParts {
  const p = {} as StreamParts;
  p.gate = new ResultGate();
  p.endFlush = new EndFlush();
  p.router = new ResultRouter((warning) => host.emit('warning', warning));
  p.updates = new SettingsUpdate(resolved);
  p.api = adapterFor(resolved.api);
  p.ledger = new Ledger(resolved, p.api.followUps?.(resolved) ?? { refinement: false, endOfUtterance: false });
  p.clock = resolved.clock ?? systemClock;
  p.scheduler = schedulerFor(p.clock);
  p.wake = p.scheduler.timer(() => host.pump());
  p.flushTimer = p.scheduler.timer(() => host.pump());
  p.stalls = new StallGuard(p.scheduler, p.clock, resolved.stallTimeoutMs, (session) => session.cancel());
  p.probe = new StreamProbe(p.clock, resolved.api);
  p.slots = new StartSlots(p.probe.limiter(resolved.startLimiter === false ? undefined : resolved.startLimiter ?? sharedStartLimiter(p.scheduler, resolved.endpoint)));
  p.intake = new AudioIntake(resolved, resolved.chunkMs);
  p.turns = new TurnEvents(resolved.voiceActivity, p.intake, ({ type, atMs }) => host.emit(type, { channelTag: '0', atMs }));
  p.pacer = new Pacer(resolved.pace, resolved.chunkMs, SEND_EARLY_MS);
  // Silence goes as a message of its duration only where the API has one (v3).
  const compress = p.api.silenceMessage !== undefined ? resolved.v3.compressSilence : undefined;
  p.feeder = new Feeder(p.intake, p.ledger.eouMarks, p.pacer, compress, resolved.encode !== undefined);
  p.idleGap = new IdleGap(resolved.pace === 0 ? resolved.chunkMs : Infinity);
  p.endOfAudio = new EndOfAudio(resolved, p.intake, p.endFlush, p.ledger, p.pacer, p.idleGap, p.clock, p.flushTimer, SEND_EARLY_MS, (session) => p.stalls.arm(session));
  p.idle = new IdleKeeper(resolved, p.api, p.intake, p.idleGap, p.pacer, p.clock, p.scheduler, SEND_EARLY_MS, {
    current: () => p.ctl.current,
    hasFrame: () => host.peekFrame() !== undefined,
    readerBlocked: () => host.readerBlocked(),
    rolloverPending: () => p.slots.rolloverPending,
    destroyed: () => host.destroyed(),
    rolloverAtLimit: () => p.ctl.requestRollover('limit'),
    endAtLimit: () => p.ctl.endAtLimit(),
    closeIdle: (session) => {
      p.ctl.dropPendingRollover();
      host.emit('idle', { session: session.index, atMs: session.streamEndMs });
      session.halfClose();
      p.timers.drain(session);
    },
    sent: (session) => p.stalls.arm(session),
    pump: () => host.pump(),
  });
  p.finalizer = new Finalizer({
    byMark: p.api.eouMessage !== undefined && resolved.v3.eouClassifier?.type === 'external',
    reopening: () => p.ctl.reopening,
    covered: () => p.endFlush.covered(p.ledger.confirmedMs),
    flushed: (session) => p.endOfAudio.flushed(session),
    close: (session) => {
      session.halfClose();
      p.timers.drain(session);
    },
    turnEnds: () => p.turns.flush(),
    flushRestarts: () => p.endFlush.newSession(),
  });
  p.random = internals.random ?? Math.random;
  p.credentials = internals.credentials ?? createCredentials(unsealAuth(resolved.auth), {
    clock: p.clock,
    ca: resolved.ca,
    onEvent: (event) => host.emit('credentials', event),
  });
  p.transport = internals.transport ?? createGrpcTransport({ endpoint: resolved.endpoint, tls: resolved.tls, ca: resolved.ca });
  p.sessions = new SessionFactory({
    options: resolved,
    api: p.api,
    intake: p.intake,
    credentials: p.credentials,
    transport: p.transport,
    random: p.random,
    observer: p.probe,
    onHeaders: (info) => host.emit('session', info),
    destroyed: () => host.destroyed(),
  });
  const repairParts = { options: resolved, gate: p.gate, random: p.random, scheduler: p.scheduler, clock: p.clock, earlyMs: SEND_EARLY_MS, sessions: p.sessions, slots: p.slots, intake: p.intake, router: p.router };
  p.repairs = new Repairs(repairHostFor(repairParts, {
    destroyed: () => host.destroyed(),
    status: (event) => host.emit('status', event),
    seam: (event) => host.emit('seam', event),
    deliver: (session, results) => host.deliver(session, results),
    resume: () => {
      host.pump();
      host.maybeEndReadable();
    },
  }));
  p.recovery = new RecoveryPolicy(resolved.retry, p.random, p.credentials.refresh !== undefined);
  const healthyAfterMs = resolved.retry === false ? undefined : resolved.retry.healthyAfterMs;
  p.timers = new SessionTimers(p.scheduler, p.clock, resolved.drainTimeoutMs, healthyAfterMs, () => p.recovery.onHealthy(), (error) => host.fail(error), (session) => p.finalizer.closing === session.index && !host.ending());
  p.ctl = new SessionController({
    options: resolved, api: p.api, clock: p.clock, scheduler: p.scheduler, intake: p.intake, credentials: p.credentials,
    ledger: p.ledger, gate: p.gate, repairs: p.repairs, sessions: p.sessions, feeder: p.feeder, slots: p.slots,
    stalls: p.stalls, endFlush: p.endFlush, pacer: p.pacer, idleGap: p.idleGap, idle: p.idle, recovery: p.recovery,
    timers: p.timers, probe: p.probe, updates: p.updates,
  }, {
    emit: (event, ...args) => host.emit(event, ...args),
    destroyed: () => host.destroyed(),
    ending: () => host.ending(),
    finalizing: (session) => p.finalizer.closing === session.index,
    utteranceDone: () => host.utteranceDone(),
    peekFrame: () => host.peekFrame(),
    pump: () => host.pump(),
    maybeEndReadable: () => host.maybeEndReadable(),
    fail: (error) => host.fail(error),
    onResponse: (session, response) => p.responses.heard(session, response),
    deliver: (session, results) => host.deliver(session, results),
  });
  p.responses = new Responses({ options: resolved, router: p.router, gate: p.gate, ledger: p.ledger, timers: p.timers, feeder: p.feeder, stalls: p.stalls, ctl: p.ctl, updates: p.updates }, {
    destroyed: () => host.destroyed(),
    utteranceDone: () => host.utteranceDone(),
    status: (event) => host.emit('status', event),
    deliver: (session, results) => host.deliver(session, results),
    // The end of the stream waits for the final covering the last speech (see `EndFlush`), and
    // unpaced audio past the replay bound waits for finals.
    waiting: () => p.flushTimer.pending || p.wake.pending,
    pump: () => host.pump(),
  });
  p.frames = new FramePump({
    options: resolved, clock: p.clock, feeder: p.feeder, ledger: p.ledger, endFlush: p.endFlush, idleGap: p.idleGap,
    ctl: p.ctl, finalizer: p.finalizer, turns: p.turns, updates: p.updates, wake: p.wake, earlyMs: SEND_EARLY_MS,
  }, {
    utteranceDone: () => host.utteranceDone(),
    readerBlocked: () => host.readerBlocked(),
    peekFrame: () => host.peekFrame(),
  });
  return p;
}
