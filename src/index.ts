export { createRecognizeStream, RecognizeStream } from './recognize-stream.js';
export { ErrorCodes, SpeechKitError, GrpcStatus, type ErrorCode } from './errors.js';
export type { RecognitionResult, RecognitionAlternative, RecognizedWord, SessionInfo } from './results.js';
export {
  DEFAULT_ENDPOINT,
  DEFAULT_CHUNK_MS,
  SERVICE_MAX_AUDIO_MS,
  SERVICE_MAX_BYTES,
  type RecognizeStreamOptions,
  type AuthOptions,
  type AudioEncoding,
  type InputEncoding,
  type SessionLimits,
} from './options.js';
export {
  createSessionStartLimiter,
  DEFAULT_SESSION_STARTS_PER_SECOND,
  type SessionStartLimiter,
  type SessionStartLimiterOptions,
} from './session/start-limiter.js';
export type { Clock } from './timing/clock.js';
