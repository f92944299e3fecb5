import { invalidOption } from '../errors.js';

/**
 * When the service runs a classifier (API v3): after each utterance, after each final, or on each
 * partial. The result's `window` says which of them it covers.
 */
export type ClassifierTrigger = 'onUtterance' | 'onFinal' | 'onPartial';

/** One classifier of the service to run on the recognized speech (API v3). */
export interface ClassifierOption {
  /** The service's classifier name, e.g. `'answerphone'` (answering-machine detection). */
  name: string;
  /** When to run it; at least one. */
  triggers: ClassifierTrigger[];
}

/** Speaker and conversation statistics of a session (API v3 `speech_analysis`). */
export interface SpeechAnalysisOption {
  /** Per-speaker statistics: speech and silence, words, utterances (`speakerAnalysis` results). */
  speakerAnalysis?: boolean;
  /** Statistics across speakers: simultaneous silence and speech, interrupts (`conversationAnalysis` results). */
  conversationAnalysis?: boolean;
  /** Quantile levels of the descriptive statistics, each in (0, 1), e.g. `[0.5, 0.9]`. */
  quantiles?: number[];
  /** Speaker analysis: the shortest pause, in ms, counted as silence. */
  silenceThresholdMs?: number;
  /** Conversation analysis: the shortest silence of all speakers counted, in ms. */
  simultaneousSilenceThresholdMs?: number;
  /** Conversation analysis: the shortest overlap of speakers counted, in ms. */
  simultaneousSpeechThresholdMs?: number;
}

/** How one summarization property's answer is formatted: plain text, any JSON object, or JSON of a schema. */
export type SummarizationFormat = 'text' | 'json' | { jsonSchema: Record<string, unknown> };

/** One question the summarization model answers about the session's text. */
export interface SummarizationPropertyOption {
  /** What to extract, e.g. "Did the caller agree to the offer?". */
  instruction: string;
  /** Default `'text'`. */
  format?: SummarizationFormat;
}

/** Summarization of a session's text by a language model (API v3). */
export interface SummarizationOption {
  /** The model, e.g. `gpt://<folder>/yandexgpt-lite/latest`. */
  modelUri: string;
  /** At least one. */
  properties: SummarizationPropertyOption[];
}

/** The analysis options of API v3 (all off by default). */
export interface AnalysisOptions {
  /** v3: classifiers to run on the speech, e.g. `[{ name: 'answerphone', triggers: ['onUtterance'] }]`. */
  classifiers?: ClassifierOption[];
  /** v3: speaker and conversation statistics. */
  speechAnalysis?: SpeechAnalysisOption;
  /** v3: tell speakers apart (the service's default is off). */
  speakerLabeling?: boolean;
  /** v3: answers of a language model about each session's text. */
  summarization?: SummarizationOption;
  /** v3 with text normalization: `false` keeps phone numbers as spoken (`phone_formatting_mode` DISABLED). */
  phoneFormatting?: boolean;
}

/** The analysis settings after validation (undefined: not asked for). */
export interface AnalysisSettings {
  classifiers: { name: string; triggers: ClassifierTrigger[] }[] | undefined;
  speechAnalysis: Required<Omit<SpeechAnalysisOption, 'silenceThresholdMs' | 'simultaneousSilenceThresholdMs' | 'simultaneousSpeechThresholdMs'>> & {
    silenceThresholdMs: number | undefined;
    simultaneousSilenceThresholdMs: number | undefined;
    simultaneousSpeechThresholdMs: number | undefined;
  } | undefined;
  speakerLabeling: boolean;
  summarization: { modelUri: string; properties: { instruction: string; format: SummarizationFormat }[] } | undefined;
  phoneFormatting: boolean;
}

export const ANALYSIS_OPTION_KEYS: readonly string[] = ['classifiers', 'speechAnalysis', 'speakerLabeling', 'summarization', 'phoneFormatting'];

export const CLASSIFIER_TRIGGERS: readonly ClassifierTrigger[] = ['onUtterance', 'onFinal', 'onPartial'];
/** Classifier names as the service spells them: lowercase words joined by `_`. */
const CLASSIFIER_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** A threshold beyond the 5-minute session says nothing about a session. */
export const MAX_ANALYSIS_THRESHOLD_MS = 300_000;
export const MAX_QUANTILES = 16;
export const MAX_SUMMARIZATION_PROPERTIES = 16;
export const MAX_INSTRUCTION_LENGTH = 4_000;

