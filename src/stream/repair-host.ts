import type { AudioIntake } from '../audio/intake.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionResult, StatusEvent } from '../results.js';
import type { ResultGate } from '../session/result-gate.js';
import type { RepairHost } from '../session/repairs.js';
import { rolloverDecision } from '../session/rollover.js';
import type { SeamEvent } from '../session/seam.js';
import type { Session } from '../session/session.js';
import type { StartSlots } from '../session/start-slots.js';
import type { Clock } from '../timing/clock.js';
import type { Scheduler } from '../timing/scheduler.js';
import type { ResultRouter } from './result-router.js';
import type { SessionFactory } from './session-factory.js';

/** What repair sessions need of the stream beyond its parts. */
export interface RepairStream {
  destroyed(): boolean;
  status(event: StatusEvent): void;
  seam(event: SeamEvent): void;
  deliver(session: Session, results: RecognitionResult[]): void;
  /** A repair ended: the stream's audio and its end may go on. */
  resume(): void;
}

/** The stream's parts a repair session is made, started and heard with. */
export interface RepairParts {
  options: ResolvedOptions;
  gate: ResultGate;
  random: () => number;
  scheduler: Scheduler;
  clock: Clock;
  earlyMs: number;
  sessions: SessionFactory;
  slots: StartSlots;
  intake: AudioIntake;
  router: ResultRouter;
}

/**
 * How repair sessions are made, started and heard (see `Repairs`): numbered and opened like any
 * session of the stream, each with a start slot of its own beside the current session's, inside
 * the same limits; their finals pass the time check but not the repeat screen, since a repair
 * hears only speech no final reported.
 */
export function repairHostFor(parts: RepairParts, stream: RepairStream): RepairHost {
  const { options, sessions, slots, intake, router } = parts;
  const { pace, chunkMs, drainTimeoutMs, sessionLimits, rollover } = options;
  const usage = { audioMs: 0, bytes: 0 };
  return {
    gate: parts.gate,
    retry: options.retry,
    random: parts.random,
    scheduler: parts.scheduler,
    clock: parts.clock,
    pace,
    chunkMs,
    drainTimeoutMs,
    earlyMs: parts.earlyMs,
    newSession: (baseOffsetMs, handlers) => sessions.create(baseOffsetMs, handlers),
    start: (session, first, onOpen) => {
      sessions.open(session, slots.extra(session), () => first, onOpen, () => session.cancel('No credentials for the repair session'));
    },
    room: (session, ms, bytes) => {
      usage.audioMs = ms;
      usage.bytes = bytes;
      return rolloverDecision(session, usage, sessionLimits, rollover, 0.5) !== 'now';
    },
    sendSilence: (session, ms) => session.sendSilence(ms, () => intake.silence(ms)),
    response: (session, response) => {
      if (!stream.destroyed() && response.status) stream.status({ session: session.index, ...response.status });
    },
    deliver: (session, results) => {
      if (!stream.destroyed()) stream.deliver(session, results);
    },
    screen: (session, results) => (stream.destroyed() ? results : router.screen(session, results, true)),
    ended: (session) => {
      sessions.ended(session);
      slots.ended(session);
      if (!stream.destroyed()) stream.resume();
    },
    seam: (event) => {
      if (!stream.destroyed()) stream.seam(event);
    },
  };
}
