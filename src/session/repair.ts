import type { AudioFrame } from '../audio/frame.js';
import type { Clock } from '../timing/clock.js';
import type { Pacer } from '../timing/pacer.js';
import type { Scheduler, SchedulerTimer } from '../timing/scheduler.js';
import type { Session } from './session.js';

/**
 * Speech no session will finalize any more: a replaced session kept the speech its successor's
 * replay could not reach back to, then died, stalled or ended without its finals; or a failed
 * session left more unconfirmed speech than the replay bound. Without a repair that speech is
 * lost. A repair session hears just that stretch again, fed at the pacing bound, then silence
 * until the finals it owes have come (a service finalizes up to 1.5 s after speech ends), then
 * half-closes. The result gate places its finals between the two sessions' (see `gateKey`).
 */
export interface OwedStretch {
  /** The session that owed the speech. */
  fromSession: number;
  /** The session that replaced it (for the `seam` event). */
  toSession: number;
  /** Where that session's audio ended (for the `seam` event if the repair gives up). */
  atMs: number;
  /** Where the next session's audio starts: the repair owns finals that start before this. */
  untilMs: number;
  /** The owed speech runs, oldest first. */
  runs: { startMs: number; endMs: number }[];
  /** The audio from a lead-in before the first run up to `untilMs`. */
  frames: AudioFrame[];
  /** Attempts made so far. */
  attempts: number;
  /** Of them, attempts the service refused or cut off with a retryable failure (they heard nothing to count). */
  refused: number;
}

/** Silence sent after the stretch, at most, waiting for its finals before the half-close. */
export const REPAIR_FLUSH_MS = 3_000;
/** Attempts at one stretch that ran (not refused) before its loss is declared (a `seam` event). */
export const REPAIR_ATTEMPTS = 2;

/**
 * The result gate's key for an attempt: after the owing session, before the next one, and each
 * attempt after the one before it (a failed attempt's successor takes over its place in line).
 */
export function gateKey(stretch: OwedStretch): number {
  return stretch.fromSession + 1 - 0.5 ** stretch.attempts;
}

/**
 * Where a repair starts, given what the owing session did report: past the runs it finalized
 * (by time, or by count for finals without word times), a lead-in before the first one left.
 */
export function repairFrom(stretch: OwedStretch, paid: { reportedUntilMs: number; owedTimeless: number }, leadMs: number, toleranceMs: number): { frames: AudioFrame[]; runs: OwedStretch['runs'] } {
  const { runs } = stretch;
  let first = runs.findIndex((r) => r.endMs > paid.reportedUntilMs + toleranceMs);
  if (first < 0) first = runs.length;
  if (paid.reportedUntilMs === -Infinity) first = Math.max(0, runs.length - paid.owedTimeless);
  const left = runs.slice(first);
  const run = left[0];
  if (!run) return { frames: [], runs: [] };
  const fromMs = Math.max(run.startMs - leadMs, runs[first - 1]?.endMs ?? -Infinity);
  return { frames: stretch.frames.filter((f) => f.streamMs + f.durationMs > fromMs + 1e-6), runs: left };
}

export interface RepairHooks {
  /** The gate has every final the stretch owes. */
  paid(): boolean;
  /** Whether the session's limits leave room for this much more (its hard margin, like any session). */
  room(session: Session, ms: number, bytes: number): boolean;
  /** Sends `ms` of silence, the way keep-alive does. */
  sendSilence(session: Session, ms: number): void;
  /** Gives up on the session (it overran its deadline). */
  cancel(session: Session): void;
}

/** Feeds one repair session: the stretch at the pacing bound, flush silence at real time, half-close. */
export class Repair {
  private next = 0;
  private flushedMs = 0;
  private silenceAt = -Infinity;
  private readonly timer: SchedulerTimer;
  private readonly deadline: SchedulerTimer;

  constructor(
    readonly session: Session,
    readonly stretch: OwedStretch,
    private readonly frames: AudioFrame[],
    private readonly pacer: Pacer,
    scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly chunkMs: number,
    private readonly earlyMs: number,
    private readonly hooks: RepairHooks,
  ) {
    this.timer = scheduler.timer(() => this.pump());
    this.deadline = scheduler.timer(() => hooks.cancel(session));
  }

  /** The call is open: feeding starts, and the whole repair must end within `budgetMs`. */
  start(budgetMs: number): void {
    this.pacer.newSession();
    this.deadline.set(this.clock.now() + budgetMs);
    this.pump();
  }

  pump(): void {
    const s = this.session;
    while (s.state === 'open' && !s.blocked) {
      const now = this.clock.now();
      // The absolute bound only: this is all catch-up, like a replay.
      let due = this.pacer.silenceDueAt(now);
      const frame = this.frames[this.next];
      // Finals come at the service's pace in wall time: flush silence goes at real time.
      if (!frame) due = Math.max(due, this.silenceAt + this.chunkMs);
      if (due > now + this.earlyMs) {
        this.timer.set(due);
        return;
      }
      if (frame && !this.hooks.room(s, frame.durationMs, frame.data.length)) {
        // A stretch longer than a session can take: what did not fit is the seam's to declare.
        this.next = this.frames.length;
        continue;
      }
      if (frame) {
        s.send(frame, false, frame.silent);
        this.pacer.silenceSent(frame.durationMs, now);
        this.next++;
        continue;
      }
      if (this.hooks.paid() || this.flushedMs >= REPAIR_FLUSH_MS || !this.hooks.room(s, this.chunkMs, 0)) {
        s.halfClose();
        return;
      }
      this.hooks.sendSilence(s, this.chunkMs);
      this.pacer.silenceSent(this.chunkMs, now);
      this.silenceAt = now;
      this.flushedMs += this.chunkMs;
    }
  }

  stop(): void {
    this.timer.clear();
    this.deadline.clear();
  }
}
