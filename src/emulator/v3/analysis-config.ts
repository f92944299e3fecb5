import type { StreamingOptions__Output } from '../../generated/speechkit/stt/v3/StreamingOptions.js';
import type { Struct__Output } from '../../generated/google/protobuf/Struct.js';

/**
 * Validation of the analysis fields of v3 `session_options`: `recognition_classifier`,
 * `speech_analysis`, `speaker_labeling`, `summarization`. What the proto allows, and what the
 * emulator's stand-ins can answer (see `analysis/`); anything else is INVALID_ARGUMENT, naming
 * the field.
 */

/** The classifier names the emulator knows. Only `answerphone` ever fires (a 1 kHz beep); the rest always say confidence 0. */
export const EMULATED_CLASSIFIERS: readonly string[] = [
  'answerphone',
  'formal_greeting',
  'informal_greeting',
  'formal_farewell',
  'informal_farewell',
  'insult',
  'profanity',
  'gender',
  'negative',
];

export type ClassifierTrigger = 'ON_UTTERANCE' | 'ON_FINAL' | 'ON_PARTIAL';

export interface V3AnalysisOptions {
  classifiers: { name: string; triggers: ClassifierTrigger[] }[];
  speakerAnalysis: boolean;
  conversationAnalysis: boolean;
  /** Ascending levels in (0, 1). */
  quantiles: number[];
  /** 0: every pause is silence. */
  silenceThresholdMs: number;
  simultaneousSilenceThresholdMs: number;
  simultaneousSpeechThresholdMs: number;
  speakerLabeling: boolean;
  summarization: { modelUri: string; properties: { instruction: string; format: 'text' | 'json' | { schema: Struct__Output } }[] } | null;
}

export function resolveV3Analysis(options: StreamingOptions__Output): { ok: true; analysis: V3AnalysisOptions } | { ok: false; details: string } {
  const bad = (details: string) => ({ ok: false as const, details: `session_options.${details}` });
  const classifiers: V3AnalysisOptions['classifiers'] = [];
  for (const [i, c] of (options.recognition_classifier?.classifiers ?? []).entries()) {
    const at = `recognition_classifier.classifiers[${i}]`;
    if (!c.classifier) return bad(`${at}.classifier: required`);
    if (!EMULATED_CLASSIFIERS.includes(c.classifier)) return bad(`${at}.classifier: '${c.classifier}' is not a known classifier (${EMULATED_CLASSIFIERS.join(', ')})`);
    if (classifiers.some((other) => other.name === c.classifier)) return bad(`${at}.classifier: '${c.classifier}' is listed twice`);
    const triggers = c.triggers ?? [];
    if (triggers.length === 0) return bad(`${at}.triggers: at least one of ON_UTTERANCE, ON_FINAL, ON_PARTIAL`);
    for (const t of triggers) {
      if (t !== 'ON_UTTERANCE' && t !== 'ON_FINAL' && t !== 'ON_PARTIAL') return bad(`${at}.triggers: ${String(t)} is not a trigger (ON_UTTERANCE, ON_FINAL, ON_PARTIAL)`);
    }
    classifiers.push({ name: c.classifier, triggers: [...new Set(triggers as ClassifierTrigger[])] });
  }

  const speech = options.speech_analysis;
  const speakerAnalysis = speech?.enable_speaker_analysis ?? false;
  const conversationAnalysis = speech?.enable_conversation_analysis ?? false;
  const quantiles = (speech?.descriptive_statistics_quantiles ?? []).map(Number);
  for (const q of quantiles) {
    if (!(q > 0 && q < 1)) return bad(`speech_analysis.descriptive_statistics_quantiles: ${q} is not a level between 0 and 1`);
  }
  const threshold = (value: unknown, field: string): number | string => {
    const ms = Number(value ?? 0);
    return Number.isInteger(ms) && ms >= 0 ? ms : `speech_analysis.${field}: must be ≥ 0`;
  };
  const silence = threshold(speech?.speaker_options?.silence_threshold_ms, 'speaker_options.silence_threshold_ms');
  const together = threshold(speech?.converstation_options?.simultaneous_silence_threshold_ms, 'converstation_options.simultaneous_silence_threshold_ms');
  const overlap = threshold(speech?.converstation_options?.simultaneous_speech_threshold_ms, 'converstation_options.simultaneous_speech_threshold_ms');
  for (const t of [silence, together, overlap]) if (typeof t === 'string') return bad(t);
  if (speech?.speaker_options && !speakerAnalysis) return bad('speech_analysis.speaker_options: only with enable_speaker_analysis');
  if (speech?.converstation_options && !conversationAnalysis) return bad('speech_analysis.converstation_options: only with enable_conversation_analysis');

  const labeling = options.speaker_labeling?.speaker_labeling ?? 'SPEAKER_LABELING_UNSPECIFIED';
  if (!['SPEAKER_LABELING_UNSPECIFIED', 'SPEAKER_LABELING_ENABLED', 'SPEAKER_LABELING_DISABLED'].includes(labeling)) {
    return bad(`speaker_labeling.speaker_labeling: ${String(labeling)} is not a value`);
  }

  let summarization: V3AnalysisOptions['summarization'] = null;
  const s = options.summarization;
  if (s && (s.model_uri || (s.properties ?? []).length > 0)) {
    if (!s.model_uri) return bad('summarization.model_uri: required with properties');
    if ((s.properties ?? []).length === 0) return bad('summarization.properties: at least one');
    const properties: NonNullable<V3AnalysisOptions['summarization']>['properties'] = [];
    for (const [i, p] of s.properties.entries()) {
      const at = `summarization.properties[${i}]`;
      if (!p.instruction?.trim()) return bad(`${at}.instruction: required`);
      if (p.ResponseFormat === 'json_schema') {
        if (!p.json_schema?.schema) return bad(`${at}.json_schema.schema: required`);
        properties.push({ instruction: p.instruction, format: { schema: p.json_schema.schema } });
      } else {
        properties.push({ instruction: p.instruction, format: p.json_object ? 'json' : 'text' });
      }
    }
    summarization = { modelUri: s.model_uri, properties };
  }

  return {
    ok: true,
    analysis: {
      classifiers,
      speakerAnalysis,
      conversationAnalysis,
      quantiles: [...quantiles].sort((a, b) => a - b),
      silenceThresholdMs: silence as number,
      simultaneousSilenceThresholdMs: together as number,
      simultaneousSpeechThresholdMs: overlap as number,
      speakerLabeling: labeling === 'SPEAKER_LABELING_ENABLED',
      summarization,
    },
  };
}

/** Whether a session asked for any analysis at all. */
export function wantsAnalysis(a: V3AnalysisOptions): boolean {
  return a.classifiers.length > 0 || a.speakerAnalysis || a.conversationAnalysis || a.summarization !== null;
}
