import type { RecognitionConfig__Output } from '../../generated/yandex/cloud/ai/stt/v2/RecognitionConfig.js';
import type { SessionConfig } from '../call/session-config.js';

/**
 * Streaming language codes accepted by API v2: the union of every list the service's docs have
 * published (oldest v2 page, models page, newest lists), matched case-insensitively as documented.
 */
export const V2_LANGUAGE_CODES: readonly string[] = [
  'auto',
  'ru-RU',
  'en-US',
  'tr-TR',
  'kk-KK',
  'kk-KZ',
  'de-DE',
  'fr-FR',
  'fi-FI',
  'sv-SE',
  'nl-NL',
  'pl-PL',
  'it-IT',
  'es-ES',
  'pt-PT',
  'pt-BR',
  'he-IL',
  'uz-UZ',
];

/** Model tags documented for streaming. */
export const V2_MODELS: readonly string[] = ['general', 'general:rc', 'general:deprecated'];

export const V2_PCM_SAMPLE_RATES: readonly number[] = [8000, 16000, 48000];

/** From the v2 docs: `folder_id` is at most 50 characters. */
export const MAX_FOLDER_ID_LENGTH = 50;

// Server-side defaults for unset (zero) fields, from the v2 docs. They differ from proto zero values.
const DEFAULT_ENCODING = 'OGG_OPUS';
const DEFAULT_SAMPLE_RATE = 48000;
const DEFAULT_LANGUAGE = 'ru-RU';
const DEFAULT_MODEL = 'general';

export type V2ConfigOutcome =
  | { ok: true; config: SessionConfig; folderId?: string }
  | { ok: false; details: string };

const LANGUAGE_LOOKUP = new Set(V2_LANGUAGE_CODES.map((c) => c.toLowerCase()));

export function resolveV2Config(message: RecognitionConfig__Output): V2ConfigOutcome {
  const spec = message.specification;
  const folderId = message.folder_id ?? '';
  if (folderId.length > MAX_FOLDER_ID_LENGTH) {
    return { ok: false, details: `config.folder_id: longer than ${MAX_FOLDER_ID_LENGTH} characters` };
  }
  const rawEncoding: unknown = spec?.audio_encoding ?? 'AUDIO_ENCODING_UNSPECIFIED';
  let audioEncoding: SessionConfig['audioEncoding'];
  if (rawEncoding === 'AUDIO_ENCODING_UNSPECIFIED' || rawEncoding === 0) audioEncoding = DEFAULT_ENCODING;
  else if (rawEncoding === 'LINEAR16_PCM' || rawEncoding === 'OGG_OPUS') audioEncoding = rawEncoding;
  else if (rawEncoding === 'MP3') {
    return {
      ok: false,
      details: 'config.specification.audio_encoding: MP3 is not supported for streaming recognition; use LINEAR16_PCM or OGG_OPUS',
    };
  } else {
    return { ok: false, details: `config.specification.audio_encoding: unknown value ${String(rawEncoding)}` };
  }

  const rate = Number(spec?.sample_rate_hertz ?? 0);
  if (!Number.isInteger(rate) || rate < 0) {
    return { ok: false, details: 'config.specification.sample_rate_hertz: must be a positive number of Hz' };
  }
  const sampleRateHertz = rate === 0 ? DEFAULT_SAMPLE_RATE : rate;
  if (audioEncoding === 'LINEAR16_PCM' && !V2_PCM_SAMPLE_RATES.includes(sampleRateHertz)) {
    return {
      ok: false,
      details: `config.specification.sample_rate_hertz: ${sampleRateHertz} is not supported for LINEAR16_PCM; use 8000, 16000 or 48000`,
    };
  }

  const languageCode = spec?.language_code || DEFAULT_LANGUAGE;
  if (!LANGUAGE_LOOKUP.has(languageCode.toLowerCase())) {
    return {
      ok: false,
      details: `config.specification.language_code: '${languageCode}' is not supported; use one of ${V2_LANGUAGE_CODES.join(', ')}`,
    };
  }

  const model = spec?.model || DEFAULT_MODEL;
  if (!V2_MODELS.includes(model)) {
    return {
      ok: false,
      details: `config.specification.model: '${model}' is not supported for streaming; use ${V2_MODELS.join(', ')}`,
    };
  }

  const channels = Number(spec?.audio_channel_count ?? 0);
  if (channels !== 0 && channels !== 1) {
    return { ok: false, details: 'config.specification.audio_channel_count: streaming recognition takes mono audio only' };
  }

  const config: SessionConfig = {
    audioEncoding,
    sampleRateHertz,
    languageCode,
    model,
    profanityFilter: spec?.profanity_filter ?? false,
    partialResults: spec?.partial_results ?? false,
    singleUtterance: spec?.single_utterance ?? false,
    rawResults: spec?.raw_results ?? false,
    literatureText: spec?.literature_text ?? false,
  };
  return folderId ? { ok: true, config, folderId } : { ok: true, config };
}
