/** The stream's options as users write them, and as the stream holds them once resolved (see `resolveOptions`). */
import type { ApiOptions, ApiVersion, V3Settings } from './api/api-options.js';
import type { EncodeOption, ResolvedEncode } from './audio/encode-options.js';
import type { InputEncoding, PcmSampleRate } from './audio/encodings.js';
import type { ResolvedVoiceActivity, VoiceActivityOptions } from './audio/vad.js';
import type { AuthOptions } from './auth/auth-options.js';
import type { AuthView, SealedAuth } from './auth/sealed-auth.js';
import type { IdleOptions, IdlePolicy } from './session/idle.js';
import type { RetryOptions } from './session/retry-policy.js';
import type { RolloverOptions } from './session/rollover.js';
import type { SessionStartLimiter } from './session/start-limiter.js';
import type { Clock } from './timing/clock.js';
import type { TrustedCa } from './transport/tls.js';

/** The service's per-session limits, which the stream rolls over before. Lower them to roll over sooner. */
export interface SessionLimits {
  /** Audio per session, in ms. Default 300 000 (the service's 5 minutes). */
  maxAudioMs?: number;
  /** Bytes of audio per session. Default 10 000 000 (the service's 10 MB). */
  maxBytes?: number;
}

/**
 * Options of `createRecognizeStream()`. Only `auth` is required (and `sampleRateHertz` for raw PCM).
 * Every option is validated before any traffic: a bad one throws `SPEECHKIT_ERR_INVALID_OPTION`
 * with `option` naming it. The README's Options table gives each one's default and range.
 *
 * @example
 * createRecognizeStream({ auth: { apiKey }, api: 'v3', sampleRateHertz: 16000, partialResults: true });
 */
