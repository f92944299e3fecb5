import type { StreamingOptions__Output } from '../../generated/speechkit/stt/v3/StreamingOptions.js';
import type { SessionConfig } from '../call/session-config.js';
import type { RecognizerTiming } from '../limits/limits.js';
import { V2_LANGUAGE_CODES, V2_MODELS, V2_PCM_SAMPLE_RATES } from '../v2/config.js';
import { resolveV3Analysis, type V3AnalysisOptions } from './analysis-config.js';

/**
 * Validation of v3 `session_options`, with the service's defaults for unset fields: model
 * `general`, REAL_TIME processing, normalization disabled, the default end-of-utterance
 * classifier. Models, languages and PCM rates are the same lists as v2's (the docs share them).
 *
 * Inferred, not documented: the audio format has no default (a session without one is refused).
 * Classifiers, speech analysis, speaker labeling and summarization are validated in
 * `analysis-config.ts` and answered by deterministic stand-ins (`../analysis/`).
 */
export type V3ConfigOutcome =
  | { ok: true; config: SessionConfig; options: V3SessionOptions }
  | { ok: false; status: 'INVALID_ARGUMENT' | 'UNIMPLEMENTED'; details: string };

/** API v3 settings of a session beyond `SessionConfig`, after server-side defaults. */
export interface V3SessionOptions {
  textNormalization: boolean;
  languageRestriction?: { type: 'WHITELIST' | 'BLACKLIST'; languageCodes: string[] };
  eouClassifier: 'default' | 'external';
  eouSensitivity: 'DEFAULT' | 'HIGH';
  /** 0 when not set. */
  maxPauseBetweenWordsHintMs: number;
  audioProcessingType: 'REAL_TIME' | 'FULL_DATA';
  /** Audio-time silence that ends an utterance, from the classifier settings; null with the external classifier. */
  eouSilenceMs: number | null;
  /** Classifiers, speech analysis, speaker labeling, summarization. */
  analysis: V3AnalysisOptions;
  /** `phone_formatting_mode` DISABLED: phone numbers stay as spoken in normalized text. */
  phoneFormattingDisabled: boolean;
}

/** The high-sensitivity classifier ends utterances after this fraction of the usual pause. */
export const HIGH_SENSITIVITY_FACTOR = 0.5;

const LANGUAGE_LOOKUP = new Set(V2_LANGUAGE_CODES.map((c) => c.toLowerCase()));
const MODEL = 'session_options.recognition_model';

