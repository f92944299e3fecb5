import type { ApiAdapter } from '../api/adapter.js';
import type { AudioIntake } from '../audio/intake.js';
import type { ResolvedOptions } from '../options.js';
import { defaultIdlePolicy, type IdleGap, keepAliveMs, keepAliveStep, MIN_KEEPALIVE_MS, type IdlePolicy } from '../session/idle.js';
import type { Session } from '../session/session.js';
import type { Clock } from '../timing/clock.js';
import type { Pacer } from '../timing/pacer.js';
import type { Scheduler } from '../timing/scheduler.js';

/** Shortest wait before the idle check looks again. */
const MIN_IDLE_RECHECK_MS = 10;

/** What the idle keeper asks of the stream it keeps alive. */
export interface IdleHost {
  /** The session audio goes to now, if any. */
  current(): Session | undefined;
  /** Whether audio is waiting to be sent (it is paced, not idle). */
  hasFrame(): boolean;
  /** Whether the reader's backpressure holds audio back. */
  readerBlocked(): boolean;
  /** Whether a rollover waits for its start slot. */
  rolloverPending(): boolean;
  destroyed(): boolean;
  /** Rolls over at the limit; returns whether it did so now. */
  rolloverAtLimit(): boolean;
  /** The session is at its limit and its rollover waits: end it now. */
  endAtLimit(): void;
  /** The `close` policy: the session is half-closed while the source is quiet. */
  closeIdle(session: Session): void;
  /** A message went to the session (the stall watch restarts). */
  sent(session: Session): void;
  pump(): void;
}

/**
 * Keeps the current session alive while the source is quiet (the service ends a call after 5 s
 * without a message): keep-alive silence counted against the session's limits and pacing like
 * audio, or, with the `close` policy, a half-close until audio comes again. One check is armed
 * at a time, for when the gap would reach `idle.afterMs`.
 */
export class IdleKeeper {
  private cancelCheck: (() => void) | undefined;
  private policy: IdlePolicy | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly api: ApiAdapter,
    private readonly intake: AudioIntake,
    private readonly gap: IdleGap,
    private readonly pacer: Pacer,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly earlyMs: number,
    private readonly host: IdleHost,
  ) {}

  /** Arms the check for the current open session, unless one is armed. */
  arm(): void {
    const session = this.host.current();
    if (!session || session.state !== 'open' || this.cancelCheck) return;
    // Never in the past: a check that finds audio still held would otherwise re-run at once, forever.
    const at = Math.max(this.gap.keepAliveAt(this.options.idle.afterMs, !this.host.hasFrame()), this.clock.now() + MIN_IDLE_RECHECK_MS);
    this.cancelCheck = this.scheduler.at(at, () => {
      this.cancelCheck = undefined;
      this.check(session);
    });
  }

  /** The session changed or the audio ended: the armed check is for nobody. */
  cancel(): void {
    this.cancelCheck?.();
    this.cancelCheck = undefined;
  }

  private check(session: Session): void {
    if (this.host.destroyed() || session !== this.host.current() || session.state !== 'open') return;
    const now = this.clock.now();
    // Audio ready to go is paced, not idle. A rollover waiting for its start slot at the hard
    // margin holds audio back too (also after end()): keep the session alive meanwhile. A full
    // transport is not a gap: silence written now would queue behind the speech already waiting
    // and land between its frames. The drain pumps and re-arms this check; the stall watch handles
    // a transport that never drains.
    if (session.blocked) return;
    const filling = !this.host.hasFrame();
    const held = this.host.readerBlocked() || filling || this.host.rolloverPending();
    const gapMs = held ? this.gap.gapMs(now, this.options.idle.afterMs, filling) : 0;
    if (gapMs > 0 && this.policyNow() === 'close') {
      this.host.closeIdle(session);
      return;
    }
    if (gapMs > 0 && !this.keepAlive(session, now, gapMs)) return;
    this.host.pump();
    this.arm();
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
      rolloverPending: this.host.rolloverPending(),
    });
    let step = plan();
    if (step.kind === 'rollover') {
      if (this.host.rolloverAtLimit()) return false;
      step = plan();
    }
    if (step.kind === 'end-session') {
      this.host.endAtLimit();
      return false;
    }
    if (step.kind !== 'silence' || this.pacer.silenceDueAt(now) > now + this.earlyMs) return true;
    session.sendSilence(step.ms, () => this.intake.silence(step.ms));
    this.pacer.silenceSent(step.ms, now);
    this.gap.messageSent(now);
    this.host.sent(session);
    return true;
  }

  /** What keep-alive costs in bytes per ms (nothing when the API takes silence as a duration). */
  private silenceBytesPerMs(): number {
    if (this.api.silenceMessage) return 0;
    const probe = this.intake.silence(MIN_KEEPALIVE_MS);
    return probe.data.length / probe.durationMs;
  }

  /** Decided once the audio's format is known (the default depends on it). */
  private policyNow(): IdlePolicy {
    this.policy ??= this.options.idle.policy ?? defaultIdlePolicy(this.intake.format!.encoding, this.api.silenceMessage !== undefined);
    return this.policy;
  }
}