export interface RecognizeStreamOptions extends ApiOptions {
  /** `host:port` of the service. Default `stt.api.cloud.yandex.net:443`. */
  endpoint?: string;
  /** TLS with the system's root certificates (default `true`). `false` is for a local emulator only. */
  tls?: boolean;
  /** Allow `tls: false` (or an `http:` IAM endpoint) to a host that is not loopback. Default `false`. */
  allowInsecure?: boolean;
  /** PEM CA certificate(s) to trust in addition to the default roots, for the endpoint and the IAM endpoint. */
  ca?: string | Buffer;
  /** Credentials, exactly one kind: `{ serviceAccountKey }`, `{ apiKey }`, `{ getIamToken }` or `{ iamToken }`. */
  auth: AuthOptions;
  /** Folder ID (≤ 50 characters), required with a user account's IAM token; omit for service accounts. */
  folderId?: string;
  /** BCP-47 language, e.g. `ru-RU` (the service's default), `en-US`, `auto`. */
  languageCode?: string;
  /** Recognition model: `general` (the service's default), `general:rc`, `general:deprecated`. */
  model?: string;
  /** Ask the service to filter profanity out of the text (`profanity_filter`). Default `false`. */
  profanityFilter?: boolean;
  /** Emit interim results (`final: false`) while an utterance is spoken. */
  partialResults?: boolean;
  /** Recognize one utterance, then stop; the stream ends after its final result. */
  singleUtterance?: boolean;
  /**
   * `LINEAR16_PCM` or `OGG_OPUS`; or telephone audio, `MULAW` or `ALAW` (G.711, 8 kHz), expanded to
   * LINEAR16_PCM at 8 kHz on the way in. Omitted: sniffed from the first bytes (WAV header or `OggS`).
   */
  audioEncoding?: InputEncoding;
  /** 8000, 16000 or 48000; required for raw LINEAR16_PCM, read from the header for WAV, 8000 for G.711. */
  sampleRateHertz?: number;
  /** Encode PCM input (WAV or raw) to Ogg Opus in-process before sending: `'opus'` or `{ codec: 'opus', bitrate?, complexity? }`. */
  encode?: EncodeOption;
  /** Numbers as words ("one two") instead of digits. */
  rawResults?: boolean;
  /** Ask for the service's literary style of text (`literature_text`). Default `false`. */
  literatureText?: boolean;
  /** Ask the service for normalized partial results (`x-normalize-partials`, experimental upstream). */
  normalizePartials?: boolean;
  /** Audio per message, in ms (10–1000). Default 100. */
  chunkMs?: number;
  /** Real-time factor: 1 = real time (default), 2 = twice as fast, 0 = unpaced. */
  pace?: number;
  /** The service's per-session limits. Default `{ maxAudioMs: 300000, maxBytes: 10000000 }`. */
  sessionLimits?: SessionLimits;
  /** When to roll over to a new session before a limit. See `RolloverOptions`. */
  rollover?: Partial<RolloverOptions>;
  /** Recovery from transient failures; `false` turns it off (a failed session fails the stream). */
  retry?: Partial<RetryOptions> | false;
  /** What to do while no audio comes: `'keepalive'` or `'close'`, or `{ policy, afterMs }`. */
  idle?: IdlePolicy | Partial<IdleOptions>;
  /** Audio kept since the last final for replay after a failure or rollover, in ms. Default 30 000. */
  maxReplayMs?: number;
  /** Unsent audio the stream holds before it stops accepting writes, in ms. Default 2000. */
  maxBufferedMs?: number;
  /** How long `end()` waits for the last results before failing with `SPEECHKIT_ERR_DRAIN_TIMEOUT`. Default 10 000 ms. */
  drainTimeoutMs?: number;
  /**
   * A session that takes audio but answers nothing while a result is due, or whose writes the
   * connection does not take, for this long is treated as UNAVAILABLE: cancelled and replayed on a
   * new connection (`retry` event code `SPEECHKIT_ERR_STALLED`). Default 5000 ms; 200–300 000.
   */
  stallTimeoutMs?: number;
  /** Extra request metadata for every session, e.g. `{ 'x-data-logging-enabled': 'true' }`. Keys lowercase. */
  metadata?: Record<string, string>;
  /** Aborts the stream: cancels the call and fails the stream with `SPEECHKIT_ERR_ABORTED`. */
  signal?: AbortSignal;
  /** Results the readable side holds before the stream stops sending audio. Default 64. */
  readableHighWaterMark?: number;
  /**
   * Paces the start of new sessions (first ones, rollovers, recoveries) to stay within the service's
   * quota of new streaming requests per second. Default: one limiter per endpoint shared by the
   * whole process, at 40 starts a second. Pass your own from `createSessionStartLimiter()` for a
   * raised quota, or from `createRedisStartLimiter()` (`speechkit-stream/redis`) for a quota that
   * every process of a fleet shares; `false` turns limiting off.
   */
  startLimiter?: SessionStartLimiter | false;
  /**
   * The time source for pacing, the stream's timers and timeouts. Default: real time
   * (`performance.now()` and the runtime's timers). Inject a fake `Clock` to test your own code on
   * fake time (gRPC's own timers are not affected).
   */
  clock?: Clock;
  /**
   * Turn-taking events from a local voice-activity detector: `speechStart`, `speechEnd` and, with
   * `noInputMs`, `noInput` (see the README's "Calls"). `true` takes the defaults (−40 dBFS,
   * 60 ms, 400 ms hangover). Default: off.
   */
  voiceActivity?: boolean | VoiceActivityOptions;
}

/** Options after validation, with every default applied. */
export interface ResolvedOptions {
  api: ApiVersion;
  /** Settings only API v3 has (defaults when `api` is v2). */
  v3: V3Settings;
  endpoint: string;
  tls: boolean;
  ca: TrustedCa | undefined;
  /** Which kind of credential, e.g. `{ iamToken: '[redacted]' }`; the credential itself is sealed inside. */
  auth: SealedAuth & AuthView;
  folderId: string | undefined;
  languageCode: string | undefined;
  model: string | undefined;
  profanityFilter: boolean;
  partialResults: boolean;
  singleUtterance: boolean;
  audioEncoding: InputEncoding | undefined;
  sampleRateHertz: PcmSampleRate | undefined;
  encode: ResolvedEncode | undefined;
  rawResults: boolean;
  literatureText: boolean;
  normalizePartials: boolean | undefined;
  chunkMs: number;
  pace: number;
  sessionLimits: Required<SessionLimits>;
  rollover: RolloverOptions;
  retry: RetryOptions | false;
  idle: IdleOptions;
  maxReplayMs: number;
  maxBufferedMs: number;
  drainTimeoutMs: number;
  stallTimeoutMs: number;
  metadata: Record<string, string>;
  signal: AbortSignal | undefined;
  readableHighWaterMark: number;
  /** Undefined: the process-wide limiter for the endpoint. */
  startLimiter: SessionStartLimiter | false | undefined;
  clock: Clock | undefined;
  /** Undefined: no voice-activity detector. */
  voiceActivity: ResolvedVoiceActivity | undefined;
}

