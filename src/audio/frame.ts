/** A piece of audio ready to send: the unit pacing, limits, rollover and replay count in. */
export interface AudioFrame {
  /** Bytes exactly as the service receives them. Owned by the frame (never the caller's buffer). */
  readonly data: Buffer;
  /** Position of the frame's first sample in the whole stream, in ms. */
  readonly streamMs: number;
  readonly durationMs: number;
  /** Set by sources that know the frame is silence (a natural rollover point). */
  readonly silent?: boolean;
}

/**
 * A frame that is nothing but its bytes and its times (what the PCM framer makes). Replay may keep
 * it as a record and rebuild it; frames of other kinds (Ogg pages with their metadata) are kept
 * as they are.
 */
export class PlainFrame implements AudioFrame {
  constructor(
    readonly data: Buffer,
    readonly streamMs: number,
    readonly durationMs: number,
  ) {}
}

/**
 * How one session sees the audio. Containers need this: every Ogg session must begin with the
 * stream's header pages, and its pages must form a valid stream for that session.
 */
export interface SessionWire {
  /** Bytes the session receives first, before any frame (no duration). */
  readonly prelude: Buffer | undefined;
  /** The bytes to send for `frame` in this session. */
  encode(frame: AudioFrame): Buffer;
}

/** Turns written bytes into frames on demand, so unsent audio stays in the caller's buffers. */
export interface FrameSource {
  /** Takes a written chunk. Throws a SpeechKitError (INVALID_AUDIO) on audio it cannot accept. */
  append(chunk: Buffer): void;
  /** The next frame, or undefined if not enough audio is buffered; `flush` also returns the tail. */
  next(flush: boolean): AudioFrame | undefined;
  /** Audio held and not yet returned as frames, in ms. */
  readonly bufferedMs: number;
  /** Audio returned as frames so far, in ms: the stream position of the next frame. */
  readonly positionMs: number;
  /**
   * A fresh view for a new session; absent when frames go out as they are. `first` is the frame
   * the session will start with, when known (a container may start a session differently mid-stream).
   */
  openSession?(first?: AudioFrame): SessionWire;
  /** Keep-alive silence of about `durationMs` in the format sent; absent for raw PCM (zeros). */
  silence?(durationMs: number): AudioFrame;
  /** Releases what the source holds outside the JS heap (an encoder). */
  close?(): void;
  /**
   * Ends the frame being filled at the audio written so far: the next frames stop exactly there,
   * the last of them shorter than `chunkMs` if need be. Returns that stream position in ms. Used to
   * place an end-of-utterance mark between two exact samples.
   */
  cut?(): number;
}
