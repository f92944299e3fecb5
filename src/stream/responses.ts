import type { ApiResponse } from '../api/adapter.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionResult, StatusEvent } from '../results.js';
import type { Ledger } from '../session/ledger.js';
import type { ResultGate } from '../session/result-gate.js';
import type { Session } from '../session/session.js';
import { UTTERANCE_GAP_MS } from '../session/speech-runs.js';
import type { StallGuard } from '../session/stall-guard.js';
import type { Feeder } from './feeder.js';
import type { ResultRouter } from './result-router.js';
import type { SessionController } from './session-controller.js';
import type { SessionTimers } from './session-timers.js';
import type { SettingsUpdate } from './settings-update.js';

/** Longest replay an end-of-utterance rollover may cost (see `cheapBoundary`). */
const MAX_EOU_REPLAY_MS = 5_000;

/** The stream's parts a response is heard with. */
export interface ResponseParts {
  options: ResolvedOptions;
  router: ResultRouter;
  gate: ResultGate;
  ledger: Ledger;
  timers: SessionTimers;
  feeder: Feeder;
  stalls: StallGuard;
  ctl: SessionController;
  updates: SettingsUpdate;
}

/** What hearing a response asks of the stream. */
export interface ResponseHost {
  destroyed(): boolean;
  utteranceDone(): boolean;
  status(event: StatusEvent): void;
  /** Pushes what the gate released to the reader. */
  deliver(session: Session, results: RecognitionResult[]): void;
  /** Audio waits for a final (the end flush, or unpaced audio past the replay bound). */
  waiting(): boolean;
  pump(): void;
}

/**
 * A session's response, heard: results' times checked, what the current session finalized
 * settled in the ledger (so that a rollover this response brings replays from there), results
 * through the gate to the reader, and an end of utterance in the soft window taken as the moment
 * to roll over when it is cheap.
 */
export class Responses {
  constructor(
    private readonly parts: ResponseParts,
    private readonly host: ResponseHost,
  ) {}

  heard(session: Session, response: ApiResponse): void {
    const { options, router, gate, ledger, stalls, ctl } = this.parts;
    const host = this.host;
    if (host.destroyed()) return;
    if (response.status) host.status({ session: session.index, ...response.status });
    const current = session === ctl.current;
    if (current) stalls.arm(session);
    const results = router.screen(session, options.partialResults ? response.results : response.results.filter((r) => r.type !== 'partial'));
    if (current) {
      this.noteProgress(session, results);
      if (response.finalCursorMs !== undefined) {
        // The service's own account of what is final (v3 audio cursors): the exact replay point.
        // Never past what this session was sent: a cursor inside keep-alive silence maps to its start.
        ledger.offerConfirm(Math.min(session.timeline.toStreamMs(response.finalCursorMs), session.streamEndMs));
      }
    }
    if (results.length > 0) host.deliver(session, gate.accept(session.index, results));
    const boundary = results.some((r) => r.endOfUtterance) && this.cheapBoundary(session);
    const updating = this.parts.updates.pending;
    if (boundary && session === ctl.current && (session.inSoftWindow || updating) && !host.utteranceDone() && session.state === 'open') {
      if (ctl.requestRollover(session.inSoftWindow ? 'end-of-utterance' : 'update')) host.pump();
    }
    // Audio waiting for a final may go on now. Only after this response's results went through
    // the gate: a rollover the pump brings replaces the session, and the gate would then take the
    // finals that just confirmed its audio for the next one's.
    if (host.waiting() && session === ctl.current) host.pump();
  }

  /**
   * Whether an end of utterance is a good moment to roll over: the stream is in a pause, or the
   * new session would replay little. A late one (an `eou_update` a second behind, unpaced audio)
   * can come deep inside the next utterance: rolling over there replays all of it so far.
   */
  private cheapBoundary(session: Session): boolean {
    const { feeder, ledger } = this.parts;
    return feeder.silentRunMs >= UTTERANCE_GAP_MS || ledger.unconfirmedMs(session.streamEndMs) <= Math.min(ledger.replayBound(), MAX_EOU_REPLAY_MS);
  }

  /** Finals confirm the audio they cover, once what follows them (v3) has come too. */
  private noteProgress(session: Session, results: RecognitionResult[]): void {
    const { timers, ledger, gate } = this.parts;
    for (const result of results) {
      if (result.type === 'final') {
        timers.healthy(session);
        const placed = ledger.final(result, session.streamEndMs);
        if (placed) gate.placed(session.index, result.finalIndex, placed);
      } else {
        ledger.followUp(result);
      }
    }
  }
}
