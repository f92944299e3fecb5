/**
 * The stream's own account of where speech is, from the silence it detects in the audio it sends
 * (16-bit PCM, and frames that say whether they are silent). It lets the stream
 *
 * - confirm silence itself: with no speech awaiting a final, a rollover or recovery need not
 *   replay more than `leadMs` of the pause;
 * - place finals without word times: each is taken to finalize the oldest speech run not yet
 *   finalized (a run is speech with no pause of `gapMs` or more inside it);
 * - cut between sessions in a pause, so that each run belongs to exactly one session.
 *
 * Audio that cannot be scanned (Ogg Opus written as such) turns it off for the stream (`known`
 * false): the stream then falls back to confirming only by finals.
 */

import { PAUSE_OWES_FINAL_MS } from './liveness.js';

/**
 * A pause this long ends a speech run: longer than the gaps between words, shorter than the
 * silence after which a service ends an utterance (0.5-0.8 s). Not `rollover.silenceMs`: a user who
 * sets that long (to roll over only at the service's ends of utterance) must not merge utterances
 * into one run, or a final for the first would be taken to finalize the next.
 */
export const UTTERANCE_GAP_MS = 400;
/** Silence kept ahead of the next speech in a replay: enough lead-in for a recognizer. */
export const SILENCE_LEAD_MS = 500;
/**
 * A finished run whose final has not come after this much audio and this much time (a strict
 * service finalizes up to 1.5 s after an utterance ends), and that was followed by a pause long
 * enough for the stall watch to expect a final, is taken for a sound with no words (a click, a
 * cough), so that it does not hold confirmation back for ever.
 */
export const GIVE_UP_AUDIO_MS = 2_000;
export const GIVE_UP_WALL_MS = 3_000;
/** Runs remembered; past this the oldest is forgotten (it is far beyond any replay bound by then). */
const MAX_RUNS = 256;
/** Short pauses remembered inside one run. */
const MAX_QUIET = 1_024;

interface Run {
  startMs: number;
  /** End of its last non-silent frame. */
  endMs: number;
  /** Clock time that frame was sent. */
  endSentAt: number;
  /** Followed by at least `gapMs` of silence. */
  closed: boolean;
  /** A final without word times was taken for it (its confirmation may still be held). */
  claimed: boolean;
  /** A final with word times covered it (its confirmation may still be held): no timeless final is taken for it. */
  timed: boolean;
  /** Starts of the short pauses inside it (silent frames after speech), oldest first. */
  quiet: number[];
  /** Start of its latest speech after a short pause inside it (-Infinity: none). */
  resumedMs: number;
}

/** Where a new session starts, and what the session it replaces still owns. */
export interface Cut {
  /** Whole-stream position the new session's audio starts at. */
  startMs: number;
  /** The replaced session still owns speech before `startMs` (it was not confirmed and is not replayed). */
  oldOwns: boolean;
  /** Speech runs before `startMs` awaiting a final: finals without times the replaced session still owes. */
  owedFinals: number;
  /** Set when the cut falls inside speech (no pause in the last replay bound): where that speech started. */
  unreplayedFromMs: number | undefined;
  /** Start of the earliest speech before `startMs` that awaits a final (when `oldOwns`). */
  ownedFromMs: number | undefined;
  /** Whether the audio could be scanned for silence (false: the cut is only the replay bound's). */
  scanned: boolean;
  /** The speech runs before `startMs` awaiting a final (`owedFinals` of them), oldest first. */
  owedRuns: { startMs: number; endMs: number }[];
}

export class SpeechRuns {
  /** Whether every frame so far could be classified. */
  known = true;
  private endMs = 0;
  /** Runs not yet confirmed, oldest first. */
  private runs: Run[] = [];

  constructor(
    private readonly gapMs: number,
    private readonly leadMs = SILENCE_LEAD_MS,
    /**
     * Longer than the stall watch's timeout plus the time a final may be owed: a session that
     * stopped answering must be noticed as stalled (and its speech replayed) before the stream
     * takes that speech for a click and confirms past it.
     */
    private readonly giveUpWallMs = GIVE_UP_WALL_MS,
  ) {}

