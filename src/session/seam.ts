import type { RecognitionResult } from '../results.js';
import type { Cut } from './speech-runs.js';

/**
 * Payload of the `seam` event: a hand-over between two sessions that could not be exact. The
 * stream cuts between sessions in a pause and replays since the last final; a seam is what is
 * left when it could not, so any loss is said, never silent.
 */
export interface SeamEvent {
  /**
   * - `continuous-speech`: speech ran on with no pause of 400 ms (`UTTERANCE_GAP_MS`) for longer than
   *   the replay bound, so the new session starts mid-speech;
   * - `replay-bound`: a failed session left more unconfirmed speech than the replay bound;
   * - `unplaced-finals`: audio the stream cannot scan for silence (Ogg Opus as written), a
   *   replay cut short, and finals without word times that cannot be placed on either side.
   */
  reason: 'continuous-speech' | 'replay-bound' | 'unplaced-finals';
  /** The session that heard the audio first (replaced or failed). */
  fromSession: number;
  /** The session that carries on. */
  toSession: number;
  /** Whole-stream position where `fromSession`'s audio ended, ms. */
  atMs: number;
  /** Whole-stream position where `toSession`'s audio starts, ms. */
  replayFromMs: number;
  /**
   * `unreplayedFromMs`…`replayFromMs` is speech `toSession` does not hear: only `fromSession`'s
   * finals with word times starting before `replayFromMs` report it; otherwise it is lost.
   */
  unreplayedFromMs: number;
  /** Finals of `fromSession` that were dropped because they could not be placed before the cut. */
  dropped: RecognitionResult[];
}

/** The seam a cut makes, if any (`dropped` filled in once `fromSession` has ended). */
export function seamOf(cut: Cut, failed: boolean, fromSession: number, toSession: number, atMs: number, confirmedMs: number): SeamEvent | undefined {
  // A replaced session still reports what it owns; a failed one reports nothing more.
  const lost = failed ? cut.oldOwns : cut.unreplayedFromMs !== undefined || (!cut.scanned && cut.oldOwns);
  if (!lost) return undefined;
  const reason = failed ? 'replay-bound' : cut.scanned ? 'continuous-speech' : 'unplaced-finals';
  const unreplayedFromMs = (failed ? cut.ownedFromMs : cut.unreplayedFromMs ?? cut.ownedFromMs) ?? confirmedMs;
  return { reason, fromSession, toSession, atMs, replayFromMs: cut.startMs, unreplayedFromMs, dropped: [] };
}
