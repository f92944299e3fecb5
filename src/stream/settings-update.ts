import type { AnalysisOptions } from '../api/analysis-options.js';
import type { EouClassifierOption, LanguageRestriction, V3Settings } from '../api/api-options.js';
import { invalidOption } from '../errors.js';
import { resolveOptions, type RecognizeStreamOptions, type ResolvedOptions } from '../options.js';

/**
 * Settings `stream.update()` can change while the stream runs. They take effect from the next
 * session on: the stream rolls over for them at the next natural boundary (an end of utterance,
 * or a pause of `rollover.silenceMs`), and any session it opens anyway (a rollover at a limit, a
 * recovery, a reopening after idle) starts with them. A key given as `undefined` goes back to its
 * default. What changes the stream's own machinery (the API, the audio format, text
 * normalization, pacing, limits, credentials) cannot change: make a new stream.
 */
export interface StreamUpdate extends AnalysisOptions {
  /** A BCP-47 code or `'auto'`; with API v3 a one-language whitelist. */
  languageCode?: string;
  model?: string;
  profanityFilter?: boolean;
  literatureText?: boolean;
  /** v3; not together with `languageCode`. */
  languageRestriction?: LanguageRestriction;
  /** v3: the service's classifier and its settings; it cannot switch to or from `'external'`. */
  eouClassifier?: EouClassifierOption;
}

/** The options `update()` takes. */
export const UPDATABLE_OPTIONS: readonly (keyof StreamUpdate)[] = [
  'languageCode',
  'model',
  'profanityFilter',
  'literatureText',
  'languageRestriction',
  'eouClassifier',
  'classifiers',
  'speechAnalysis',
  'speakerLabeling',
  'summarization',
  'phoneFormatting',
];

/** A credential only to run the option checks (never used, never kept). */
const CHECK_AUTH = { iamToken: 'settings-check' };

/** Validates updates at once and applies the latest as the next session is made. Pure. */
export class SettingsUpdate {
  private next: Pick<ResolvedOptions, 'languageCode' | 'model' | 'profanityFilter' | 'literatureText'> & { v3: V3Settings } | undefined;

  constructor(private readonly options: ResolvedOptions) {}

  /** Whether settings wait for the next session. */
  get pending(): boolean {
    return this.next !== undefined;
  }

  /** Validates `update` against the settings in force (or waiting), or throws naming the option. */
  request(update: StreamUpdate): void {
    if (update === null || typeof update !== 'object' || Array.isArray(update)) throw invalidOption('update', 'an object of settings', update);
    for (const key of Object.keys(update)) {
      if (!(UPDATABLE_OPTIONS as readonly string[]).includes(key)) {
        throw invalidOption(key, `an option update() can change (${UPDATABLE_OPTIONS.join(', ')}); for others make a new stream`);
      }
    }
    const base = this.next ?? this.options;
    if (update.eouClassifier !== undefined || 'eouClassifier' in update) {
      const external = (setting: unknown) => setting === 'external' || (typeof setting === 'object' && setting !== null && (setting as { type?: unknown }).type === 'external');
      if (external(update.eouClassifier) !== (base.v3.eouClassifier?.type === 'external')) {
        throw invalidOption('eouClassifier', 'the same kind of classifier as the stream started with (it cannot switch to or from "external")');
      }
    }
    // The stream's own options checks, on what the settings would be: cross-option rules included.
    const resolved = resolveOptions({ ...inputOf(this.options, base), ...update, auth: CHECK_AUTH } as RecognizeStreamOptions);
    this.next = {
      languageCode: resolved.languageCode,
      model: resolved.model,
      profanityFilter: resolved.profanityFilter,
      literatureText: resolved.literatureText,
      v3: resolved.v3,
    };
  }

  /** Before a session is made: puts the waiting settings in force. Returns whether there were any. */
  apply(): boolean {
    const next = this.next;
    if (!next) return false;
    this.next = undefined;
    const { v3, ...shared } = next;
    // In place: the session factory and the adapters read these objects.
    Object.assign(this.options, shared);
    Object.assign(this.options.v3, v3);
    return true;
  }
}

/** The options as input again: what update() leaves alone stays as it is. */
function inputOf(options: ResolvedOptions, current: Pick<ResolvedOptions, 'languageCode' | 'model' | 'profanityFilter' | 'literatureText'> & { v3: V3Settings }): Record<string, unknown> {
  const v3 = current.v3;
  const input: Record<string, unknown> = {
    api: options.api,
    rawResults: options.rawResults,
    languageCode: current.languageCode,
    model: current.model,
    profanityFilter: current.profanityFilter,
    literatureText: current.literatureText,
  };
  if (options.api !== 'v3') return input;
  const a = v3.analysis;
  return {
    ...input,
    textNormalization: v3.textNormalization,
    languageRestriction: v3.languageRestriction,
    eouClassifier: v3.eouClassifier && stripUndefined(v3.eouClassifier),
    audioProcessingType: v3.audioProcessingType,
    compressSilence: v3.compressSilence,
    classifiers: a.classifiers,
    speechAnalysis: a.speechAnalysis && stripUndefined(a.speechAnalysis),
    speakerLabeling: a.speakerLabeling || undefined,
    summarization: a.summarization,
    phoneFormatting: a.phoneFormatting ? undefined : false,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