/** Validates the analysis options; `textNormalization` is the resolved setting (phone formatting is part of it). */
export function resolveAnalysisOptions(input: AnalysisOptions, textNormalization: boolean): AnalysisSettings {
  return {
    classifiers: resolveClassifiers(input.classifiers),
    speechAnalysis: resolveSpeechAnalysis(input.speechAnalysis),
    speakerLabeling: resolveBoolean('speakerLabeling', input.speakerLabeling),
    summarization: resolveSummarization(input.summarization),
    phoneFormatting: resolvePhoneFormatting(input.phoneFormatting, textNormalization),
  };
}

function resolveBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidOption(name, 'a boolean', value);
  return value;
}

function plainObject(name: string, value: unknown, shape: string, keys: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidOption(name, shape, value);
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown) throw invalidOption(`${name}.${unknown}`, keys.join(', '));
  return value as Record<string, unknown>;
}

function resolveClassifiers(value: unknown): AnalysisSettings['classifiers'] {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidOption('classifiers', "a non-empty array of { name, triggers }, e.g. [{ name: 'answerphone', triggers: ['onUtterance'] }]", value);
  }
  const names = new Set<string>();
  return value.map((item, i) => {
    const at = `classifiers[${i}]`;
    const { name, triggers } = plainObject(at, item, '{ name, triggers }', ['name', 'triggers']);
    if (typeof name !== 'string' || !CLASSIFIER_NAME.test(name)) throw invalidOption(`${at}.name`, "a classifier name such as 'answerphone'", name);
    if (names.has(name)) throw invalidOption(`${at}.name`, 'each classifier once', name);
    names.add(name);
    if (!Array.isArray(triggers) || triggers.length === 0) throw invalidOption(`${at}.triggers`, `a non-empty array of ${CLASSIFIER_TRIGGERS.map((t) => `'${t}'`).join(', ')}`, triggers);
    for (const trigger of triggers) {
      if (!CLASSIFIER_TRIGGERS.includes(trigger as ClassifierTrigger)) throw invalidOption(`${at}.triggers`, CLASSIFIER_TRIGGERS.map((t) => `'${t}'`).join(', '), trigger);
    }
    return { name, triggers: [...new Set(triggers as ClassifierTrigger[])] };
  });
}

function resolveThreshold(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ANALYSIS_THRESHOLD_MS) {
    throw invalidOption(name, `an integer number of milliseconds from 1 to ${MAX_ANALYSIS_THRESHOLD_MS}`, value);
  }
  return value;
}

function resolveSpeechAnalysis(value: unknown): AnalysisSettings['speechAnalysis'] {
  if (value === undefined) return undefined;
  const keys = ['speakerAnalysis', 'conversationAnalysis', 'quantiles', 'silenceThresholdMs', 'simultaneousSilenceThresholdMs', 'simultaneousSpeechThresholdMs'];
  const input = plainObject('speechAnalysis', value, '{ speakerAnalysis?, conversationAnalysis?, quantiles?, … }', keys);
  const speakerAnalysis = resolveBoolean('speechAnalysis.speakerAnalysis', input.speakerAnalysis);
  const conversationAnalysis = resolveBoolean('speechAnalysis.conversationAnalysis', input.conversationAnalysis);
  if (!speakerAnalysis && !conversationAnalysis) {
    throw invalidOption('speechAnalysis', 'speakerAnalysis: true or conversationAnalysis: true (otherwise leave it out)');
  }
  const quantiles = input.quantiles ?? [];
  if (!Array.isArray(quantiles) || quantiles.length > MAX_QUANTILES) throw invalidOption('speechAnalysis.quantiles', `an array of up to ${MAX_QUANTILES} levels`, quantiles);
  for (const q of quantiles) {
    if (typeof q !== 'number' || !(q > 0 && q < 1)) throw invalidOption('speechAnalysis.quantiles', 'levels between 0 and 1 (exclusive), e.g. 0.5', q);
  }
  const silenceThresholdMs = resolveThreshold('speechAnalysis.silenceThresholdMs', input.silenceThresholdMs);
  const simultaneousSilenceThresholdMs = resolveThreshold('speechAnalysis.simultaneousSilenceThresholdMs', input.simultaneousSilenceThresholdMs);
  const simultaneousSpeechThresholdMs = resolveThreshold('speechAnalysis.simultaneousSpeechThresholdMs', input.simultaneousSpeechThresholdMs);
  if (!speakerAnalysis && silenceThresholdMs !== undefined) throw invalidOption('speechAnalysis.silenceThresholdMs', 'only with speakerAnalysis: true');
  if (!conversationAnalysis) {
    if (simultaneousSilenceThresholdMs !== undefined) throw invalidOption('speechAnalysis.simultaneousSilenceThresholdMs', 'only with conversationAnalysis: true');
    if (simultaneousSpeechThresholdMs !== undefined) throw invalidOption('speechAnalysis.simultaneousSpeechThresholdMs', 'only with conversationAnalysis: true');
  }
  return {
    speakerAnalysis,
    conversationAnalysis,
    quantiles: [...(quantiles as number[])].sort((a, b) => a - b),
    silenceThresholdMs,
    simultaneousSilenceThresholdMs,
    simultaneousSpeechThresholdMs,
  };
}

