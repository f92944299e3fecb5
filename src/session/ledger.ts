import type { AudioFrame } from '../audio/frame.js';
import type { RecognitionResult } from '../results.js';
import { EouMarks } from './eou-marks.js';
import { FinalHold, type FollowUps } from './final-hold.js';
import { ReplayBuffer } from './replay-buffer.js';
import type { Limits, RolloverOptions } from './rollover.js';
import { GIVE_UP_WALL_MS, SILENCE_LEAD_MS, SpeechRuns, UTTERANCE_GAP_MS, type Cut } from './speech-runs.js';

/** Audio the replay buffer keeps past `maxReplayMs` + `stallTimeoutMs` (late finals, a slow cancel). */
const REPLAY_SLACK_MS = 5_000;

export interface LedgerOptions {
  maxReplayMs: number;
  stallTimeoutMs: number;
  rollover: RolloverOptions;
  sessionLimits: Limits;
}

/**
 * What the stream knows about the audio it has sent: how far finals (and pauses it found itself)
 * have confirmed it, what must be heard again by the next session, where speech is, and the marks
 * that travel with the audio. Pure bookkeeping on stream positions: no session, no clock.
 */
export class Ledger {
  /** Whole-stream ms up to which finals have confirmed the audio. */
  confirmedMs = 0;
  /** Audio sent since the last confirmation, for a replay. */
  readonly replay: ReplayBuffer;
  /** Where speech is, from the silence the stream detects: confirms pauses, places timeless finals, picks cuts. */
  readonly speech: SpeechRuns;
  /** Where the user ended utterances (external end-of-utterance classifier). */
  readonly eouMarks = new EouMarks();
  /** Confirmations held while a final's refinement or end of utterance is owed (v3). */
  private readonly finalHold: FinalHold;

  constructor(private readonly options: LedgerOptions, followUps: FollowUps) {
    // Beyond the replay bound unconfirmed audio still flows at real time until a stalled session is
    // noticed: the buffer keeps that much more, so what a repair needs is still there.
    this.replay = new ReplayBuffer(options.maxReplayMs + options.stallTimeoutMs + REPLAY_SLACK_MS);
    this.speech = new SpeechRuns(UTTERANCE_GAP_MS, SILENCE_LEAD_MS, GIVE_UP_WALL_MS + options.stallTimeoutMs);
    this.finalHold = new FinalHold(followUps);
  }

  /** Longest replay, in ms: it must leave a new session room to progress before its own soft point. */
  replayBound(): number {
    const { maxReplayMs, rollover, sessionLimits } = this.options;
    return Math.min(maxReplayMs, 0.5 * rollover.softRatio * sessionLimits.maxAudioMs);
  }

  /** Audio sent that no final has confirmed, for a session whose audio ends at `streamEndMs`. */
  unconfirmedMs(streamEndMs: number): number {
    return streamEndMs - this.confirmedMs;
  }

  /** A frame went out (`silent` undefined when it cannot be scanned); confirms a pause it ends, if any. */
  sent(frame: AudioFrame, silent: boolean | undefined, now: number): void {
    this.replay.add(frame);
    const pause = this.speech.frame(frame.streamMs, frame.durationMs, silent, now, this.confirmedMs);
    if (pause !== undefined) this.confirm(pause);
  }

  /** A new session: it owes no follow-up yet, and finals taken but not confirmed will come again. */
  newSession(): void {
    this.finalHold.reset();
    this.speech.unclaim();
  }

  /**
   * A final of the current session: it confirms what it covers, once its follow-ups (v3) have
   * come. Returns, for a final without times, the speech run the stream placed it on.
   */
  final(result: RecognitionResult & { type: 'final' }, sessionEndMs: number): { startMs: number; endMs: number } | undefined {
    this.finalHold.final(result.finalIndex);
    if (result.endMs !== undefined) {
      if (result.startMs !== undefined) this.speech.claimSpan(result.startMs, result.endMs);
      this.offerConfirm(result.endMs);
      return undefined;
    }
    // Without word times the stream's own account of speech says what it finalized.
    const claim = this.speech.claimTimeless(sessionEndMs);
    this.offerConfirm(claim?.confirmMs ?? sessionEndMs);
    return claim?.run;
  }

  /** A refinement or end of utterance (v3) may release a held confirmation. */
  followUp(result: RecognitionResult): void {
    if (result.type === 'refinement') this.finalHold.refinement(result.finalIndex);
    else if (result.type === 'endOfUtterance') this.finalHold.endOfUtterance();
    else return;
    const released = this.finalHold.release();
    if (released !== undefined) this.confirm(released);
  }

  /** Confirms a position unless something is still owed for a final before it. */
  offerConfirm(streamMs: number): void {
    const now = this.finalHold.offer(streamMs);
    if (now !== undefined) this.confirm(now);
  }

  /** The service has finalized the audio up to `streamMs`: a new session need not hear it again. */
  confirm(streamMs: number): void {
    if (streamMs <= this.confirmedMs) return;
    this.confirmedMs = streamMs;
    this.replay.trimTo(streamMs);
    this.eouMarks.confirm(streamMs);
    this.speech.trim(streamMs);
  }

  /**
   * Where the next session may start for a session whose audio ends at `atMs`: from the last
   * confirmation, within the replay bound (in ms and in bytes; `reach` stretches it).
   */
  replayStart(atMs: number, reach = 1): number {
    const { rollover, sessionLimits } = this.options;
    let start = Math.max(this.confirmedMs, this.replay.startMs ?? atMs, atMs - reach * this.replayBound());
    const bytesBound = reach * 0.5 * rollover.softRatio * sessionLimits.maxBytes;
    let bytes = 0;
    for (const frame of this.replay.from(start).reverse()) {
      bytes += frame.data.length;
      if (bytes > bytesBound) {
        start = frame.streamMs + frame.durationMs;
        break;
      }
    }
    return Math.min(start, atMs);
  }

  /** Where to cut for a new session after audio ending at `atMs` (see `SpeechRuns.cut`). */
  cut(atMs: number): Cut {
    // Reaching back half as far again is allowed only to start at the utterance going on at the cut.
    return this.speech.cut(this.replayStart(atMs), this.replayStart(atMs, 1.5), atMs, this.confirmedMs);
  }

  /** The audio of the speech a cut leaves to the old session (for a repair), from a lead-in before it. */
  owedFrames(cut: Cut): AudioFrame[] {
    const first = cut.owedRuns[0];
    if (!first) return [];
    return this.replay.from(first.startMs - SILENCE_LEAD_MS).filter((f) => f.streamMs < cut.startMs - 1e-6);
  }

  /**
   * The next session starts at `fromMs`: what was sent since then goes back in line (returned,
   * oldest first), and audio before it is no longer the stream's to replay.
   */
  takeReplay(fromMs: number): AudioFrame[] {
    const frames = this.replay.from(fromMs);
    this.replay.clear();
    this.eouMarks.requeue(fromMs);
    this.confirmedMs = Math.max(this.confirmedMs, fromMs);
    this.speech.trim(fromMs);
    return frames;
  }

  /** Nothing more is to be sent or replayed (a single utterance ended, or the stream gave up a flush). */
  clear(): void {
    this.replay.clear();
    this.eouMarks.clear();
  }
}
