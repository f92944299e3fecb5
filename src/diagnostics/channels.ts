import diagnosticsChannel from 'node:diagnostics_channel';
import type { ApiVersion } from '../api/api-options.js';
import type { RecognitionResultType } from '../results.js';
import type { RetryEvent } from '../session/recovery-policy.js';
import type { RolloverReason } from '../session/rollover.js';

/**
 * The `node:diagnostics_channel` channels every stream publishes to, as undici does: subscribe by
 * name (`diagnostics_channel.subscribe(name, fn)`), with no import of this package needed. Every
 * payload is plain data (numbers, strings, and the already scrubbed `SpeechKitError` on `error`):
 * no credential, no audio, no transcript text, no reference that keeps a stream alive. A stream
 * builds a payload only while its channel has subscribers.
 */
export const DiagnosticsChannels = {
  /** A session's call started: credentials and a start slot were there. */
  SESSION_OPEN: 'speechkit-stream:session:open',
  /** A session's call ended (any status), with what it was sent. */
  SESSION_END: 'speechkit-stream:session:end',
  /** A new session replaces the current one before a limit (the stream's `rollover` event). */
  SESSION_ROLLOVER: 'speechkit-stream:session:rollover',
  /** A session failed and a new one opens after a backoff (the stream's `retry` event). */
  SESSION_RETRY: 'speechkit-stream:session:retry',
  /** A session start took its slot from the start limiter, after `waitedMs` in its queue. */
  SESSION_START_SLOT: 'speechkit-stream:session:startSlot',
  /** A result went to the reader (partial, final, refinement, end of utterance), with its latency. */
  STREAM_RESULT: 'speechkit-stream:stream:result',
  /** The stream failed and is destroyed (the stream's `error` event). */
  STREAM_ERROR: 'speechkit-stream:stream:error',
} as const;

/** The name of one of the channels in `DiagnosticsChannels`. */
export type DiagnosticsChannelName = (typeof DiagnosticsChannels)[keyof typeof DiagnosticsChannels];

/** Fields every payload has. */
export interface DiagnosticsMessageBase {
  /** The stream, numbered 0, 1, 2 … in the order streams were created in this process. */
  streamId: number;
}

/** The ids of a session to quote to support; `requestId`/`traceId` once its response headers came. */
export interface DiagnosticsSessionIds extends DiagnosticsMessageBase {
  /** The session's 0-based index within its stream (results' `session`). */
  session: number;
  /** The `x-client-request-id` the stream sent. */
  clientRequestId: string;
  /** The service's `x-request-id`, once headers arrived. */
  requestId?: string;
  /** The service's `x-server-trace-id`, once headers arrived. */
  traceId?: string;
}

/** Payload of `speechkit-stream:session:open`. */
export interface SessionOpenMessage extends DiagnosticsSessionIds {
  api: ApiVersion;
  /** Whole-stream position of the session's first sample, ms. */
  baseOffsetMs: number;
}

/** Audio of one kind a session was sent: its duration and its bytes on the wire. */
export interface SentAudio {
  ms: number;
  bytes: number;
}

/** Payload of `speechkit-stream:session:end`. */
export interface SessionEndMessage extends DiagnosticsSessionIds {
  api: ApiVersion;
  /** The call's gRPC status code (0 OK; 1 CANCELLED when the stream cancelled it). */
  grpcCode: number;
  /** A rollover had replaced it by a newer session before it ended (it was draining). */
  retired: boolean;
  /** Wall time from the call's start to its end, ms. */
  durationMs: number;
  /**
   * What the session was sent, by kind: `audio`, the user's audio heard for the first time;
   * `replay`, the user's audio heard again (after a rollover or a failure, and repairs);
   * `keepAlive`, everything else the session counted against its limits: silence the stream
   * inserted (keep-alive in pauses, the end-of-stream flush) and, in bytes, each Ogg Opus
   * session's header pages. Audio sent as a duration (v3 `silence_chunk`) has ms and no bytes.
   * The three add up to what the service's limits (and its bill) count for the session.
   */
  sent: { audio: SentAudio; replay: SentAudio; keepAlive: SentAudio };
}

/** Payload of `speechkit-stream:session:rollover`: the stream's `rollover` event, with its stream. */
export interface SessionRolloverMessage extends DiagnosticsMessageBase {
  reason: RolloverReason;
  fromSession: number;
  atMs: number;
  replayFromMs: number;
}

/** Payload of `speechkit-stream:session:retry`: the stream's `retry` event, with its stream. */
export interface SessionRetryMessage extends DiagnosticsMessageBase, RetryEvent {}

/** Payload of `speechkit-stream:session:startSlot`. */
export interface SessionStartSlotMessage extends DiagnosticsMessageBase {
  /** Wall time spent in the start limiter's queue, ms (0: a slot was free). */
  waitedMs: number;
  /** Sessions still waiting in that limiter when this one got its slot. */
  waiting: number;
}

/** Payload of `speechkit-stream:stream:result`. Carries no text. */
export interface StreamResultMessage extends DiagnosticsMessageBase {
  /** The session that produced the result. */
  session: number;
  type: RecognitionResultType;
  /** Finals and refinements: the final's number in the stream. */
  finalIndex?: number;
  startMs?: number;
  endMs?: number;
  /**
   * Finals: wall ms from sending the audio at the final's end (`endMs`, its last word) to handing
   * the final to the reader; the service's end-of-utterance pause is part of it. First partials:
   * from sending the audio at the utterance's start (`startMs`) to handing over its first
   * partial. Undefined for other results, results without times, and audio sent too long ago.
   */
  latencyMs?: number;
  /** The first partial of an utterance (the first since the stream began or since a final). */
  firstPartial: boolean;
}

/** Payload of `speechkit-stream:stream:error`. */
export interface StreamErrorMessage extends DiagnosticsMessageBase {
  /** `error.code` (a `SpeechKitError`'s stable code), when it has one. */
  code: string | undefined;
  /** The error the stream was destroyed with: scrubbed of credentials like every error it raises. */
  error: Error;
}

/** Each channel's payload, by channel name. */
export interface DiagnosticsMessages {
  'speechkit-stream:session:open': SessionOpenMessage;
  'speechkit-stream:session:end': SessionEndMessage;
  'speechkit-stream:session:rollover': SessionRolloverMessage;
  'speechkit-stream:session:retry': SessionRetryMessage;
  'speechkit-stream:session:startSlot': SessionStartSlotMessage;
  'speechkit-stream:stream:result': StreamResultMessage;
  'speechkit-stream:stream:error': StreamErrorMessage;
}

/**
 * The channel objects, made once: `diagnostics_channel.channel(name)` returns the same channel for
 * a name process-wide, so two copies of this package publish to the same subscribers.
 */
export const channels = {
  sessionOpen: diagnosticsChannel.channel(DiagnosticsChannels.SESSION_OPEN),
  sessionEnd: diagnosticsChannel.channel(DiagnosticsChannels.SESSION_END),
  rollover: diagnosticsChannel.channel(DiagnosticsChannels.SESSION_ROLLOVER),
  retry: diagnosticsChannel.channel(DiagnosticsChannels.SESSION_RETRY),
  startSlot: diagnosticsChannel.channel(DiagnosticsChannels.SESSION_START_SLOT),
  result: diagnosticsChannel.channel(DiagnosticsChannels.STREAM_RESULT),
  error: diagnosticsChannel.channel(DiagnosticsChannels.STREAM_ERROR),
};