function resolveSummarization(value: unknown): AnalysisSettings['summarization'] {
  if (value === undefined) return undefined;
  const { modelUri, properties } = plainObject('summarization', value, '{ modelUri, properties }', ['modelUri', 'properties']);
  if (typeof modelUri !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(modelUri)) {
    throw invalidOption('summarization.modelUri', "a model URI such as 'gpt://<folder>/yandexgpt-lite/latest'", modelUri);
  }
  if (!Array.isArray(properties) || properties.length === 0 || properties.length > MAX_SUMMARIZATION_PROPERTIES) {
    throw invalidOption('summarization.properties', `an array of 1 to ${MAX_SUMMARIZATION_PROPERTIES} { instruction, format? }`, properties);
  }
  return {
    modelUri,
    properties: properties.map((item, i) => {
      const at = `summarization.properties[${i}]`;
      const { instruction, format = 'text' } = plainObject(at, item, '{ instruction, format? }', ['instruction', 'format']);
      if (typeof instruction !== 'string' || instruction.trim() === '' || instruction.length > MAX_INSTRUCTION_LENGTH) {
        throw invalidOption(`${at}.instruction`, `a non-empty string of up to ${MAX_INSTRUCTION_LENGTH} characters`, instruction);
      }
      return { instruction, format: resolveFormat(`${at}.format`, format) };
    }),
  };
}

function resolveFormat(name: string, value: unknown): SummarizationFormat {
  if (value === 'text' || value === 'json') return value;
  const { jsonSchema } = plainObject(name, value, "'text', 'json' or { jsonSchema }", ['jsonSchema']);
  if (jsonSchema === null || typeof jsonSchema !== 'object' || Array.isArray(jsonSchema)) {
    throw invalidOption(`${name}.jsonSchema`, 'a JSON Schema object', jsonSchema);
  }
  try {
    // A schema must survive the wire's JSON model (a Struct): no functions, cycles, NaN or BigInt.
    const copy = JSON.parse(JSON.stringify(jsonSchema)) as unknown;
    if (!sameJson(copy, jsonSchema)) throw new Error('not JSON');
    return { jsonSchema: copy as Record<string, unknown> };
  } catch {
    throw invalidOption(`${name}.jsonSchema`, 'plain JSON (objects, arrays, strings, finite numbers, booleans, null)');
  }
}

function sameJson(copy: unknown, original: unknown): boolean {
  if (original === null || typeof original !== 'object') {
    return typeof original === 'number' ? Number.isFinite(original) && copy === original : copy === original;
  }
  if (Array.isArray(original)) return Array.isArray(copy) && copy.length === original.length && original.every((v, i) => sameJson(copy[i], v));
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) return false;
  const keys = Object.keys(original);
  return keys.length === Object.keys(copy).length && keys.every((k) => sameJson((copy as Record<string, unknown>)[k], (original as Record<string, unknown>)[k]));
}

function resolvePhoneFormatting(value: unknown, textNormalization: boolean): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw invalidOption('phoneFormatting', 'a boolean', value);
  if (!textNormalization && !value) {
    throw invalidOption('phoneFormatting', 'to be left out without text normalization (phone numbers are formatted only in normalized text)', value);
  }
  return value;
}
