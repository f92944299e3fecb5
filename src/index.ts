// The package's public surface, chosen export by export: what a user writes, reads, catches or
// implements. Defaults live in the README and the options' JSDoc, not in exported constants; the
// retry table and gRPC numbers are internals (match on `SpeechKitError.code`).

// The stream and its events.
export { createRecognizeStream, RecognizeStream } from './recognize-stream.js';
export type {
  RecognizeStreamEvents,
  RecognizeStreamEventName,
  RecognizeStreamListener,
  RolloverEvent,
  IdleEvent,
} from './stream-events.js';
export type { RetryEvent } from './session/recovery-policy.js';
export type { SeamEvent } from './session/seam.js';
export type { UnconfirmedEvent } from './session/end-flush.js';
export type { CredentialsEvent } from './auth/token-cache.js';
export type { AudioFormat } from './audio/intake.js';
export type { TurnEvent } from './stream/turn-events.js';
export type { VoiceActivityOptions } from './audio/vad.js';

// Several channels of one call (a stereo recording, a media server's call legs).
export { createMultiChannelStream, MultiChannelStream } from './channels/multi-channel-stream.js';
export type { MultiChannelStreamOptions } from './channels/multi-channel-options.js';
export type { ChannelLayout } from './channels/interleaved-input.js';
export type { ChannelRef, MultiChannelStreamEvents, MultiChannelStreamEventName, MultiChannelStreamListener } from './channels/events.js';

// Results.
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
  ClassifierResult,
  ClassifierLabel,
  SpeakerAnalysisResult,
  ConversationAnalysisResult,
  SummarizationResult,
  SpeakerInterrupts,
  DescriptiveStatistics,
  AnalysisWindow,
  AudioSpan,
} from './results.js';

// Errors.
export { ErrorCodes, SpeechKitError, type ErrorCode, type SpeechKitErrorOptions } from './errors.js';

// Options.
export type { RecognizeStreamOptions, AudioEncoding, InputEncoding, SessionLimits } from './options.js';
export type {
  ApiVersion,
  EouClassifierOption,
  EouSensitivity,
  LanguageRestriction,
  AudioProcessingType,
  CompressSilenceOptions,
} from './api/api-options.js';
export type {
  AnalysisOptions,
  ClassifierOption,
  ClassifierTrigger,
  SpeechAnalysisOption,
  SummarizationOption,
  SummarizationPropertyOption,
  SummarizationFormat,
} from './api/analysis-options.js';
export type { RolloverOptions, RolloverReason } from './session/rollover.js';
export type { StreamUpdate } from './stream/settings-update.js';
export type { RetryOptions } from './session/retry-policy.js';
export type { IdleOptions, IdlePolicy } from './session/idle.js';
export type { EncodeOption, OpusEncodeOptions } from './audio/encode-options.js';
export type { Clock, TimerHandle } from './timing/clock.js';

// Authentication.
export type { AuthOptions } from './auth/auth-options.js';
export type { IamTokenProvider, IamTokenRequest } from './auth/token-provider.js';
export type { ServiceAccountKey, ServiceAccountKeyFile, ServiceAccountKeyFields } from './auth/service-account-key.js';

// Diagnostics: the node:diagnostics_channel channels every stream publishes to, and their payloads
// (OpenTelemetry metrics on them: `speechkit-stream/metrics`).
export {
  DiagnosticsChannels,
  type DiagnosticsChannelName,
  type DiagnosticsMessages,
  type DiagnosticsMessageBase,
  type DiagnosticsSessionIds,
  type SessionOpenMessage,
  type SessionEndMessage,
  type SentAudio,
  type SessionRolloverMessage,
  type SessionRetryMessage,
  type SessionStartSlotMessage,
  type StreamResultMessage,
  type StreamErrorMessage,
} from './diagnostics/channels.js';

// Session starts across streams (the service's quota).
export { createSessionStartLimiter, type SessionStartLimiter, type SessionStartLimiterOptions } from './session/start-limiter.js';

// Audio helpers.
export { decodeAudio, type DecodeAudioOptions, type DecodedAudio } from './audio/ffmpeg.js';
export { createOggOpusEncoder, encodeOggOpus, type OggOpusEncoderOptions } from './audio/ogg-opus-encoder.js';
