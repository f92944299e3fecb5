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
  type SessionLimits,
} from './options.js';
export type { Clock } from './timing/clock.js';
