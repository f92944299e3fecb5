import { G711_SAMPLE_RATE, isG711 } from './audio/g711.js';
import { INPUT_ENCODINGS, PCM_SAMPLE_RATES, type PcmSampleRate } from './audio/encodings.js';
import { API_OPTION_KEYS, resolveApiOptions } from './api/api-options.js';
import { resolveEncode } from './audio/encode-options.js';
import { invalidOption } from './errors.js';
import { resolveVoiceActivity } from './audio/vad.js';
import { DEFAULT_IDLE_AFTER_MS, SERVICE_IDLE_LIMIT_MS, type IdleOptions } from './session/idle.js';
import { DEFAULT_STALL_TIMEOUT_MS, MAX_STALL_TIMEOUT_MS, MIN_STALL_TIMEOUT_MS } from './session/liveness.js';
import { DEFAULT_RETRY, validateRetry } from './session/retry-policy.js';
import { DEFAULT_ROLLOVER, validateRollover } from './session/rollover.js';
import { isSessionStartLimiter } from './session/start-limiter.js';
import { checkFolderForAuth, resolveAuth } from './auth/auth-options.js';
import { SealedAuth, type AuthView } from './auth/sealed-auth.js';
import { resolveCa } from './transport/tls.js';

export type { AuthOptions } from './auth/auth-options.js';
export type { RecognizeStreamOptions, ResolvedOptions, SessionLimits } from './option-types.js';
import type { RecognizeStreamOptions, ResolvedOptions, SessionLimits } from './option-types.js';

/** SpeechKit's public endpoint for streaming recognition (API v2 and v3). */
export const DEFAULT_ENDPOINT = 'stt.api.cloud.yandex.net:443';
/** Audio per message. SpeechKit's docs pace "400 ms every 400 ms"; 100 ms keeps latency low. */
export const DEFAULT_CHUNK_MS = 100;
export const MIN_CHUNK_MS = 10;
/** Well under the service's 5 s gap limit even at pace 1. */
export const MAX_CHUNK_MS = 1_000;
/** Session limits from the service's docs: 5 minutes of audio, 10 MB of data. */
export const SERVICE_MAX_AUDIO_MS = 5 * 60 * 1_000;
export const SERVICE_MAX_BYTES = 10_000_000;
/** Audio the stream may hold unsent before a write's callback waits (the backpressure bound). */
export const DEFAULT_MAX_BUFFERED_MS = 2_000;
/** How long `end()` waits for the service's last results. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/** Audio kept for replay since the last final, in ms. Longer stretches without a final replay only their end. */
export const DEFAULT_MAX_REPLAY_MS = 30_000;
/** v2 `folder_id` limit from the service's reference. */
export const MAX_FOLDER_ID_LENGTH = 50;
// The audio layer owns its encodings (it may not import this module); they are options too.
export {
  PCM_SAMPLE_RATES,
  AUDIO_ENCODINGS,
  INPUT_ENCODINGS,
  type AudioEncoding,
  type InputEncoding,
  type PcmSampleRate,
} from './audio/encodings.js';

const KNOWN = new Set<string>([
  'endpoint', 'tls', 'allowInsecure', 'ca', 'auth', 'folderId', 'languageCode', 'model', 'profanityFilter', 'partialResults',
  'singleUtterance', 'audioEncoding', 'sampleRateHertz', 'encode', 'rawResults', 'literatureText', 'normalizePartials', 'chunkMs',
  'pace', 'sessionLimits', 'rollover', 'retry', 'idle', 'maxReplayMs', 'maxBufferedMs', 'drainTimeoutMs', 'stallTimeoutMs', 'metadata', 'signal', 'readableHighWaterMark', 'clock',
  'startLimiter',
  'voiceActivity',
  ...API_OPTION_KEYS,
]);

/** Headers the library owns; letting `metadata` set them would break auth or tracing. */
const RESERVED_METADATA = new Set(['authorization', 'x-client-request-id']);

