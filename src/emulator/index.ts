/**
 * `speechkit-stream/emulator`: a local gRPC server that behaves like Yandex SpeechKit streaming
 * recognition (API v2, `/yandex.cloud.ai.stt.v2.SttService/StreamingRecognize`, and API v3,
 * `/speechkit.stt.v3.Recognizer/RecognizeStreaming`), with scripted faults and a record of every
 * session, plus helpers that make matching test audio.
 *
 * ```ts
 * const emulator = await startEmulator();
 * // client: endpoint emulator.address, tls false, `authorization: Bearer ${EMULATOR_IAM_TOKEN}`
 * const audio = dialledDigitsPcm(['123', '45'], { sampleRate: 16000 }); // finals "123", "45"
 * await emulator.close();
 * ```
 *
 * What it does like the service: response headers `x-request-id` / `x-server-trace-id`; `Bearer`
 * and `Api-Key` auth; server-side defaults (OGG_OPUS, 48000 Hz, ru-RU, general) and validation
 * with INVALID_ARGUMENT naming the field; session limits (5 min of audio, 10 MB, 5 s between
 * messages) ending with OUT_OF_RANGE `session limit: ...` (the real code is not documented);
 * partial results, end of utterance, single utterance, raw results.
 *
 * What it recognizes: DTMF keypad tones in LINEAR16_PCM (8, 16 or 48 kHz) and in OGG_OPUS (mono,
 * decoded with prism-media's Opus decoder; each session must be a whole Ogg Opus stream that
 * starts with OpusHead, with valid CRCs, page sequence and granule positions, else
 * INVALID_ARGUMENT; audio time comes from granule positions). Each utterance (sound
 * ended by 600 ms of audio silence, or by the client's half-close) becomes one final whose text is
 * its symbols ("123#"), or with `raw_results` words ("one two three hash"; `*` is "star", A-D stay
 * letters), with one word per tone timed in session audio time. Sound without tones gives
 * {@link SPEECH_PLACEHOLDER}.
 *
 * API v3 uses the same recognizer, limits and faults. Finals and partials are raw text (digits as
 * words); with text normalization each final is followed by a `final_refinement` with digits. Every
 * final is followed by an `eou_update`; responses carry audio cursors, and `status_code` keep-alives
 * come every `statusEveryMs`. `silence_chunk` is heard as silence and counts as audio time (not
 * bytes); an external `eou` ends the utterance at once. The default classifier's pause follows
 * `max_pause_between_words_hint_ms`, halved by HIGH sensitivity. Classifiers, speech analysis,
 * speaker labeling and summarization get deterministic stand-ins (see `analysis/analyst.ts`):
 * `answerphone` hears a 1 kHz beep ({@link beepPcm}), speakers are told apart by DTMF register.
 *
 * Faults: `addFault`, `refuseNext`, the `faults` option, or per call the `x-emulator-fault` header
 * (`action=fail;status=UNAVAILABLE;afterAudioMs=2000`; see {@link FaultRule}).
 *
 * Profiles: where real services vary (word times, pacing enforcement, half-close, result latency,
 * partial cadence, cut tones, v3 cursors and late events) `profile: 'lenient' | 'strict' | {...}`
 * picks the behaviour; 'lenient' (the default) is the behaviour above. See {@link ServiceProfile}.
 *
 * IAM: with `iam: { keys: [createServiceAccountKey()] }` it also serves IAM's token endpoint
 * (`emulator.iam.endpoint`), checks service-account JWTs as IAM does, and issues tokens whose
 * lifetime tests can shrink; the gRPC side accepts them until they expire (or are revoked), and
 * with `endSessionsOnExpiry` ends running sessions when their token runs out. With `tls` it serves
 * both over TLS.
 */
export { startEmulator } from './server/start.js';
export type { Emulator, EmulatorOptions } from './server/options.js';
export { DEFAULT_STATUS_EVERY_MS } from './server/resolve-options.js';
export {
  resolveProfile,
  SERVICE_PROFILES,
  type ServiceProfile,
  type ServiceProfileInput,
  type ServiceProfileName,
  type V3Profile,
} from './server/profile.js';
export type { SessionConfig } from './call/session-config.js';
export type { SessionRecord, SessionResult } from './call/session-record.js';
export type { GrpcStatusName, SessionStatus } from './call/status.js';
export type { V3SessionOptions } from './v3/config.js';
export { EMULATOR_API_KEY, EMULATOR_IAM_TOKEN, type EmulatorAuthOptions } from './auth/credentials.js';
export type { EmulatorIam, EmulatorIamOptions } from './auth/iam.js';
export type { IamExchangeRecord, RegisteredKey } from './auth/iam-authority.js';
export { IAM_TOKENS_PATH, type IamFaultRule } from './auth/iam-server.js';
export { createServiceAccountKey, type ServiceAccountKeyJson, type ServiceAccountKeyOptions } from './auth/service-account-keys.js';
export { FAULT_HEADER, type FaultAction, type FaultRule } from './faults/fault-rules.js';
export {
  DEFAULT_EOU_SILENCE_MS,
  DEFAULT_IDLE_MS,
  DEFAULT_MAX_AUDIO_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_PARTIAL_EVERY_MS,
  type EmulatorLimitOptions,
  type EmulatorRecognizerOptions,
} from './limits/limits.js';
export type { PacingBreach } from './limits/pacing-guard.js';
export { DTMF_SYMBOLS } from './recognition/dtmf-keypad.js';
export { SPEECH_PLACEHOLDER } from './recognition/transcript.js';
export {
  dialledDigitsLayout,
  dialledDigitsPcm,
  pcmToWav,
  type DialledDigitsLayout,
  type DialledDigitsOptions,
  type DialledTone,
  type PcmSampleRate,
} from './fixtures/dialled-digits.js';
export { pcmToG711, type G711Law } from './fixtures/g711.js';
export { beepPcm, type BeepOptions } from './fixtures/beep.js';
export { EMULATED_CLASSIFIERS } from './v3/analysis-config.js';
export type { EmulatorTlsOptions } from './network/tls.js';
export { startTcpProxy, type TcpProxy, type TcpProxyOptions } from './network/tcp-proxy.js';
