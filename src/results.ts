/** A recognized word, with times in whole-stream milliseconds (from the stream's first sample). */
export interface RecognizedWord {
  text: string;
  startMs: number;
  endMs: number;
  /** The service does not fill confidence meaningfully yet; usually 0 or 1. */
  confidence: number;
}

export interface RecognitionAlternative {
  text: string;
  confidence: number;
  words: RecognizedWord[];
}

/**
 * One result on the readable side.
 *
 * - `type: 'partial'` (`final: false`): interim text of the utterance being spoken; later results replace it.
 * - `type: 'final'` (`final: true`): fixed text; it will not change and is emitted exactly once.
 *   With `endOfUtterance: true` it closes the utterance; the next result starts a new one.
 */
export interface RecognitionResult {
  type: 'partial' | 'final';
  /** The best alternative's text (`alternatives[0].text`, or `''`). */
  text: string;
  final: boolean;
  endOfUtterance: boolean;
  alternatives: RecognitionAlternative[];
  /** 0-based index of the gRPC session that produced the result. */
  session: number;
  /** Whole-stream time of the first word, when the service sent word times. */
  startMs?: number;
  /** Whole-stream time of the last word's end, when the service sent word times. */
  endMs?: number;
}

/** Session details to quote to support, emitted as the `session` event when a session starts. */
export interface SessionInfo {
  session: number;
  /** `x-client-request-id` sent with the session. */
  clientRequestId: string;
  /** `x-request-id` returned by the service. */
  requestId?: string;
  /** `x-server-trace-id` returned by the service. */
  traceId?: string;
  /** Whole-stream position of the session's first audio sample, in ms. */
  baseOffsetMs: number;
}
