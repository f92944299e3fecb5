import type { AudioFrame } from '../audio/frame.js';
import type { ResolvedOptions } from '../options.js';
import type { EndFlush } from '../session/end-flush.js';
import type { IdleGap } from '../session/idle.js';
import type { Ledger } from '../session/ledger.js';
import { rolloverDecision } from '../session/rollover.js';
import type { Session } from '../session/session.js';
import type { Clock } from '../timing/clock.js';
import type { SchedulerTimer } from '../timing/scheduler.js';
import type { Feeder } from './feeder.js';
import type { Finalizer } from './finalizer.js';
import type { SessionController } from './session-controller.js';
import type { SettingsUpdate } from './settings-update.js';
import type { TurnEvents } from './turn-events.js';

/** The stream's parts the frames move through. */
export interface FramePumpParts {
  options: ResolvedOptions;
  clock: Clock;
  feeder: Feeder;
  ledger: Ledger;
  endFlush: EndFlush;
  idleGap: IdleGap;
  ctl: SessionController;
  finalizer: Finalizer;
  turns: TurnEvents;
  updates: SettingsUpdate;
  /** The pacing wake-up: one reusable scheduler entry, moved per frame (no allocation). */
  wake: SchedulerTimer;
  /** Frames due within this much of now leave at once rather than through a timer. */
  earlyMs: number;
}

/** What moving frames asks of the stream. */
export interface FramePumpHost {
  utteranceDone(): boolean;
  readerBlocked(): boolean;
  peekFrame(): AudioFrame | undefined;
}

/**
 * Moves the frames that are due to the current, open session, in order: an end-of-utterance mark
 * or a finalize step where they fall, a rollover where the session's limits or a pause call for
 * one (opening the next session when there is none), and each frame only when pacing lets it go.
 * It stops at the first thing that holds audio back (no session yet, backpressure, pacing: a
 * wake-up is set for the frame's time).
 */
export class FramePump {
  /** Scratch for the per-frame rollover check (no allocation per frame). */
  private readonly nextUsage = { audioMs: 0, bytes: 0 };

  constructor(
    private readonly parts: FramePumpParts,
    private readonly host: FramePumpHost,
  ) {}

  run(): void {
    const { options, clock, feeder, ledger, endFlush, idleGap, ctl, finalizer, turns, updates, wake, earlyMs } = this.parts;
    const { sessionLimits, rollover } = options;
    const host = this.host;
    for (;;) {
      if (host.utteranceDone()) break;
      const frame = host.peekFrame();
      const session = ctl.current;
      if (!frame) {
        if (session && this.sendDueEou(session)) continue;
        if (finalizer.target !== undefined && finalizer.step(undefined, session) === 'again') continue;
        break;
      }
      if (!session) {
        ctl.openNext();
        break;
      }
      if (session.state !== 'open' || session.blocked || host.readerBlocked()) break;
      if (this.sendDueEou(session)) continue;
      const finalizing = finalizer.step(frame, session);
      if (finalizing === 'again') continue;
      if (finalizing === 'hold') break;
      this.nextUsage.audioMs = frame.durationMs;
      this.nextUsage.bytes = frame.data.length;
      const decision = rolloverDecision(session, this.nextUsage, sessionLimits, rollover, session.jitter01);
      if (decision === 'now') {
        // Past the hard margin nothing more goes to this session, even while the next one waits.
        if (ctl.requestRollover('limit')) continue;
        break;
      }
      if (decision === 'at-boundary') {
        session.inSoftWindow = true;
        if (feeder.silentRunMs >= rollover.silenceMs && ctl.requestRollover('silence')) continue;
      }
      if (updates.pending && feeder.silentRunMs >= rollover.silenceMs && ctl.requestRollover('update')) continue;
      const now = clock.now();
      const due = feeder.dueAt(frame, now, ledger.unconfirmedMs(session.streamEndMs) >= ledger.replayBound());
      if (due > now + earlyMs) {
        wake.set(due);
        break;
      }
      feeder.take();
      const { silent, asSilence, speech } = feeder.level(frame);
      session.send(frame, asSilence, silent);
      turns.sent(frame);
      endFlush.sent(frame.streamMs, frame.durationMs, speech);
      ledger.sent(frame, silent, now);
      feeder.sent(frame, silent, now);
      idleGap.audioSent(frame.durationMs, now);
    }
  }

  /** Sends the next end-of-utterance mark if the session has heard all the audio before it. */
  private sendDueEou(session: Session): boolean {
    const { ledger, endFlush, idleGap, clock } = this.parts;
    if (session.state !== 'open' || session.blocked || !ledger.eouMarks.dueAt(session.streamEndMs)) return false;
    session.sendEndOfUtterance();
    endFlush.eouSent(session.streamEndMs);
    ledger.eouMarks.take();
    idleGap.messageSent(clock.now());
    return true;
  }
}