  /**
   * A frame went out. `silent` is undefined when the audio cannot be scanned. Replayed frames
   * (already seen) are ignored. Returns a position the stream may confirm as silence, if any.
   */
  frame(streamMs: number, durationMs: number, silent: boolean | undefined, now: number, confirmedMs: number): number | undefined {
    const end = streamMs + durationMs;
    if (end <= this.endMs + 1e-6 || !this.known) return undefined;
    this.endMs = end;
    if (silent === undefined) {
      this.known = false;
      this.runs = [];
      return undefined;
    }
    const last = this.runs[this.runs.length - 1];
    if (!silent) {
      if (last && !last.closed) {
        if (streamMs > last.endMs + 1e-6) last.resumedMs = streamMs;
        last.endMs = end;
        last.endSentAt = now;
      } else {
        if (this.runs.length >= MAX_RUNS) this.runs.shift();
        this.runs.push({ startMs: streamMs, endMs: end, endSentAt: now, closed: false, claimed: false, timed: false, quiet: [], resumedMs: -Infinity });
      }
      return undefined;
    }
    if (last && !last.closed) {
      if (end - last.endMs >= this.gapMs - 1e-6) last.closed = true;
      else if (last.endMs === streamMs) {
        if (last.quiet.length >= MAX_QUIET) last.quiet.shift();
        last.quiet.push(streamMs);
      }
    }
    // Runs that never got a final stop holding silence back once their final is long overdue.
    let first = this.runs[0];
    while (first && first.closed && !first.claimed && end - first.endMs >= GIVE_UP_AUDIO_MS && now - first.endSentAt >= this.giveUpWallMs && this.pauseAfter(first, end) >= PAUSE_OWES_FINAL_MS - 1e-6) {
      this.runs.shift();
      first = this.runs[0];
    }
    if (first) return undefined;
    const at = end - this.leadMs;
    return at > confirmedMs ? at : undefined;
  }

  /**
   * The silence after `run`: up to the next run, or to `endMs` when it is the last. Only a pause
   * this long makes a v2 service owe its final (`PAUSE_OWES_FINAL_MS`), so only then can the stall
   * watch tell a service that stopped answering from a sound with no words; a run followed by
   * shorter pauses is never given up, whatever the time (else a stalled session's speech would be
   * confirmed as silence, neither replayed nor owed at the next cut).
   */
  private pauseAfter(run: Run, endMs: number): number {
    const next = this.runs[this.runs.indexOf(run) + 1];
    return (next ? next.startMs : endMs) - run.endMs;
  }

  /**
   * Where a final without word times lets the stream confirm: the end of the oldest run not yet
   * finalized (up to the lead-in of the next one), or everything sent when it is the last one;
   * and the run it was placed on, if any. Undefined when the audio cannot be scanned.
   */
  claimTimeless(sessionEndMs: number): { confirmMs: number; run: { startMs: number; endMs: number } | undefined } | undefined {
    if (!this.known) return undefined;
    const i = this.runs.findIndex((r) => !r.claimed && !r.timed);
    const run = this.runs[i];
    if (!run) return { confirmMs: sessionEndMs, run: undefined };
    run.claimed = true;
    const next = this.runs[i + 1];
    const at = next ? Math.max(run.endMs, next.startMs - this.leadMs) : this.endMs;
    return { confirmMs: Math.min(at, sessionEndMs), run: { startMs: run.startMs, endMs: Math.min(run.endMs, sessionEndMs) } };
  }

  /**
   * A final with word times covers `startMs`…`endMs`: the runs it overlaps have their final, even
   * while its confirmation is held (a v3 refinement owed), so a final without times that comes
   * next is not taken for one of them.
   */
  claimSpan(startMs: number, endMs: number): void {
    // Covered to its end (a run ends up to a frame after the last word), not merely overlapped.
    for (const r of this.runs) if (r.startMs <= endMs + 1e-6 && r.endMs <= endMs + this.gapMs / 2 && r.endMs >= startMs - 1e-6) r.timed = true;
  }

