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
  /** `decodeAudio()` needs the `ffmpeg` program and could not find it. */
  FFMPEG_MISSING: 'SPEECHKIT_ERR_FFMPEG_MISSING',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface SpeechKitErrorOptions {
  cause?: unknown;
  /** Which option was wrong (INVALID_OPTION only). */
  option?: string;
  grpcCode?: number;
  grpcStatus?: string;
  details?: string;
  /** 0-based index of the session that failed. */
  session?: number;
  requestId?: string;
  clientRequestId?: string;
  traceId?: string;
}

export class SpeechKitError extends Error {
  readonly code: ErrorCode;
  declare readonly option?: string;
  /** The numeric gRPC status code, when the failure came from the service. */
  declare readonly grpcCode?: number;
  /** The gRPC status name, e.g. `UNAVAILABLE`. */
  declare readonly grpcStatus?: string;
  /** The service's status details, with any known secret removed. */
  declare readonly details?: string;
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

/** Replaces every occurrence of each secret (and of its first 8+ characters) with `<redacted>`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    out = out.split(secret).join('<redacted>');
    if (secret.length >= 16) out = out.split(secret.slice(0, 8)).join('<redacted>');
  }
  return out;
}
