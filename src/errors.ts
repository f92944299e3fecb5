/**
 * Every failure the library reports is a `SpeechKitError` with a stable string `code`.
 * Match on `code`, never on `message`: messages may be reworded, codes never change.
 */

/** The stable error codes. Documented in the README's error table. */
export const ErrorCodes = {
  /** An option passed to `createRecognizeStream()` is missing or invalid. Thrown synchronously. */
  INVALID_OPTION: 'SPEECHKIT_ERR_INVALID_OPTION',
  /** Something written to the stream is not audio the service accepts (type, WAV header, sample alignment). */
  INVALID_AUDIO: 'SPEECHKIT_ERR_INVALID_AUDIO',
  /** The service rejected the recognition settings or the audio (gRPC INVALID_ARGUMENT). */
  INVALID_ARGUMENT: 'SPEECHKIT_ERR_INVALID_ARGUMENT',
  /** The credentials were refused (gRPC UNAUTHENTICATED): bad or expired token, bad API key, wrong folder. */
  UNAUTHENTICATED: 'SPEECHKIT_ERR_UNAUTHENTICATED',
  /** The account lacks the role `ai.speechkit-stt.user` on the folder (gRPC PERMISSION_DENIED). */
  PERMISSION_DENIED: 'SPEECHKIT_ERR_PERMISSION_DENIED',
  /** A quota was exceeded (gRPC RESOURCE_EXHAUSTED). */
  RESOURCE_EXHAUSTED: 'SPEECHKIT_ERR_RESOURCE_EXHAUSTED',
  /** The service or the connection is unavailable (gRPC UNAVAILABLE, or a dropped connection). */
  UNAVAILABLE: 'SPEECHKIT_ERR_UNAVAILABLE',
  /** The service timed the request out (gRPC DEADLINE_EXCEEDED). */
  DEADLINE_EXCEEDED: 'SPEECHKIT_ERR_DEADLINE_EXCEEDED',
  /** The service failed internally (gRPC INTERNAL, UNKNOWN, DATA_LOSS). */
  INTERNAL: 'SPEECHKIT_ERR_INTERNAL',
  /** The service ended a session for one of its limits (duration, size, idle gap). */
  SESSION_LIMIT: 'SPEECHKIT_ERR_SESSION_LIMIT',
  /**
   * A session took audio but answered nothing while a result was due, or its connection stopped
   * taking writes, for `stallTimeoutMs` (a connection that silently stopped forwarding). Retried
   * as UNAVAILABLE; seen in `retry` events, and as the `cause` if retries run out.
   */
  STALLED: 'SPEECHKIT_ERR_STALLED',
  /** The service ended a session cleanly while audio was still being sent. */
  SESSION_ENDED: 'SPEECHKIT_ERR_SESSION_ENDED',
  /** Any other gRPC status from the service. */
  SERVICE: 'SPEECHKIT_ERR_SERVICE',
  /** The service did not deliver its last results within `drainTimeoutMs` after the audio ended. */
  DRAIN_TIMEOUT: 'SPEECHKIT_ERR_DRAIN_TIMEOUT',
  /** Recovery was attempted and gave up (attempts or total time exhausted). `cause` holds the last failure. */
  RETRIES_EXHAUSTED: 'SPEECHKIT_ERR_RETRIES_EXHAUSTED',
  /** The stream was aborted through its `signal`. */
  ABORTED: 'SPEECHKIT_ERR_ABORTED',
  /** Getting credentials failed (token provider threw, key unreadable, IAM exchange failed). */
  AUTH: 'SPEECHKIT_ERR_AUTH',
  /**
   * Audio was written after `end()`. Given to that write's callback and emitted as a `warning`;
   * the stream is not destroyed, so what was written before `end()` is still recognized.
   */
  WRITE_AFTER_END: 'SPEECHKIT_ERR_WRITE_AFTER_END',
  /**
   * A result claimed audio its session was never sent (a word timed past it). Emitted as a
   * `warning`; the result's times are clamped to the audio sent, and later results are unaffected.
   */
  RESULT_TIMES: 'SPEECHKIT_ERR_RESULT_TIMES',
  /** `decodeAudio()` needs the `ffmpeg` program and could not find it. */
  FFMPEG_MISSING: 'SPEECHKIT_ERR_FFMPEG_MISSING',
} as const;

