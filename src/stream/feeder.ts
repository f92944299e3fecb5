import type { AudioFrame } from '../audio/frame.js';
import type { AudioIntake } from '../audio/intake.js';
import { isSilentPcm } from '../audio/level.js';
import type { EouMarks } from '../session/eou-marks.js';
import { sendAsSilence, type SilenceCompression } from '../session/silence.js';
import type { Pacer } from '../timing/pacer.js';

/** How one frame goes to the session. */
export interface FrameLevel {
  /** Silence by its samples; undefined where they cannot be read (a container's pages). */
  silent: boolean | undefined;
  /** Sent as a silence message instead of its bytes (v3 `compressSilence`). */
  asSilence: boolean;
  /** Speech or not, as far as the end-of-stream flush may trust it. */
  speech: boolean | undefined;
}

/**
 * The audio on its way to the current session: the replay queued by a rollover or a failure
 * first, then frames cut from what the writer wrote, each when it comes due at the pace; and what
 * each frame is (silence, speech) for the policies that read it. Pure: time comes in as `now`.
 */
export class Feeder {
  /** Audio sent to a replaced session that the next one must hear again, oldest first. */
  private replay: AudioFrame[] = [];
  private next: AudioFrame | undefined;
  /** Silence sent to the current session since its last speech, in ms. */
  silentRunMs = 0;

  constructor(
    private readonly intake: AudioIntake,
    private readonly marks: EouMarks,
    private readonly pacer: Pacer,
    /** Silence may go as a message of its duration (API v3 with `compressSilence`). */
    private readonly compress: SilenceCompression | undefined,
    /** The audio is encoded here from PCM (`encode`), so its levels are the PCM's. */
    private readonly encodedHere: boolean,
  ) {}

  /** The frame that goes next, if any is ready (after `end()`, a short last frame too). */
  peek(ending: boolean): AudioFrame | undefined {
    if (this.replay.length > 0) return this.replay[0];
    this.next ??= this.intake.next(ending) ?? this.flushForEou();
    return this.next;
  }

  /** The frame `peek` gave was sent. */
  take(): void {
    if (this.replay.length > 0) this.replay.shift();
    else this.next = undefined;
  }

  /** Frames the next session hears again, ahead of everything queued. */
  requeue(frames: readonly AudioFrame[]): void {
    this.replay = [...frames, ...this.replay];
  }

  /** Nothing more goes out: a single utterance is over. */
  clear(): void {
    this.replay = [];
    this.next = undefined;
  }

  /** The replay is given up (its stretch was reported unconfirmed). */
  dropReplay(): void {
    this.replay = [];
  }

  /** A new session: its silence run starts again. */
  newSession(): void {
    this.silentRunMs = 0;
  }

  /**
   * When `frame` is due. Faster than real time the service's finals fall behind the audio; with
   * `holdForFinals` (past the replay bound a failure could no longer be replayed in full) it waits
   * for them at real time.
   */
  dueAt(frame: AudioFrame, now: number, holdForFinals: boolean): number {
    const due = this.pacer.dueAt(frame.streamMs, now);
    return holdForFinals ? Math.max(due, this.pacer.realTimeDueAt(now)) : due;
  }

  /**
   * What `frame` is. Every PCM frame is scanned (speech answers within a few samples): silence is
   * confirmed by the stream itself, finals without word times are placed by it, stall detection
   * (v2 owes a final after a pause) and the end-of-stream flush read it. Ogg pages cannot be read:
   * their packet sizes, when the reader judged them, are good enough to place rollovers and
   * finals, not to claim that an encoder's tail still awaits a final.
   */
  level(frame: AudioFrame): FrameLevel {
    const pcm = this.intake.format?.encoding === 'LINEAR16_PCM';
    const silent = frame.silent ?? (pcm ? isSilentPcm(frame.data) : undefined);
    // Only raw PCM may skip bytes: a container's pages must all arrive.
    const asSilence = pcm && this.compress !== undefined && sendAsSilence(this.compress, this.silentRunMs, frame, silent === true);
    const trusted = pcm || this.encodedHere ? silent : undefined;
    return { silent, asSilence, speech: trusted === undefined ? undefined : !trusted };
  }

  /** `frame` went to the session at `now`. */
  sent(frame: AudioFrame, silent: boolean | undefined, now: number): void {
    this.pacer.sent(frame.streamMs, frame.durationMs, now);
    this.silentRunMs = silent ? this.silentRunMs + frame.durationMs : 0;
  }

  /** For sources that cannot cut (see `FrameSource.cut`), a mark must not wait for a frame to fill up. */
  private flushForEou(): AudioFrame | undefined {
    if (!this.intake.format || !this.marks.waitsBeyond(this.intake.positionMs)) return undefined;
    try {
      return this.intake.next(true);
    } catch {
      // Half a sample or half an Ogg page held back: the mark waits for the rest of it.
      return undefined;
    }
  }
}