export function resolveOptions(input: RecognizeStreamOptions): ResolvedOptions {
  if (input === null || typeof input !== 'object') throw invalidOption('options', 'an object', input);
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) throw invalidOption(key, 'no such option (check the spelling)');
  }
  const endpoint = optionalString(input, 'endpoint') ?? DEFAULT_ENDPOINT;
  if (!/^[^\s/]+:\d{1,5}$/.test(endpoint) && !/^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(endpoint)) {
    throw invalidOption('endpoint', '"host:port"', endpoint);
  }
  const tls = optionalBoolean(input, 'tls') ?? true;
  const allowInsecure = optionalBoolean(input, 'allowInsecure') ?? false;
  if (!tls && !allowInsecure && !isLoopback(endpoint)) {
    throw invalidOption('tls', 'true for a non-loopback endpoint (plaintext sends credentials in the clear; set `allowInsecure: true` to insist)', false);
  }
  const ca = resolveCa(input.ca);
  if (ca && !tls) throw invalidOption('ca', 'no CA with `tls: false` (a CA only matters for TLS)');
  const auth = resolveAuth(input.auth, allowInsecure);
  const folderId = optionalString(input, 'folderId');
  if (folderId !== undefined && (folderId.length === 0 || folderId.length > MAX_FOLDER_ID_LENGTH)) {
    throw invalidOption('folderId', `a string of 1–${MAX_FOLDER_ID_LENGTH} characters`, `${folderId.length} characters`);
  }
  checkFolderForAuth(auth, folderId);
  const languageCode = optionalString(input, 'languageCode');
  if (languageCode !== undefined && !/^(auto|[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*)$/.test(languageCode)) {
    throw invalidOption('languageCode', 'a BCP-47 code such as "ru-RU", or "auto"', languageCode);
  }
  const model = optionalString(input, 'model');
  if (model !== undefined && model.length === 0) throw invalidOption('model', 'a non-empty model name such as "general"', model);

  const audioEncoding = input.audioEncoding;
  if (audioEncoding !== undefined && !(INPUT_ENCODINGS as readonly unknown[]).includes(audioEncoding)) {
    throw invalidOption('audioEncoding', `one of ${INPUT_ENCODINGS.map((e) => `"${e}"`).join(', ')}`, audioEncoding);
  }
  let sampleRateHertz = input.sampleRateHertz;
  if (sampleRateHertz !== undefined && !(PCM_SAMPLE_RATES as readonly unknown[]).includes(sampleRateHertz)) {
    throw invalidOption('sampleRateHertz', `one of ${PCM_SAMPLE_RATES.join(', ')}`, sampleRateHertz);
  }
  if (isG711(audioEncoding)) {
    if (sampleRateHertz !== undefined && sampleRateHertz !== G711_SAMPLE_RATE) {
      throw invalidOption('sampleRateHertz', `${G711_SAMPLE_RATE} or nothing with ${audioEncoding} (G.711 is an 8 kHz codec)`, sampleRateHertz);
    }
    sampleRateHertz = G711_SAMPLE_RATE;
  }
  const encode = resolveEncode(input.encode);
  const chunkMs = optionalNumber(input, 'chunkMs') ?? DEFAULT_CHUNK_MS;
  if (!Number.isInteger(chunkMs) || chunkMs < MIN_CHUNK_MS || chunkMs > MAX_CHUNK_MS) {
    throw invalidOption('chunkMs', `an integer number of milliseconds from ${MIN_CHUNK_MS} to ${MAX_CHUNK_MS}`, chunkMs);
  }
  const pace = optionalNumber(input, 'pace') ?? 1;
  if (!Number.isFinite(pace) || pace < 0) {
    throw invalidOption('pace', 'a finite number ≥ 0 (1 = real time, 0 = unpaced)', pace);
  }
  const sessionLimits = resolveLimits(input.sessionLimits);
  const rollover = resolveGroup('rollover', input.rollover, DEFAULT_ROLLOVER, validateRollover);
  const retry = input.retry === false ? false : resolveGroup('retry', input.retry, DEFAULT_RETRY, validateRetry);
  const idle = resolveIdle(input.idle);
  const maxReplayMs = optionalNumber(input, 'maxReplayMs') ?? DEFAULT_MAX_REPLAY_MS;
  if (!Number.isFinite(maxReplayMs) || maxReplayMs < 0) throw invalidOption('maxReplayMs', 'a number of milliseconds ≥ 0', maxReplayMs);
  const maxBufferedMs = optionalNumber(input, 'maxBufferedMs') ?? Math.max(DEFAULT_MAX_BUFFERED_MS, 2 * chunkMs);
  if (!Number.isFinite(maxBufferedMs) || maxBufferedMs < chunkMs) {
    throw invalidOption('maxBufferedMs', `a number of milliseconds ≥ chunkMs (${chunkMs})`, maxBufferedMs);
  }
  const drainTimeoutMs = optionalNumber(input, 'drainTimeoutMs') ?? DEFAULT_DRAIN_TIMEOUT_MS;
  if (!Number.isFinite(drainTimeoutMs) || drainTimeoutMs <= 0) {
    throw invalidOption('drainTimeoutMs', 'a positive number of milliseconds', drainTimeoutMs);
  }
  const stallTimeoutMs = optionalNumber(input, 'stallTimeoutMs') ?? DEFAULT_STALL_TIMEOUT_MS;
  if (!Number.isFinite(stallTimeoutMs) || stallTimeoutMs < MIN_STALL_TIMEOUT_MS || stallTimeoutMs > MAX_STALL_TIMEOUT_MS) {
    throw invalidOption('stallTimeoutMs', `a number of milliseconds from ${MIN_STALL_TIMEOUT_MS} to ${MAX_STALL_TIMEOUT_MS}`, stallTimeoutMs);
  }
  const metadata = resolveMetadata(input.metadata);
  const signal = input.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('signal', 'an AbortSignal', signal);
  const readableHighWaterMark = optionalNumber(input, 'readableHighWaterMark') ?? 64;
  if (!Number.isInteger(readableHighWaterMark) || readableHighWaterMark < 1) {
    throw invalidOption('readableHighWaterMark', 'a positive integer', readableHighWaterMark);
  }
  const startLimiter = input.startLimiter;
  if (startLimiter !== undefined && startLimiter !== false && !isSessionStartLimiter(startLimiter)) {
    throw invalidOption('startLimiter', 'a limiter from createSessionStartLimiter() or createRedisStartLimiter(), or false', startLimiter);
  }
  const rawResults = optionalBoolean(input, 'rawResults') ?? false;
  const { api, v3 } = resolveApiOptions(input, { rawResults, languageCode });
  const clock = input.clock;
  if (clock !== undefined && (typeof clock !== 'object' || typeof clock.now !== 'function')) {
    throw invalidOption('clock', 'a Clock object', clock);
  }
  return {
    api,
    v3,
    endpoint,
    tls,
    ca,
    auth: new SealedAuth(auth) as SealedAuth & AuthView,
    folderId,
    languageCode,
    model,
    profanityFilter: optionalBoolean(input, 'profanityFilter') ?? false,
    partialResults: optionalBoolean(input, 'partialResults') ?? false,
    singleUtterance: optionalBoolean(input, 'singleUtterance') ?? false,
    audioEncoding,
    sampleRateHertz: sampleRateHertz as PcmSampleRate | undefined,
    encode,
    rawResults,
    literatureText: optionalBoolean(input, 'literatureText') ?? false,
    normalizePartials: optionalBoolean(input, 'normalizePartials'),
    chunkMs,
    pace,
    sessionLimits,
    rollover,
    retry,
    idle,
    maxReplayMs,
    maxBufferedMs,
    drainTimeoutMs,
    stallTimeoutMs,
    metadata,
    signal,
    readableHighWaterMark,
    startLimiter,
    clock,
    voiceActivity: resolveVoiceActivity(input.voiceActivity),
  };
}