/** One of the stable codes in `ErrorCodes`, e.g. `'SPEECHKIT_ERR_UNAVAILABLE'`. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** What a `SpeechKitError` carries besides its code and message (see its fields). */
export interface SpeechKitErrorOptions {
  /** The underlying failure, kept as the error's `cause`. */
  cause?: unknown;
  /** Which option was wrong (INVALID_OPTION only). */
  option?: string;
  /** The numeric gRPC status code. */
  grpcCode?: number;
  /** The gRPC status name, e.g. `UNAVAILABLE`. */
  grpcStatus?: string;
  /** The service's status details, with any known secret removed. */
  details?: string;
  /** 0-based index of the session that failed. */
  session?: number;
  /** `x-request-id` the service returned. */
  requestId?: string;
  /** `x-client-request-id` this library sent. */
  clientRequestId?: string;
  /** `x-server-trace-id` the service returned. */
  traceId?: string;
}

/**
 * Every error and warning the library reports. Match on `code`, which never changes (the README's
 * Errors table lists them all), not on `message`, which may be reworded. Service failures also
 * carry the gRPC status (`grpcCode`, `grpcStatus`, `details`) and the failed session's ids to
 * quote to support (`session`, `requestId`, `clientRequestId`, `traceId`); an invalid option
 * names it in `option`. No field, message or `cause` ever holds a credential. `name` is
 * `'SpeechKitError'`, or `'AbortError'` for `SPEECHKIT_ERR_ABORTED`.
 *
 * @example
 * stream.on('error', (error) => {
 *   if (error.code === ErrorCodes.RETRIES_EXHAUSTED) console.error('gave up:', error.cause);
 * });
 */
export class SpeechKitError extends Error {
  /** The stable code: one of `ErrorCodes`. */
  readonly code: ErrorCode;
  /** The option at fault (`SPEECHKIT_ERR_INVALID_OPTION` only), e.g. `'sampleRateHertz'` or `'auth.apiKey'`. */
  declare readonly option?: string;
  /** The numeric gRPC status code, when the failure came from the service. */
  declare readonly grpcCode?: number;
  /** The gRPC status name, e.g. `UNAVAILABLE`. */
  declare readonly grpcStatus?: string;
  /** The service's status details, with any known secret removed. */
  declare readonly details?: string;
  /** 0-based index of the session the failure belongs to. */
  declare readonly session?: number;
  /** `x-request-id` the service returned for the failed session: quote it to support. */
  declare readonly requestId?: string;
  /** `x-client-request-id` this library sent for the failed session. */
  declare readonly clientRequestId?: string;
  /** `x-server-trace-id` the service returned for the failed session. */
  declare readonly traceId?: string;

  constructor(code: ErrorCode, message: string, options: SpeechKitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code === ErrorCodes.ABORTED ? 'AbortError' : 'SpeechKitError';
    this.code = code;
    for (const key of ['option', 'grpcCode', 'grpcStatus', 'details', 'session', 'requestId', 'clientRequestId', 'traceId'] as const) {
      if (options[key] !== undefined) Object.defineProperty(this, key, { value: options[key], enumerable: true });
    }
  }
}

export function invalidOption(option: string, expected: string, actual?: unknown): SpeechKitError {
  const got = arguments.length > 2 ? `; got ${describe(actual)}` : '';
  return new SpeechKitError(ErrorCodes.INVALID_OPTION, `Invalid option \`${option}\`: expected ${expected}${got}`, { option });
}

