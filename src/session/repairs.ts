import type { ApiResponse } from '../api/adapter.js';
import { fromGrpcStatus } from '../errors.js';
import type { AudioFrame } from '../audio/frame.js';
import type { RecognitionResult } from '../results.js';
import type { Clock } from '../timing/clock.js';
import { maxRate, Pacer } from '../timing/pacer.js';
import type { Scheduler } from '../timing/scheduler.js';
import { gateKey, Repair, REPAIR_ATTEMPTS, REPAIR_FLUSH_MS, repairFrom, type OwedStretch } from './repair.js';
import type { ResultGate } from './result-gate.js';
import type { SeamEvent } from './seam.js';
import type { CallStatus } from '../transport/call.js';
import { RecoveryPolicy } from './recovery-policy.js';
import type { RetryOptions } from './retry-policy.js';
import type { Session, SessionHandlers } from './session.js';
import { SILENCE_LEAD_MS, UTTERANCE_GAP_MS } from './speech-runs.js';

type Owing = { reportedUntilMs: number; owedTimeless: number };

/** What repairs need from the stream: sessions, their start, delivery, and the limits. */
export interface RepairHost {
  readonly gate: ResultGate;
  /** The stream's retry options: a repair the service refuses is tried again like any session. */
  readonly retry: RetryOptions | false;
  readonly random: () => number;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly pace: number;
  readonly chunkMs: number;
  readonly drainTimeoutMs: number;
  readonly earlyMs: number;
  /** A new session (not yet open) starting at `baseOffsetMs`, numbered like any other. */
  newSession(baseOffsetMs: number, handlers: Pick<SessionHandlers, 'onResponse' | 'onDrain' | 'onEnd'>): Session;
  /** Opens it once credentials and a start slot are there; `onOpen` then starts feeding. */
  start(session: Session, first: AudioFrame, onOpen: () => void): void;
  /** Whether the session's limits leave room for this much more. */
  room(session: Session, ms: number, bytes: number): boolean;
  sendSilence(session: Session, ms: number): void;
  /** A repair session's response (its status, if any, is the host's to emit). */
  response(session: Session, response: ApiResponse): void;
  deliver(session: Session, results: RecognitionResult[]): void;
  /** Checks results' times against the audio the session was sent (see `checkResultTimes`); returns those that stay. */
  screen(session: Session, results: RecognitionResult[]): RecognitionResult[];
  /** A repair session has ended and its results are delivered. */
  ended(session: Session): void;
  seam(event: SeamEvent): void;
}

/**
 * The repairs of one stream (see `Repair` for what a repair is): the speech replaced sessions still
 * owe, and the repair sessions under way. The gate holds newer sessions' results until a repair
 * ends; after `REPAIR_ATTEMPTS` the loss is a `seam`.
 */
export class Repairs {
  /** Speech replaced sessions still owe, by session index. */
  private readonly owed = new Map<number, OwedStretch>();
  /** Repairs under way, each with the policy deciding whether its stretch is tried again after a refusal. */
  private readonly active = new Map<Repair, RecoveryPolicy>();

  constructor(private readonly host: RepairHost) {}

  /** Repair sessions under way (the stream's readable side waits for them). */
  get size(): number {
    return this.active.size;
  }

  /** A replaced session owes this speech: repaired if it ends without reporting it. */
  owe(session: number, stretch: OwedStretch): void {
    this.owed.set(session, stretch);
  }

  /**
   * A session ended; call before the gate ends it, so a repair's results come before the next
   * session's.
   */
  sessionEnded(session: number): void {
    const stretch = this.owed.get(session);
    if (!stretch) return;
    this.owed.delete(session);
    const owing = this.host.gate.owing(session);
    if (owing) this.open(stretch, owing);
  }