function resolveLimits(limits: SessionLimits | undefined): Required<SessionLimits> {
  if (limits !== undefined && (limits === null || typeof limits !== 'object')) {
    throw invalidOption('sessionLimits', '{ maxAudioMs?, maxBytes? }', limits);
  }
  const maxAudioMs = limits?.maxAudioMs ?? SERVICE_MAX_AUDIO_MS;
  const maxBytes = limits?.maxBytes ?? SERVICE_MAX_BYTES;
  if (typeof maxAudioMs !== 'number' || !Number.isFinite(maxAudioMs) || maxAudioMs < 1_000 || maxAudioMs > SERVICE_MAX_AUDIO_MS) {
    throw invalidOption('sessionLimits.maxAudioMs', `a number of milliseconds from 1000 to ${SERVICE_MAX_AUDIO_MS}`, maxAudioMs);
  }
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 16_000 || maxBytes > SERVICE_MAX_BYTES) {
    throw invalidOption('sessionLimits.maxBytes', `an integer number of bytes from 16000 to ${SERVICE_MAX_BYTES}`, maxBytes);
  }
  return { maxAudioMs, maxBytes };
}

function resolveGroup<T extends object>(name: string, value: unknown, defaults: T, validate: (v: T) => string | undefined): T {
  if (value === undefined) return { ...defaults };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidOption(name, 'an object', value);
  for (const key of Object.keys(value)) {
    if (!(key in defaults)) throw invalidOption(`${name}.${key}`, `one of ${Object.keys(defaults).join(', ')}`);
  }
  const merged = { ...defaults, ...value } as T;
  const problem = validate(merged);
  if (problem) {
    const option = /`([^`]+)`/.exec(problem)?.[1] ?? name;
    throw invalidOption(option, problem.replace(/^`[^`]+` must be /, ''));
  }
  return merged;
}

