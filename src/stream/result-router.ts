import { ErrorCodes, SpeechKitError } from '../errors.js';
import type { RecognitionResult } from '../results.js';
import { SEAM_TOLERANCE_MS } from '../session/result-gate.js';
import { checkResultTimes } from '../session/result-times.js';
import type { Session } from '../session/session.js';

/**
 * The results' way from the sessions to the reader, around the result gate: first their times are
 * checked against the audio each session was sent, then (after the gate) what reaches the reader
 * is accounted for: finals counted, and how far finals with times have reported, per session.
 * Pure: warnings go to `warn`.
 */
export class ResultRouter {
  /** The session of the last timed final delivered, where it ended, and where older sessions' finals ended. */
  private readonly lastReport = { session: -1, endMs: -Infinity, priorEndMs: -Infinity };
  /** Finals delivered (the gate numbers them 0, 1, … in the same order). */
  private finals = 0;

  constructor(private readonly warn: (warning: SpeechKitError) => void) {}

  /**
   * Results whose times fall outside the audio their session was sent lose them (see
   * `checkResultTimes`), said in a warning. A session's finals come in audio order, so one without
   * times follows the session's last timed final: past what older sessions reported when that
   * final was, it is news. Otherwise, in a session that heard reported audio again, it cannot be
   * told from a repeat: it goes, said in the warning, rather than risk saying words twice. A
   * `repair` hears only speech no final reported: none of its finals can be a repeat.
   */
  screen(session: Session, results: RecognitionResult[], repair = false): RecognitionResult[] {
    const reportedMs = repair ? -Infinity : this.reportedByOthersMs(session);
    let kept = results;
    for (const result of results) {
      const wrong = checkResultTimes(result, session.baseOffsetMs, session.streamEndMs);
      if (!wrong) {
        if (result.final && result.endMs !== undefined) session.finalsEndMs = Math.max(session.finalsEndMs, result.endMs);
        continue;
      }
      const unplaceable = result.final && session.baseOffsetMs < reportedMs && session.finalsEndMs < reportedMs - SEAM_TOLERANCE_MS;
      if (unplaceable) kept = kept.filter((r) => r !== result);
      const message = unplaceable ? `${wrong}, and the final was dropped: its session heard reported audio again, so it cannot be placed` : wrong;
      this.warn(new SpeechKitError(ErrorCodes.RESULT_TIMES, message, { session: session.index }));
    }
    return kept;
  }

  /**
   * Whether `result`, released by the gate, goes to the reader; accounts for it if so. After a
   * single utterance (`closed`) only refinements of its finals still belong to the job.
   */
  deliverable(session: Session, result: RecognitionResult, closed: boolean): boolean {
    if (closed && !(result.type === 'refinement' && result.finalIndex < this.finals)) return false;
    if (result.type !== 'final') return true;
    this.finals++;
    if (result.endMs !== undefined) {
      if (this.lastReport.session !== session.index) this.lastReport.priorEndMs = this.lastReport.endMs;
      this.lastReport.session = session.index;
      this.lastReport.endMs = Math.max(this.lastReport.endMs, result.endMs);
    }
    return true;
  }

  /** End of the audio reported by finals of sessions older than `session`. */
  private reportedByOthersMs(session: Session): number {
    return this.lastReport.session === session.index ? this.lastReport.priorEndMs : this.lastReport.endMs;
  }
}