  /**
   * Repairs `stretch` now (a failed session reports nothing more), or after `delayMs` (a backoff
   * after a refusal; the repair holds its place in the gate's line meanwhile).
   */
  open(stretch: OwedStretch, owing: Owing, ownedUntilMs?: number, delayMs = 0, policy = new RecoveryPolicy(this.host.retry, this.host.random, false)): void {
    const { gate } = this.host;
    const { frames, runs } = repairFrom(stretch, owing, SILENCE_LEAD_MS, UTTERANCE_GAP_MS / 2);
    const first = frames[0];
    const owedFrom = runs[0]?.startMs;
    if (owedFrom === undefined) return;
    // The replay buffer let go of the start of that speech (it outgrew maxReplayMs unconfirmed):
    // what it no longer holds cannot be heard again, and is said lost.
    if (stretch.attempts === 0 && (!first || first.streamMs > owedFrom + 1e-6)) {
      this.host.seam({ reason: 'replay-bound', fromSession: stretch.fromSession, toSession: stretch.toSession, atMs: stretch.atMs, replayFromMs: first?.streamMs ?? stretch.untilMs, unreplayedFromMs: owedFrom, dropped: [] });
    }
    if (!first) return;
    const attempt: OwedStretch = { ...stretch, runs, frames, attempts: stretch.attempts + 1 };
    const key = gateKey(attempt);
    gate.open(key);
    const until = ownedUntilMs ?? runs[runs.length - 1]!.endMs - UTTERANCE_GAP_MS / 2;
    gate.replace(key, stretch.untilMs, runs.length, until);
    const session = this.host.newSession(first.streamMs, {
      onResponse: (s, response) => {
        this.host.response(s, response);
        // Partials of audio already gone by would only confuse the reader.
        // A time outside the repair's audio would make the gate take later sessions' finals for told.
        const results = this.host.screen(s, response.results.filter((r) => r.type !== 'partial'));
        if (results.length > 0) this.host.deliver(s, gate.accept(key, results));
        repair.pump();
      },
      onDrain: () => repair.pump(),
      onEnd: (_, status) => this.ended(repair, key, until, status),
    });
    const { pace, chunkMs, earlyMs, scheduler, clock } = this.host;
    const repair: Repair = new Repair(session, attempt, frames, new Pacer(pace, chunkMs, earlyMs), scheduler, clock, chunkMs, earlyMs, {
      paid: () => gate.owing(key) === undefined,
      room: (s, ms, bytes) => this.host.room(s, ms, bytes),
      sendSilence: (s, ms) => this.host.sendSilence(s, ms),
      cancel: (s) => s.cancel('The repair session overran its deadline'),
    });
    this.active.set(repair, policy);
    const spanMs = frames.reduce((sum, f) => sum + f.durationMs, 0);
    const budgetMs = spanMs / maxRate(pace) + REPAIR_FLUSH_MS + this.host.drainTimeoutMs;
    const start = () => this.host.start(session, first, () => repair.start(budgetMs));
    if (delayMs > 0) scheduler.at(clock.now() + delayMs, start);
    else start();
  }

  stop(): void {
    for (const repair of this.active.keys()) repair.stop();
  }

  private ended(repair: Repair, key: number, ownedUntilMs: number, status: CallStatus): void {
    const { gate } = this.host;
    repair.stop();
    const policy = this.active.get(repair)!;
    this.active.delete(repair);
    const owing = gate.owing(key);
    // A refusal or a dropped connection is the service's failure, not the repair's: tried again
    // after a backoff, as long as the retry policy allows, without using up an attempt.
    const decision = owing && status.code !== 0 ? policy.onFailure(fromGrpcStatus(status, { session: repair.session.index }), this.host.clock.now()) : undefined;
    const refused = decision?.action === 'retry';
    const stretch = refused ? { ...repair.stretch, refused: repair.stretch.refused + 1 } : repair.stretch;
    const again = owing !== undefined && (refused || stretch.attempts - stretch.refused < REPAIR_ATTEMPTS);
    // The next attempt takes the place in line before this one lets newer results through.
    if (again) this.open(stretch, owing, ownedUntilMs, refused ? decision.delayMs : 0, policy);
    const dropped = gate.takeDropped(key);
    this.host.deliver(repair.session, gate.end(key));
    if (owing && !again) {
      this.host.seam({
        reason: 'replay-bound',
        fromSession: stretch.fromSession,
        toSession: repair.session.index,
        atMs: stretch.atMs,
        replayFromMs: stretch.untilMs,
        unreplayedFromMs: stretch.runs[0]!.startMs,
        dropped,
      });
    }
    this.host.ended(repair.session);
  }
}
