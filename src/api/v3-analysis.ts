import type { AnalysisSettings, ClassifierTrigger, SummarizationFormat } from './analysis-options.js';
import type { AudioSpan, ClassifierResult, ConversationAnalysisResult, DescriptiveStatistics, RecognitionResult, SpeakerAnalysisResult, SummarizationResult } from '../results.js';
import type { StreamingOptions } from '../generated/speechkit/stt/v3/StreamingOptions.js';
import type { StreamingResponse__Output } from '../generated/speechkit/stt/v3/StreamingResponse.js';
import type { DescriptiveStatistics__Output } from '../generated/speechkit/stt/v3/DescriptiveStatistics.js';
import type { AudioSegmentBoundaries__Output } from '../generated/speechkit/stt/v3/AudioSegmentBoundaries.js';
import type { SummarizationProperty } from '../generated/speechkit/stt/v3/SummarizationProperty.js';
import type { Value } from '../generated/google/protobuf/Value.js';
import type { Struct } from '../generated/google/protobuf/Struct.js';

/**
 * API v3's analysis on the wire: the `session_options` fields the analysis options become, and
 * the analysis responses as results on the whole-stream timeline.
 */

const TRIGGERS: Record<ClassifierTrigger, 'ON_UTTERANCE' | 'ON_FINAL' | 'ON_PARTIAL'> = {
  onUtterance: 'ON_UTTERANCE',
  onFinal: 'ON_FINAL',
  onPartial: 'ON_PARTIAL',
};

/** The analysis fields of `session_options`; only what was asked for goes on the wire. */
export function analysisSessionOptions(analysis: AnalysisSettings): Pick<StreamingOptions, 'recognition_classifier' | 'speech_analysis' | 'speaker_labeling' | 'summarization'> {
  const out: Pick<StreamingOptions, 'recognition_classifier' | 'speech_analysis' | 'speaker_labeling' | 'summarization'> = {};
  if (analysis.classifiers) {
    out.recognition_classifier = {
      classifiers: analysis.classifiers.map((c) => ({ classifier: c.name, triggers: c.triggers.map((t) => TRIGGERS[t]) })),
    };
  }
  const speech = analysis.speechAnalysis;
  if (speech) {
    out.speech_analysis = {
      ...(speech.speakerAnalysis && { enable_speaker_analysis: true }),
      ...(speech.conversationAnalysis && { enable_conversation_analysis: true }),
      ...(speech.quantiles.length > 0 && { descriptive_statistics_quantiles: speech.quantiles }),
      ...(speech.silenceThresholdMs !== undefined && { speaker_options: { silence_threshold_ms: speech.silenceThresholdMs } }),
      ...((speech.simultaneousSilenceThresholdMs !== undefined || speech.simultaneousSpeechThresholdMs !== undefined) && {
        converstation_options: {
          ...(speech.simultaneousSilenceThresholdMs !== undefined && { simultaneous_silence_threshold_ms: speech.simultaneousSilenceThresholdMs }),
          ...(speech.simultaneousSpeechThresholdMs !== undefined && { simultaneous_speech_threshold_ms: speech.simultaneousSpeechThresholdMs }),
        },
      }),
    };
  }
  if (analysis.speakerLabeling) out.speaker_labeling = { speaker_labeling: 'SPEAKER_LABELING_ENABLED' };
  if (analysis.summarization) {
    out.summarization = {
      model_uri: analysis.summarization.modelUri,
      properties: analysis.summarization.properties.map((p) => ({ instruction: p.instruction, ...responseFormat(p.format) })),
    };
  }
  return out;
}

function responseFormat(format: SummarizationFormat): Pick<SummarizationProperty, 'json_object' | 'json_schema'> {
  if (format === 'text') return {};
  if (format === 'json') return { json_object: true };
  return { json_schema: { schema: toStruct(format.jsonSchema) } };
}

/** JSON as `google.protobuf.Struct` (the options' validation made sure it is plain JSON). */
export function toStruct(object: Record<string, unknown>): Struct {
  return { fields: Object.fromEntries(Object.entries(object).map(([k, v]) => [k, toValue(v)])) };
}

function toValue(value: unknown): Value {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  return { structValue: toStruct(value as Record<string, unknown>) };
}

/** How one session's analysis response maps: the session, its channel, and its clock on the whole-stream timeline. */
export interface AnalysisContext {
  session: number;
  channelTag: string;
  toStreamMs: (sessionMs: number) => number;
}

const CLASSIFIER_WINDOWS = { LAST_UTTERANCE: 'utterance', LAST_FINAL: 'final', LAST_PARTIAL: 'partial' } as const;