  /** A new session: finals taken but not confirmed will be heard again, and come again. */
  unclaim(): void {
    for (const r of this.runs) r.claimed = false;
  }

  /** Audio up to `streamMs` is confirmed (or handed to a replaced session). */
  trim(streamMs: number): void {
    // A run ends on a frame boundary, up to a frame after the last word a final timed; speech that
    // starts after `streamMs` is still to be finalized, however short: a run that starts there, or
    // one that resumes there after a pause shorter than `gapMs` (the next utterance, close behind
    // the one just finalized).
    const done = (r: Run) => r.startMs < streamMs && r.endMs <= streamMs + this.gapMs / 2 && r.resumedMs < streamMs - 1e-6;
    while (this.runs.length > 0 && done(this.runs[0]!)) this.runs.shift();
    const first = this.runs[0];
    if (first && first.startMs < streamMs) first.startMs = streamMs;
  }

  /**
   * Where to start a new session, given the earliest start the replay bound allows (`earliestMs`)
   * and where the old session's audio ended (`atMs`). Each word must be reported by one session,
   * and a session without word times reports everything it heard of an utterance, so:
   * - if the replay reaches all speech awaiting a final, the new session hears it all again and
   *   the old one owns nothing;
   * - else, if the old session's audio ends in silence, it heard every word it will report whole:
   *   it owns the speech before the first pause the replay can reach (or all of it);
   * - else, if the utterance going on at the cut started within reach, the new session hears it
   *   from its start and the old one owns what came before;
   * - else, if that utterance started within `stretchMs` (a longer reach, allowed only to
   *   avoid cutting inside speech), likewise;
   * - else there is no pause to cut in: the new session starts at the first quiet moment within
   *   reach (or at `earliestMs`) and `unreplayedFromMs` says where the cut speech started.
   */
  cut(earliestMs: number, stretchMs: number, atMs: number, confirmedMs: number): Cut {
    if (!this.known) {
      const oldOwns = earliestMs > confirmedMs + 1e-6;
      return { startMs: earliestMs, oldOwns, owedFinals: 0, unreplayedFromMs: undefined, ownedFromMs: oldOwns ? confirmedMs : undefined, scanned: false, owedRuns: [] };
    }
    const pending = this.runs.filter((r) => !r.claimed && r.startMs < atMs);
    const first = pending[0];
    const last = pending[pending.length - 1];
    const from = (i: number, reach = earliestMs) => Math.max(reach, pending[i - 1]?.endMs ?? -Infinity, pending[i]!.startMs - this.leadMs);
    let startMs: number;
    let unreplayedFromMs: number | undefined;
    if (!first || !last) {
      startMs = Math.max(earliestMs, atMs - this.leadMs);
    } else if (earliestMs <= first.startMs + 1e-6) {
      startMs = from(0);
    } else if (last.endMs < atMs - 1e-6) {
      const next = pending.findIndex((r) => r.startMs >= earliestMs);
      startMs = next >= 0 ? from(next) : Math.max(earliestMs, last.endMs);
    } else if (last.startMs >= stretchMs) {
      startMs = from(pending.length - 1, last.startMs >= earliestMs ? earliestMs : stretchMs);
    } else {
      startMs = last.quiet.find((q) => q >= earliestMs) ?? earliestMs;
      unreplayedFromMs = last.startMs;
    }
    startMs = Math.min(startMs, atMs);
    const owedRuns: { startMs: number; endMs: number }[] = [];
    let ownedFromMs = unreplayedFromMs;
    for (const r of pending) {
      // A run a timed final covered is reported (its confirmation may still wait for follow-ups):
      // the old session owes nothing for it, and a repair must not hear it again.
      if (r.endMs > startMs + 1e-6 || r.timed) continue;
      owedRuns.push({ startMs: r.startMs, endMs: r.endMs });
      ownedFromMs = Math.min(ownedFromMs ?? Infinity, r.startMs);
    }
    return { startMs, oldOwns: ownedFromMs !== undefined, owedFinals: owedRuns.length, unreplayedFromMs, ownedFromMs, scanned: true, owedRuns };
  }
}