function resolveIdle(value: unknown): IdleOptions {
  const input = typeof value === 'string' ? { policy: value } : value;
  if (input !== undefined && (input === null || typeof input !== 'object')) throw invalidOption('idle', '"keepalive", "close" or { policy, afterMs }', value);
  const { policy, afterMs = DEFAULT_IDLE_AFTER_MS, ...rest } = (input ?? {}) as Partial<IdleOptions>;
  const unknown = Object.keys(rest)[0];
  if (unknown) throw invalidOption(`idle.${unknown}`, 'policy or afterMs');
  if (policy !== undefined && policy !== 'keepalive' && policy !== 'close') throw invalidOption('idle.policy', '"keepalive" or "close"', policy);
  if (typeof afterMs !== 'number' || !(afterMs >= 100 && afterMs <= SERVICE_IDLE_LIMIT_MS - 1_500)) {
    throw invalidOption('idle.afterMs', `a number of milliseconds from 100 to ${SERVICE_IDLE_LIMIT_MS - 1_500} (the service ends a session after ${SERVICE_IDLE_LIMIT_MS} ms without audio)`, afterMs);
  }
  return { policy, afterMs };
}

function resolveMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined) return {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw invalidOption('metadata', 'an object of string header values', metadata);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!/^[0-9a-z_.-]+$/.test(key) || key.endsWith('-bin')) throw invalidOption(`metadata["${key}"]`, 'a lowercase ASCII header name');
    if (RESERVED_METADATA.has(key)) throw invalidOption(`metadata["${key}"]`, 'a header the library does not set itself (use `auth` for credentials)');
    if (typeof value !== 'string' || /[\r\n]/.test(value)) throw invalidOption(`metadata["${key}"]`, 'a single-line string');
    out[key] = value;
  }
  return out;
}

function optionalString(input: object, key: string): string | undefined {
  const value = (input as Record<string, unknown>)[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidOption(key, 'a string', value);
  return value;
}

function optionalBoolean(input: object, key: string): boolean | undefined {
  const value = (input as Record<string, unknown>)[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidOption(key, 'a boolean', value);
  return value;
}

function optionalNumber(input: object, key: string): number | undefined {
  const value = (input as Record<string, unknown>)[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw invalidOption(key, 'a number', value);
  return value;
}

export function isLoopback(endpoint: string): boolean {
  const host = endpoint.slice(0, endpoint.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