/** The result an analysis response stands for, or undefined when the response is not one. */
export function analysisResult(response: StreamingResponse__Output, ctx: AnalysisContext): RecognitionResult | undefined {
  const base = { text: '' as const, alternatives: [], final: false as const, endOfUtterance: false as const, session: ctx.session, channelTag: ctx.channelTag };
  const span = (b: AudioSegmentBoundaries__Output | null | undefined): AudioSpan => ({
    startMs: ctx.toStreamMs(Number(b?.start_time_ms ?? 0)),
    endMs: ctx.toStreamMs(Number(b?.end_time_ms ?? 0)),
  });
  // What a session heard: from its first sample to what the service says it received.
  const sessionAudio = (): AudioSpan => ({ startMs: ctx.toStreamMs(0), endMs: ctx.toStreamMs(Number(response.audio_cursors?.received_data_ms ?? 0)) });
  switch (response.Event) {
    case 'classifier_update': {
      const update = response.classifier_update!;
      const window = CLASSIFIER_WINDOWS[update.window_type as keyof typeof CLASSIFIER_WINDOWS] ?? 'utterance';
      const result = update.classifier_result;
      const out: ClassifierResult = {
        type: 'classifier',
        ...base,
        window,
        ...span({ start_time_ms: update.start_time_ms, end_time_ms: update.end_time_ms }),
        classifier: result?.classifier ?? '',
        labels: (result?.labels ?? []).map((l) => ({ label: l.label ?? '', confidence: l.confidence ?? 0 })),
        highlights: (result?.highlights ?? []).map((h) => ({ text: h.text ?? '', ...span(h) })),
      };
      return out;
    }
    case 'speaker_analysis': {
      const a = response.speaker_analysis!;
      const whole = a.window_type === 'TOTAL';
      const out: SpeakerAnalysisResult = {
        type: 'speakerAnalysis',
        ...base,
        window: whole ? 'session' : 'utterance',
        ...span(a.speech_boundaries),
        ...(whole && { sessionAudio: sessionAudio() }),
        speakerTag: a.speaker_tag ?? '',
        totalSpeechMs: Number(a.total_speech_ms ?? 0),
        speechRatio: a.speech_ratio ?? 0,
        totalSilenceMs: Number(a.total_silence_ms ?? 0),
        silenceRatio: a.silence_ratio ?? 0,
        wordsCount: Number(a.words_count ?? 0),
        lettersCount: Number(a.letters_count ?? 0),
        wordsPerSecond: statistics(a.words_per_second),
        lettersPerSecond: statistics(a.letters_per_second),
        wordsPerUtterance: statistics(a.words_per_utterance),
        lettersPerUtterance: statistics(a.letters_per_utterance),
        utteranceCount: Number(a.utterance_count ?? 0),
        utteranceDurationMs: statistics(a.utterance_duration_estimation),
      };
      return out;
    }
    case 'conversation_analysis': {
      const c = response.conversation_analysis!;
      const out: ConversationAnalysisResult = {
        type: 'conversationAnalysis',
        ...base,
        window: 'session',
        ...span(c.conversation_boundaries),
        sessionAudio: sessionAudio(),
        totalSimultaneousSilenceMs: Number(c.total_simultaneous_silence_duration_ms ?? 0),
        simultaneousSilenceRatio: c.total_simultaneous_silence_ratio ?? 0,
        simultaneousSilenceDurationMs: statistics(c.simultaneous_silence_duration_estimation),
        totalSimultaneousSpeechMs: Number(c.total_simultaneous_speech_duration_ms ?? 0),
        simultaneousSpeechRatio: c.total_simultaneous_speech_ratio ?? 0,
        simultaneousSpeechDurationMs: statistics(c.simultaneous_speech_duration_estimation),
        interrupts: (c.speaker_interrupts ?? []).map((i) => ({
          speakerTag: i.speaker_tag ?? '',
          count: Number(i.interrupts_count ?? 0),
          durationMs: Number(i.interrupts_duration_ms ?? 0),
          spans: (i.interrupts ?? []).map(span),
        })),
        totalSpeechMs: Number(c.total_speech_duration_ms ?? 0),
        speechRatio: c.total_speech_ratio ?? 0,
      };
      return out;
    }
    case 'summarization': {
      const s = response.summarization!;
      const usage = s.content_usage;
      const audio = sessionAudio();
      const out: SummarizationResult = {
        type: 'summarization',
        ...base,
        window: 'session',
        ...audio,
        sessionAudio: audio,
        responses: (s.results ?? []).map((r) => r.response ?? ''),
        usage: {
          inputTextTokens: Number(usage?.input_text_tokens ?? 0),
          completionTokens: Number(usage?.completion_tokens ?? 0),
          totalTokens: Number(usage?.total_tokens ?? 0),
        },
      };
      return out;
    }
    default:
      return undefined;
  }
}

function statistics(s: DescriptiveStatistics__Output | null | undefined): DescriptiveStatistics {
  return {
    min: s?.min ?? 0,
    max: s?.max ?? 0,
    mean: s?.mean ?? 0,
    std: s?.std ?? 0,
    quantiles: (s?.quantiles ?? []).map((q) => ({ level: q.level ?? 0, value: q.value ?? 0 })),
  };
}