export function resolveV3Config(options: StreamingOptions__Output, timing: RecognizerTiming): V3ConfigOutcome {
  const bad = (details: string): V3ConfigOutcome => ({ ok: false, status: 'INVALID_ARGUMENT', details });
  const unimplemented = (field: string): V3ConfigOutcome => ({
    ok: false,
    status: 'UNIMPLEMENTED',
    details: `session_options.${field}: not emulated`,
  });
  const analysis = resolveV3Analysis(options);
  if (!analysis.ok) return bad(analysis.details);

  const model = options.recognition_model;
  const modelName = model?.model || 'general';
  if (!V2_MODELS.includes(modelName)) return bad(`${MODEL}.model: '${modelName}' is not supported for streaming; use ${V2_MODELS.join(', ')}`);

  const format = model?.audio_format;
  let audioEncoding: SessionConfig['audioEncoding'];
  let sampleRateHertz: number;
  if (format?.raw_audio) {
    const raw = format.raw_audio;
    if (raw.audio_encoding !== 'LINEAR16_PCM') return bad(`${MODEL}.audio_format.raw_audio.audio_encoding: must be LINEAR16_PCM`);
    sampleRateHertz = Number(raw.sample_rate_hertz ?? 0);
    if (!V2_PCM_SAMPLE_RATES.includes(sampleRateHertz)) {
      return bad(`${MODEL}.audio_format.raw_audio.sample_rate_hertz: ${sampleRateHertz} is not supported; use 8000, 16000 or 48000`);
    }
    const channels = Number(raw.audio_channel_count ?? 0);
    if (channels !== 0 && channels !== 1) return bad(`${MODEL}.audio_format.raw_audio.audio_channel_count: streaming recognition takes mono audio only`);
    audioEncoding = 'LINEAR16_PCM';
  } else if (format?.container_audio) {
    const type = format.container_audio.container_audio_type;
    if (type === 'MP3') return bad(`${MODEL}.audio_format.container_audio: MP3 is not supported for streaming recognition`);
    if (type === 'WAV') return unimplemented('recognition_model.audio_format.container_audio (WAV; send raw_audio LINEAR16_PCM)');
    if (type !== 'OGG_OPUS') return bad(`${MODEL}.audio_format.container_audio.container_audio_type: required`);
    audioEncoding = 'OGG_OPUS';
    sampleRateHertz = 48000;
  } else {
    return bad(`${MODEL}.audio_format: required (raw_audio or container_audio)`);
  }

  const normalization = model?.text_normalization;
  const textNormalization = normalization?.text_normalization === 'TEXT_NORMALIZATION_ENABLED';

  let languageRestriction: V3SessionOptions['languageRestriction'];
  const restriction = model?.language_restriction;
  const codes = restriction?.language_code ?? [];
  if (codes.length > 0 || (restriction && restriction.restriction_type !== 'LANGUAGE_RESTRICTION_TYPE_UNSPECIFIED')) {
    const type = restriction!.restriction_type;
    if (type !== 'WHITELIST' && type !== 'BLACKLIST') return bad(`${MODEL}.language_restriction.restriction_type: WHITELIST or BLACKLIST`);
    if (codes.length === 0) return bad(`${MODEL}.language_restriction.language_code: at least one language`);
    for (const code of codes) {
      if (code.toLowerCase() === 'auto' || !LANGUAGE_LOOKUP.has(code.toLowerCase())) {
        return bad(`${MODEL}.language_restriction.language_code: '${code}' is not supported`);
      }
    }
    languageRestriction = { type, languageCodes: [...codes] };
  }

  const processing = model?.audio_processing_type;
  const audioProcessingType = processing === 'FULL_DATA' ? 'FULL_DATA' : 'REAL_TIME';

  const classifier = options.eou_classifier;
  const external = classifier?.external_classifier != null;
  const defaults = classifier?.default_classifier;
  const eouSensitivity = defaults?.type === 'HIGH' ? 'HIGH' : 'DEFAULT';
  const hint = Number(defaults?.max_pause_between_words_hint_ms ?? 0);
  if (!Number.isInteger(hint) || hint < 0) return bad('session_options.eou_classifier.default_classifier.max_pause_between_words_hint_ms: must be ≥ 0');
  const basePause = hint > 0 ? hint : timing.eouSilenceMs;
  const eouSilenceMs = external ? null : eouSensitivity === 'HIGH' ? basePause * HIGH_SENSITIVITY_FACTOR : basePause;

  const config: SessionConfig = {
    audioEncoding,
    sampleRateHertz,
    languageCode: languageRestriction?.type === 'WHITELIST' ? languageRestriction.languageCodes[0]! : 'auto',
    model: modelName,
    profanityFilter: normalization?.profanity_filter ?? false,
    partialResults: audioProcessingType === 'REAL_TIME',
    singleUtterance: false,
    rawResults: !textNormalization,
    literatureText: normalization?.literature_text ?? false,
  };
  return {
    ok: true,
    config,
    options: {
      textNormalization,
      ...(languageRestriction && { languageRestriction }),
      eouClassifier: external ? 'external' : 'default',
      eouSensitivity,
      maxPauseBetweenWordsHintMs: hint,
      audioProcessingType,
      eouSilenceMs,
      analysis: analysis.analysis,
      phoneFormattingDisabled: normalization?.phone_formatting_mode === 'PHONE_FORMATTING_MODE_DISABLED',
    },
  };
}
