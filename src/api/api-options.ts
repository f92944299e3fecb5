import { invalidOption } from '../errors.js';
import { ANALYSIS_OPTION_KEYS, resolveAnalysisOptions, type AnalysisOptions, type AnalysisSettings } from './analysis-options.js';

/** Which SpeechKit streaming API a stream speaks. */
export type ApiVersion = 'v2' | 'v3';

/**
 * v2 by default: it is what the stream spoke before v3 existed here, so code written against it
 * sees exactly the results it always saw. New projects should choose `'v3'`.
 */
export const DEFAULT_API: ApiVersion = 'v2';
export const API_VERSIONS: readonly ApiVersion[] = ['v2', 'v3'];

/** How eagerly the service's own classifier ends an utterance. */
export type EouSensitivity = 'default' | 'high';

/**
 * Who decides where an utterance ends (API v3).
 * - `'default'` / `{ type: 'default', sensitivity, maxPauseBetweenWordsHintMs }`: the service, from the audio.
 * - `'external'` / `{ type: 'external' }`: the client, by calling `stream.markEndOfUtterance()`.
 */
export type EouClassifierOption =
  | 'default'
  | 'external'
  | { type: 'default'; sensitivity?: EouSensitivity; maxPauseBetweenWordsHintMs?: number }
  | { type: 'external' };

/** Languages the service may (`whitelist`) or may not (`blacklist`) recognize (API v3). */
export interface LanguageRestriction {
  /** Default `whitelist`. */
  type?: 'whitelist' | 'blacklist';
  /** BCP-47 codes, e.g. `['ru-RU', 'en-US']`. */
  languageCodes: string[];
}

/** API v3's `audio_processing_type`: `REAL_TIME` (the service's streaming default) or `FULL_DATA`. */
export type AudioProcessingType = 'REAL_TIME' | 'FULL_DATA';

/** The long form of `compressSilence` (API v3, raw PCM). */
export interface CompressSilenceOptions {
  /** Silence sent as audio before the rest of a pause goes as `silence_chunk`, in ms. Default 500. */
  afterMs?: number;
}

/** Options that choose the API and the settings only API v3 has. */
export interface ApiOptions extends AnalysisOptions {
  /** `'v2'` (default, for compatibility) or `'v3'` (the service's recommendation for new projects). */
  api?: ApiVersion;
  /** v3: normalized text ("123" for "one two three") as `refinement` results. Default: `!rawResults`. */
  textNormalization?: boolean;
  /** v3: languages to allow or exclude. Not together with `languageCode`. */
  languageRestriction?: LanguageRestriction;
  /** v3: who ends utterances. Default: the service's classifier with its own settings. */
  eouClassifier?: EouClassifierOption;
  /** v3: `REAL_TIME` (the service's streaming default) or `FULL_DATA`. */
  audioProcessingType?: AudioProcessingType;
  /** v3, raw PCM: send long pauses the stream detects as `silence_chunk` durations instead of bytes. */
  compressSilence?: boolean | CompressSilenceOptions;
}

/** v3 settings after validation and defaults. */
export interface V3Settings {
  textNormalization: boolean;
  languageRestriction: { type: 'whitelist' | 'blacklist'; languageCodes: string[] } | undefined;
  eouClassifier:
    | { type: 'default'; sensitivity: EouSensitivity | undefined; maxPauseBetweenWordsHintMs: number | undefined }
    | { type: 'external' }
    | undefined;
  audioProcessingType: AudioProcessingType | undefined;
  compressSilence: { afterMs: number } | undefined;
  /** Classifiers, speech analysis, speaker labeling, summarization, phone formatting. */
  analysis: AnalysisSettings;
}

export const API_OPTION_KEYS: readonly string[] = [
  'api',
  'textNormalization',
  'languageRestriction',
  'eouClassifier',
  'audioProcessingType',
  'compressSilence',
  ...ANALYSIS_OPTION_KEYS,
];
const V3_ONLY_KEYS = API_OPTION_KEYS.filter((key) => key !== 'api');
/** Settings that exist in API v2 only, with what to use in v3 instead. */
const V2_ONLY_KEYS: Record<string, string> = {
  normalizePartials: 'v3 normalizes finals through `textNormalization` (refinement results)',
};

export const DEFAULT_COMPRESS_AFTER_MS = 500;
export const MAX_COMPRESS_AFTER_MS = 10_000;
/** A pause hint above the service's 5 s message gap says nothing useful about speech. */
export const MAX_PAUSE_HINT_MS = 5_000;
const LANGUAGE_CODE = /^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$/;

/**
 * Validates the API choice and the v3-only settings. Settings of the other API fail here, naming
 * the option, rather than being ignored: a user who set them expects them to do something.
 */
export function resolveApiOptions(
  input: ApiOptions & { normalizePartials?: unknown },
  shared: { rawResults: boolean; languageCode: string | undefined },
): { api: ApiVersion; v3: V3Settings } {
  const api = input.api ?? DEFAULT_API;
  if (!API_VERSIONS.includes(api)) throw invalidOption('api', '"v2" or "v3"', api);
  const given = (key: string) => (input as Record<string, unknown>)[key] !== undefined;
  if (api === 'v2') {
    const v3Only = V3_ONLY_KEYS.find(given);
    if (v3Only) throw invalidOption(v3Only, "to be used with `api: 'v3'` (API v2 has no such setting)");
  } else {
    const v2Only = Object.keys(V2_ONLY_KEYS).find(given);
    if (v2Only) throw invalidOption(v2Only, `to be left out with \`api: 'v3'\`: ${V2_ONLY_KEYS[v2Only]}`);
  }
  const textNormalization = resolveNormalization(input.textNormalization, shared.rawResults);
  return {
    api,
    v3: {
      textNormalization,
      languageRestriction: resolveLanguageRestriction(input.languageRestriction, shared.languageCode),
      eouClassifier: resolveEouClassifier(input.eouClassifier),
      audioProcessingType: resolveProcessingType(input.audioProcessingType),
      compressSilence: resolveCompressSilence(input.compressSilence),
      analysis: resolveAnalysisOptions(input, textNormalization),
    },
  };
}

