/**
 * What the server says went wrong with a call or a line's delivery: a stable `code` for the NDJSON
 * `error` line and for the protocol's own error reply. Recognizer failures keep the library's own
 * `SPEECHKIT_ERR_*` codes; these cover what only a server meets.
 */
export const ServeErrorCodes = {
  /** A frame or message the protocol does not allow here: not JSON, no UUID first, media before start, a truncated TLV. The call ends. */
  BAD_FRAME: 'SPEECHKIT_ERR_SERVE_BAD_FRAME',
  /** The call's audio format is not one the server takes (Twilio mediaFormat, jambonz encoding, AudioSocket audio kind, sample rate). The call ends. */
  BAD_FORMAT: 'SPEECHKIT_ERR_SERVE_BAD_FORMAT',
  /** The connection went away before the protocol's end of call (reset, or closed without `stop`); the audio that arrived is still recognized. */
  HANGUP: 'SPEECHKIT_ERR_SERVE_HANGUP',
  /** A peer did not read its replies: more than `maxReplyBufferBytes` were waiting for it. The call ends; other calls are unaffected. */
  SLOW_CONSUMER: 'SPEECHKIT_ERR_SERVE_SLOW_CONSUMER',
  /** A line could not be delivered to the webhook after its retries, or the webhook queue was full. */
  WEBHOOK: 'SPEECHKIT_ERR_SERVE_WEBHOOK',
  /** The server was closed while the call was still in progress. */
  SHUTDOWN: 'SPEECHKIT_ERR_SERVE_SHUTDOWN',
} as const;

/** One of the stable codes in `ServeErrorCodes`. */
export type ServeErrorCode = (typeof ServeErrorCodes)[keyof typeof ServeErrorCodes];

/** An error only a server meets; `code` is one of `ServeErrorCodes`. */
export class ServeError extends Error {
  readonly code: ServeErrorCode;
  /** The call it concerns, when its id was known. */
  readonly call?: string;

  constructor(code: ServeErrorCode, message: string, options: { cause?: unknown; call?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServeError';
    this.code = code;
    if (options.call !== undefined) this.call = options.call;
  }
}

/** The code of anything thrown or emitted: a library or server code, or a generic one. */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SPEECHKIT_ERR_') ? code : 'SPEECHKIT_ERR_SERVE_INTERNAL';
}
