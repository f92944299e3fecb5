import type { Readable } from 'node:stream';
import type { CredentialsEvent } from './auth/token-cache.js';
import type { SpeechKitError } from './errors.js';
import type { RecognitionResult, SessionInfo, StatusEvent } from './results.js';
import type { UnconfirmedEvent } from './session/end-flush.js';
import type { RetryEvent } from './session/recovery-policy.js';
import type { RolloverReason } from './session/rollover.js';
import type { SeamEvent } from './session/seam.js';
import type { TurnEvent } from './stream/turn-events.js';

/** Payload of the `rollover` event: a new session replaces the current one before a limit. */
export interface RolloverEvent {
  /**
   * What made the stream roll over: `end-of-utterance` (a final closed an utterance inside the
   * soft window), `silence` (silence the stream detected there), `limit` (no boundary came before
   * the hard margin). A session the service ends for a limit is a `retry` with code
   * `SPEECHKIT_ERR_SESSION_LIMIT` instead.
   */
  reason: RolloverReason;
  /** Index of the session being replaced. */
  fromSession: number;
  /** Whole-stream position of the audio sent to it so far, in ms. */
  atMs: number;
  /** Whole-stream position the next session starts from (it replays `replayFromMs`…`atMs`). */
  replayFromMs: number;
}

/** Payload of the `idle` event: the `close` idle policy half-closed a session during a pause. */
export interface IdleEvent {
  /** Index of the session closed. */
  session: number;
  /** Whole-stream position of the last audio it was sent, in ms; the next session starts here. */
  atMs: number;
}

/**
 * Every event a `RecognizeStream` emits, with its listener's arguments: the stream's own events
 * (see the README's Events table) and a Duplex's that carry one. `stream.on()`, `once()`, `off()` and the other
 * listener methods take these names with these payloads; any other name is untyped.
 */
export interface RecognizeStreamEvents {
  /** A result, in audio order; each final exactly once. */
  data: [result: RecognitionResult];
  /** The stream failed; it is destroyed. Match on `error.code`. */
  error: [error: SpeechKitError];
  /** Something was wrong but the stream carries on (`SPEECHKIT_ERR_WRITE_AFTER_END`, `SPEECHKIT_ERR_RESULT_TIMES`). */
  warning: [warning: SpeechKitError];
  /** A session's response headers arrived: its ids to quote to support. */
  session: [info: SessionInfo];
  rollover: [event: RolloverEvent];
  /** A session failed and a new one opens after `delayMs`. */
  retry: [event: RetryEvent];
  /** A hand-over between sessions could not be exact; says which audio only the old session heard. */
  seam: [event: SeamEvent];
  idle: [event: IdleEvent];
  /** API v3: the service's `status_code` message (keep-alive `WORKING`, or a `WARNING`). */
  status: [event: StatusEvent];
  /** A service-account key got a new IAM token, or a background refresh failed. Never a credential. */
  credentials: [event: CredentialsEvent];
  /** The stream ended normally though speech in `fromMs`–`toMs` got no final, even replayed. */
  unconfirmed: [event: UnconfirmedEvent];
  /** `voiceActivity`: voice started at `atMs` (told once that audio was sent to the service). */
  speechStart: [event: TurnEvent];
  /** `voiceActivity`: the turn ended; `atMs` is its last voice (told after the hangover's audio was sent). */
  speechEnd: [event: TurnEvent];
  /** `voiceActivity.noInputMs`: that much audio went by without speech. */
  noInput: [event: TurnEvent];
  // A Duplex's events without arguments ('end', 'close', 'drain', 'finish', …) stay untyped, so
  // that a Promise's `resolve` can listen to them, as Node's own overloads allow.
  pipe: [source: Readable];
  unpipe: [source: Readable];
}

/** The name of an event `RecognizeStream` emits. */
export type RecognizeStreamEventName = keyof RecognizeStreamEvents;

/** A listener for `event`: typed for the stream's events, untyped for any other name. */
export type RecognizeStreamListener<E extends string | symbol> = E extends RecognizeStreamEventName
  ? (...args: RecognizeStreamEvents[E]) => void
  : (...args: any[]) => void;

/** The arguments `emit(event, …)` passes for `event`. */
export type RecognizeStreamEventArgs<E extends string | symbol> = E extends RecognizeStreamEventName ? RecognizeStreamEvents[E] : any[];