function resolveNormalization(value: unknown, rawResults: boolean): boolean {
  if (value === undefined) return !rawResults;
  if (typeof value !== 'boolean') throw invalidOption('textNormalization', 'a boolean', value);
  if (value && rawResults) throw invalidOption('textNormalization', 'not `true` together with `rawResults: true` (raw results are the unnormalized text)', value);
  return value;
}

function resolveLanguageRestriction(value: unknown, languageCode: string | undefined): V3Settings['languageRestriction'] {
  if (value === undefined) return undefined;
  if (languageCode !== undefined) {
    throw invalidOption('languageRestriction', 'to be left out when `languageCode` is set (with API v3 `languageCode` becomes a one-language whitelist)');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidOption('languageRestriction', '{ type?: "whitelist" | "blacklist", languageCodes: string[] }', value);
  }
  const { type = 'whitelist', languageCodes, ...rest } = value as LanguageRestriction;
  const unknown = Object.keys(rest)[0];
  if (unknown) throw invalidOption(`languageRestriction.${unknown}`, 'type or languageCodes');
  if (type !== 'whitelist' && type !== 'blacklist') throw invalidOption('languageRestriction.type', '"whitelist" or "blacklist"', type);
  if (!Array.isArray(languageCodes) || languageCodes.length === 0) {
    throw invalidOption('languageRestriction.languageCodes', 'a non-empty array of BCP-47 codes such as ["ru-RU", "en-US"]', languageCodes);
  }
  for (const code of languageCodes) {
    if (typeof code !== 'string' || !LANGUAGE_CODE.test(code)) {
      throw invalidOption('languageRestriction.languageCodes', 'BCP-47 codes such as "ru-RU"', code);
    }
  }
  return { type, languageCodes: [...languageCodes] };
}

function resolveEouClassifier(value: unknown): V3Settings['eouClassifier'] {
  if (value === undefined) return undefined;
  const input = typeof value === 'string' ? { type: value } : value;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidOption('eouClassifier', '"default", "external" or { type, sensitivity?, maxPauseBetweenWordsHintMs? }', value);
  }
  const { type, sensitivity, maxPauseBetweenWordsHintMs, ...rest } = input as {
    type?: unknown;
    sensitivity?: unknown;
    maxPauseBetweenWordsHintMs?: unknown;
  };
  const unknown = Object.keys(rest)[0];
  if (unknown) throw invalidOption(`eouClassifier.${unknown}`, 'type, sensitivity or maxPauseBetweenWordsHintMs');
  if (type === 'external') {
    if (sensitivity !== undefined || maxPauseBetweenWordsHintMs !== undefined) {
      throw invalidOption('eouClassifier', 'sensitivity and maxPauseBetweenWordsHintMs only with type "default" (the external classifier is you)');
    }
    return { type: 'external' };
  }
  if (type !== 'default') throw invalidOption('eouClassifier.type', '"default" or "external"', type);
  if (sensitivity !== undefined && sensitivity !== 'default' && sensitivity !== 'high') {
    throw invalidOption('eouClassifier.sensitivity', '"default" or "high"', sensitivity);
  }
  if (
    maxPauseBetweenWordsHintMs !== undefined &&
    (typeof maxPauseBetweenWordsHintMs !== 'number' ||
      !Number.isInteger(maxPauseBetweenWordsHintMs) ||
      maxPauseBetweenWordsHintMs < 1 ||
      maxPauseBetweenWordsHintMs > MAX_PAUSE_HINT_MS)
  ) {
    throw invalidOption('eouClassifier.maxPauseBetweenWordsHintMs', `an integer number of milliseconds from 1 to ${MAX_PAUSE_HINT_MS}`, maxPauseBetweenWordsHintMs);
  }
  return {
    type: 'default',
    sensitivity: sensitivity as EouSensitivity | undefined,
    maxPauseBetweenWordsHintMs: maxPauseBetweenWordsHintMs as number | undefined,
  };
}

function resolveProcessingType(value: unknown): AudioProcessingType | undefined {
  if (value === undefined) return undefined;
  if (value !== 'REAL_TIME' && value !== 'FULL_DATA') throw invalidOption('audioProcessingType', '"REAL_TIME" or "FULL_DATA"', value);
  return value;
}

function resolveCompressSilence(value: unknown): V3Settings['compressSilence'] {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { afterMs: DEFAULT_COMPRESS_AFTER_MS };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidOption('compressSilence', 'a boolean or { afterMs }', value);
  }
  const { afterMs = DEFAULT_COMPRESS_AFTER_MS, ...rest } = value as CompressSilenceOptions;
  const unknown = Object.keys(rest)[0];
  if (unknown) throw invalidOption(`compressSilence.${unknown}`, 'afterMs');
  if (typeof afterMs !== 'number' || !Number.isFinite(afterMs) || afterMs < 0 || afterMs > MAX_COMPRESS_AFTER_MS) {
    throw invalidOption('compressSilence.afterMs', `a number of milliseconds from 0 to ${MAX_COMPRESS_AFTER_MS}`, afterMs);
  }
  return { afterMs };
}
