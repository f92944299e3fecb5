import type { AudioIntake } from '../audio/intake.js';
import type { ResolvedOptions } from '../options.js';
import type { EndFlush } from '../session/end-flush.js';
import type { IdleGap } from '../session/idle.js';
import type { Ledger } from '../session/ledger.js';
import { rolloverDecision } from '../session/rollover.js';
import type { Session } from '../session/session.js';
import type { Clock } from '../timing/clock.js';
import type { Pacer } from '../timing/pacer.js';
import type { SchedulerTimer } from '../timing/scheduler.js';

/**
 * The end of the audio: before the last session is half-closed, the service is given what it
 * needs to finalize the last speech (silence after it, or an end-of-utterance mark where the
 * service never ends an utterance on silence), within the session's limits and pacing, and at
 * most as long as `EndFlush` allows. A container's last page ends its stream: nothing may follow it.
 */
export class EndOfAudio {
  private readonly nextUsage = { audioMs: 0, bytes: 0 };

  constructor(
    private readonly options: ResolvedOptions,
    private readonly intake: AudioIntake,
    private readonly flush: EndFlush,
    private readonly ledger: Ledger,
    private readonly pacer: Pacer,
    private readonly gap: IdleGap,
    private readonly clock: Clock,
    /** Runs the stream's pump when the flush may go on. */
    private readonly timer: SchedulerTimer,
    private readonly earlyMs: number,
    /** A message went to the session (the stall watch restarts). */
    private readonly sent: (session: Session) => void,
  ) {}

  /** Whether the session may be half-closed now; else works towards it (the timer pumps again). */
  flushed(session: Session): boolean {
    if (this.intake.format?.encoding !== 'LINEAR16_PCM') return true;
    const { chunkMs, sessionLimits, rollover } = this.options;
    for (;;) {
      if (session.blocked) return false;
      const now = this.clock.now();
      const step = this.flush.next(now, this.ledger.confirmedMs, session.streamEndMs);
      if (step.kind === 'half-close') {
        this.timer.clear();
        return true;
      }
      if (step.kind === 'wait') {
        this.timer.set(step.untilMs);
        return false;
      }
      this.nextUsage.audioMs = chunkMs;
      this.nextUsage.bytes = 0;
      if (rolloverDecision(session, this.nextUsage, sessionLimits, rollover, session.jitter01) === 'now') {
        // No room left in this session's limits: wait for the final without more silence.
        this.flush.silenceSent(Infinity);
        continue;
      }
      if (this.options.v3.eouClassifier?.type === 'external') {
        session.sendEndOfUtterance();
        this.flush.eouSent(session.streamEndMs);
      } else {
        // Paced like keep-alive silence: within the session's absolute bound.
        const due = this.pacer.silenceDueAt(now);
        if (due > now + this.earlyMs) {
          this.timer.set(due);
          return false;
        }
        session.sendSilence(chunkMs, () => this.intake.silence(chunkMs));
        this.pacer.silenceSent(chunkMs, now);
        this.flush.silenceSent(chunkMs);
      }
      this.gap.messageSent(now);
      this.sent(session);
    }
  }
}
