/** What one API version must provide to the stream, and what its responses mean. */
import type { AudioFormat } from '../audio/intake.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionResult } from '../results.js';
import type { ApiMethod } from '../transport/call.js';
import type { ApiVersion } from './api-options.js';

/** What one response from the service means to the stream. */
export interface ApiResponse {
  /**
   * Results in the order the service sent them. A final's and a refinement's `finalIndex` count
   * finals within the session; the stream renumbers them across the whole stream.
   */
  results: RecognitionResult[];
  /** Session time (ms) up to which the service says everything is final (API v3 audio cursors). */
  finalCursorMs?: number;
  /** A status message (API v3 keep-alive or warning): an event, not a result. */
  status?: { code: string; message: string };
}

/** What the service sends after a final (API v3), each of which the user is owed (`FinalHold` waits for it). */
export interface FollowUps {
  /** A refinement per final (text normalization on). */
  refinement: boolean;
  /** An end-of-utterance result after the utterance's finals. */
  endOfUtterance: boolean;
}

/** Turns one session's responses into `ApiResponse`s; it may count (finals) across calls. */
export type ResponseMapper = (message: unknown) => ApiResponse;

/**
 * How one API version spells a session: the life of a session is the same for all of them.
 * Optional members are capabilities an API may lack; the stream asks for them, not for a version.
 */
export interface ApiAdapter {
  readonly version: ApiVersion;
  readonly method: ApiMethod;
  configMessage(options: ResolvedOptions, format: AudioFormat): unknown;
  audioMessage(data: Buffer): unknown;
  /** Silence as a duration (no bytes). Absent: silence must be sent as audio. */
  silenceMessage?(durationMs: number): unknown;
  /** "The utterance ends here", for a client-side end-of-utterance classifier. */
  eouMessage?(): unknown;
  metadata(options: ResolvedOptions): Record<string, string>;
  /** What the service sends after each final (v3: a refinement with text normalization, an end of utterance). */
  followUps?(options: ResolvedOptions): FollowUps;
  /** A mapper for one session; `toStreamMs` moves session times to whole-stream times. */
  responseMapper(session: number, toStreamMs: (sessionMs: number) => number): ResponseMapper;
}
