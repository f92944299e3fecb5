export { createRecognizeStream, RecognizeStream, type RolloverEvent } from './recognize-stream.js';
export { RETRY_TABLE, RETRYABLE_GRPC_STATUSES, DEFAULT_RETRY, type RetryOptions, type RetryClass } from './session/retry-policy.js';
export type { RetryEvent } from './session/recovery.js';
export type { SeamEvent } from './session/seam.js';
export { DEFAULT_ROLLOVER, type RolloverOptions, type RolloverReason } from './session/rollover.js';
export type { IdleOptions, IdlePolicy } from './session/idle.js';
export { ErrorCodes, SpeechKitError, GrpcStatus, type ErrorCode } from './errors.js';
export type {
  RecognitionResult,
  RecognitionResultType,
  PartialResult,
  FinalResult,
  RefinementResult,
  EndOfUtteranceResult,
  RecognitionAlternative,
  RecognizedWord,
  LanguageEstimate,
  SessionInfo,
  StatusEvent,
} from './results.js';
export type {
  ApiVersion,
  EouClassifierOption,
  EouSensitivity,
  LanguageRestriction,
  AudioProcessingType,
  CompressSilenceOptions,
} from './api/api-options.js';
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
export { DEFAULT_IAM_ENDPOINT } from './auth/iam-exchange.js';
export type { CredentialsEvent } from './auth/token-cache.js';
export type { IamTokenProvider, IamTokenRequest } from './auth/token-provider.js';
export type { ServiceAccountKey, ServiceAccountKeyFile, ServiceAccountKeyFields } from './auth/service-account-key.js';
export { decodeAudio, type DecodeAudioOptions, type DecodedAudio } from './audio/ffmpeg.js';
export { createOggOpusEncoder, encodeOggOpus, type OggOpusEncoderOptions } from './audio/ogg-opus-encoder.js';
export type { EncodeOption, OpusEncodeOptions } from './audio/encode-options.js';
