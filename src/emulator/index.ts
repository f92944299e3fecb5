/**
 * `speechkit-stream/emulator`: a local gRPC server that behaves like Yandex SpeechKit streaming
 * recognition (API v2), recognizing DTMF keypad tones instead of speech, with scripted faults and
 * a record of every session, plus helpers that make matching test audio.
 */
export { startEmulator } from './server.js';
export { EMULATOR_API_KEY, EMULATOR_IAM_TOKEN } from './auth.js';
export { dialledDigitsLayout, dialledDigitsPcm, pcmToWav } from './dtmf-audio.js';
export type { DialledDigitsLayout, DialledDigitsOptions, DialledTone, PcmSampleRate } from './dtmf-audio.js';
export { DTMF_SYMBOLS } from './dtmf.js';
export { FAULT_HEADER } from './faults.js';
export {
  DEFAULT_EOU_SILENCE_MS,
  DEFAULT_IDLE_MS,
  DEFAULT_MAX_AUDIO_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_PARTIAL_EVERY_MS,
} from './limits.js';
export { SPEECH_PLACEHOLDER } from './transcript.js';
export type {
  Emulator,
  EmulatorAuthOptions,
  EmulatorLimitOptions,
  EmulatorOptions,
  EmulatorRecognizerOptions,
  FaultAction,
  FaultRule,
  GrpcStatusName,
  SessionConfig,
  SessionRecord,
  SessionResult,
  SessionStatus,
} from './types.js';