export function invalidAudio(message: string): SpeechKitError {
  return new SpeechKitError(ErrorCodes.INVALID_AUDIO, message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** gRPC status numbers, from the gRPC specification; kept here so pure modules need no gRPC import. */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const statusNames = new Map<number, string>(Object.entries(GrpcStatus).map(([name, code]) => [code, name]));

export function grpcStatusName(code: number): string {
  return statusNames.get(code) ?? `STATUS_${code}`;
}

const codeByStatus: Record<number, ErrorCode> = {
  [GrpcStatus.INVALID_ARGUMENT]: ErrorCodes.INVALID_ARGUMENT,
  [GrpcStatus.UNAUTHENTICATED]: ErrorCodes.UNAUTHENTICATED,
  [GrpcStatus.PERMISSION_DENIED]: ErrorCodes.PERMISSION_DENIED,
  [GrpcStatus.RESOURCE_EXHAUSTED]: ErrorCodes.RESOURCE_EXHAUSTED,
  [GrpcStatus.UNAVAILABLE]: ErrorCodes.UNAVAILABLE,
  [GrpcStatus.DEADLINE_EXCEEDED]: ErrorCodes.DEADLINE_EXCEEDED,
  [GrpcStatus.INTERNAL]: ErrorCodes.INTERNAL,
  [GrpcStatus.UNKNOWN]: ErrorCodes.INTERNAL,
  [GrpcStatus.DATA_LOSS]: ErrorCodes.INTERNAL,
  [GrpcStatus.OUT_OF_RANGE]: ErrorCodes.SESSION_LIMIT,
};

export interface StatusLike {
  code: number;
  details: string;
}

export interface SessionIds {
  session?: number;
  requestId?: string;
  clientRequestId?: string;
  traceId?: string;
}

/**
 * Builds the error for a failed gRPC status. `secrets` are scrubbed from the details, because a
 * server may echo what it was sent and the error may end up in a log.
 */
export function fromGrpcStatus(status: StatusLike, ids: SessionIds, secrets: readonly string[] = []): SpeechKitError {
  const details = redact(status.details ?? '', secrets);
  const name = grpcStatusName(status.code);
  const code = codeByStatus[status.code] ?? ErrorCodes.SERVICE;
  const where = ids.session === undefined ? '' : ` (session ${ids.session}${ids.requestId ? `, x-request-id ${ids.requestId}` : ''})`;
  return new SpeechKitError(code, `SpeechKit ${name}: ${details || 'no details'}${where}`, {
    grpcCode: status.code,
    grpcStatus: name,
    details,
    ...ids,
  });
}

/** The shortest piece of a secret that is removed wherever it appears. */
export const REDACT_FRAGMENT_CHARS = 8;
/** Secrets shorter than this are not scrubbed at all (they would erase ordinary words). */
const MIN_SECRET_CHARS = 4;

/**
 * Replaces every stretch of `text` that holds a secret, or any piece of a secret of at least
 * {@link REDACT_FRAGMENT_CHARS} characters, with `<redacted>`: each such piece anywhere in the text
 * is marked, and each marked run becomes one `<redacted>`. A partial echo ("the token's last 20
 * characters") is caught as surely as a whole one; text that happens to share 8 characters with a
 * secret is redacted too, which is the safe side to err on. Secrets of 4–7 characters are removed
 * only whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  if (text.length < MIN_SECRET_CHARS || secrets.length === 0) return text;
  const { pieces, short } = piecesOf(secrets);
  let marked: Uint8Array | undefined;
  const mark = (from: number, length: number) => {
    marked ??= new Uint8Array(text.length);
    marked.fill(1, from, from + length);
  };
  if (pieces.size > 0) {
    for (let i = 0; i + REDACT_FRAGMENT_CHARS <= text.length; i++) {
      if (pieces.has(text.slice(i, i + REDACT_FRAGMENT_CHARS))) mark(i, REDACT_FRAGMENT_CHARS);
    }
  }
  for (const secret of short) {
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) mark(at, secret.length);
  }
  if (!marked) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (marked[i]) {
      while (i < text.length && marked[i]) i++;
      out += '<redacted>';
    } else {
      const start = i;
      while (i < text.length && !marked[i]) i++;
      out += text.slice(start, i);
    }
  }
  return out;
}

/** Secrets change rarely (a new token an hour): the pieces of the last list asked for are kept. */
let lastPieces: { key: string; pieces: Set<string>; short: string[] } | undefined;

function piecesOf(secrets: readonly string[]): { pieces: Set<string>; short: string[] } {
  const key = secrets.join('\u0000');
  if (lastPieces?.key === key) return lastPieces;
  const pieces = new Set<string>();
  const short: string[] = [];
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_CHARS) continue;
    if (secret.length < REDACT_FRAGMENT_CHARS) short.push(secret);
    for (let i = 0; i + REDACT_FRAGMENT_CHARS <= secret.length; i++) pieces.add(secret.slice(i, i + REDACT_FRAGMENT_CHARS));
  }
  lastPieces = { key, pieces, short };
  return lastPieces;
}
