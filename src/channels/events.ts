import type { Readable } from 'node:stream';
import type { CredentialsEvent } from '../auth/token-cache.js';
import type { SpeechKitError } from '../errors.js';
import type { RecognitionResult, SessionInfo, StatusEvent } from '../results.js';
import type { UnconfirmedEvent } from '../session/end-flush.js';
import type { RetryEvent } from '../session/recovery-policy.js';
import type { SeamEvent } from '../session/seam.js';
import type { IdleEvent, RolloverEvent } from '../stream-events.js';
import type { TurnEvent } from '../stream/turn-events.js';

/** Which channel an event of a multi-channel stream is about. */
export interface ChannelRef {
  /** The channel's index as a string: `'0'`, `'1'`, … */
  channelTag: string;
  /** The channel's name from `channelNames`, when it was given one. */
  channelName?: string;
}

/**
 * Every event a `MultiChannelStream` emits: each channel's recognition-stream events, with the
 * channel they are about. Results (`data`) carry `channelTag` and `channelName` themselves.
 */
export interface MultiChannelStreamEvents {
  /** A result of one channel; each channel's in its audio order. */
  data: [result: RecognitionResult];
  /** A channel failed: the whole stream is destroyed with its error. */
  error: [error: SpeechKitError];
  warning: [warning: SpeechKitError];
  session: [info: SessionInfo & ChannelRef];
  rollover: [event: RolloverEvent & ChannelRef];
  retry: [event: RetryEvent & ChannelRef];
  seam: [event: SeamEvent & ChannelRef];
  idle: [event: IdleEvent & ChannelRef];
  status: [event: StatusEvent & ChannelRef];
  credentials: [event: CredentialsEvent & ChannelRef];
  unconfirmed: [event: UnconfirmedEvent & ChannelRef];
  speechStart: [event: TurnEvent];
  speechEnd: [event: TurnEvent];
  noInput: [event: TurnEvent];
  pipe: [source: Readable];
  unpipe: [source: Readable];
}

/** The name of an event `MultiChannelStream` emits. */
export type MultiChannelStreamEventName = keyof MultiChannelStreamEvents;

/** A listener for `event`: typed for the stream's events, untyped for any other name. */
export type MultiChannelStreamListener<E extends string | symbol> = E extends MultiChannelStreamEventName
  ? (...args: MultiChannelStreamEvents[E]) => void
  : (...args: any[]) => void;

/** The arguments `emit(event, …)` passes for `event`. */
export type MultiChannelStreamEventArgs<E extends string | symbol> = E extends MultiChannelStreamEventName ? MultiChannelStreamEvents[E] : any[];

/** The channel events forwarded as they are, with the channel added. */
export const FORWARDED_EVENTS = ['session', 'rollover', 'retry', 'seam', 'idle', 'status', 'credentials', 'unconfirmed', 'speechStart', 'speechEnd', 'noInput'] as const;
