import type { AudioFormat } from '../audio/intake.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionAlternative } from '../results.js';
import type { StreamingRequest } from '../generated/speechkit/stt/v3/StreamingRequest.js';
import type { StreamingResponse__Output } from '../generated/speechkit/stt/v3/StreamingResponse.js';
import type { RecognitionModelOptions } from '../generated/speechkit/stt/v3/RecognitionModelOptions.js';
import type { EouClassifierOptions } from '../generated/speechkit/stt/v3/EouClassifierOptions.js';
import type { AlternativeUpdate__Output } from '../generated/speechkit/stt/v3/AlternativeUpdate.js';
import type { ApiAdapter, ApiResponse, ResponseMapper } from './adapter-contract.js';
import { MONO_CHANNEL } from './v2.js';
import { analysisResult, analysisSessionOptions } from './v3-analysis.js';

/**
 * The first message of a v3 session. Only settings that differ from the service's defaults go on
 * the wire, except the model and the audio format, which are always explicit.
 *
 * Mapped from the shared options: `languageCode` (other than `auto`) becomes a one-language
 * whitelist; `profanityFilter` and `literatureText` travel with the text normalization settings;
 * `rawResults` only sets the default of `textNormalization`. The analysis options (classifiers,
 * speech analysis, speaker labeling, summarization) are in `v3-analysis.ts`.
 */
export function sessionOptionsRequest(options: ResolvedOptions, format: AudioFormat): StreamingRequest {
  const { v3 } = options;
  const model: RecognitionModelOptions = {
    ...(options.model !== undefined && { model: options.model }),
    audio_format: format.encoding === 'LINEAR16_PCM'
      ? { raw_audio: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: format.sampleRateHertz!, audio_channel_count: 1 } }
      : { container_audio: { container_audio_type: 'OGG_OPUS' } },
  };
  if (v3.textNormalization || options.profanityFilter || options.literatureText) {
    model.text_normalization = {
      text_normalization: v3.textNormalization ? 'TEXT_NORMALIZATION_ENABLED' : 'TEXT_NORMALIZATION_DISABLED',
      ...(options.profanityFilter && { profanity_filter: true }),
      ...(options.literatureText && { literature_text: true }),
      ...(!v3.analysis.phoneFormatting && { phone_formatting_mode: 'PHONE_FORMATTING_MODE_DISABLED' }),
    };
  }
  const restriction = v3.languageRestriction
    ?? (options.languageCode !== undefined && options.languageCode !== 'auto' ? { type: 'whitelist' as const, languageCodes: [options.languageCode] } : undefined);
  if (restriction) {
    model.language_restriction = {
      restriction_type: restriction.type === 'whitelist' ? 'WHITELIST' : 'BLACKLIST',
      language_code: restriction.languageCodes,
    };
  }
  if (v3.audioProcessingType) model.audio_processing_type = v3.audioProcessingType;
  return {
    session_options: {
      recognition_model: model,
      ...(v3.eouClassifier && { eou_classifier: eouClassifier(v3.eouClassifier) }),
      ...analysisSessionOptions(v3.analysis),
    },
  };
}

function eouClassifier(setting: NonNullable<ResolvedOptions['v3']['eouClassifier']>): EouClassifierOptions {
  if (setting.type === 'external') return { external_classifier: {} };
  return {
    default_classifier: {
      ...(setting.sensitivity && { type: setting.sensitivity === 'high' ? 'HIGH' : 'DEFAULT' }),
      ...(setting.maxPauseBetweenWordsHintMs !== undefined && { max_pause_between_words_hint_ms: setting.maxPauseBetweenWordsHintMs }),
    },
  };
}

export function chunkRequest(data: Buffer): StreamingRequest {
  return { chunk: { data } };
}

/** `duration_ms` is an integer on the wire; callers send whole milliseconds. */
export function silenceRequest(durationMs: number): StreamingRequest {
  return { silence_chunk: { duration_ms: Math.round(durationMs) } };
}

export function eouRequest(): StreamingRequest {
  return { eou: {} };
}

/** v3 carries the folder in a header; omit it for service accounts. */
export function v3Metadata(options: ResolvedOptions): Record<string, string> {
  return options.folderId === undefined ? {} : { 'x-folder-id': options.folderId };
}

/**
 * Maps one session's responses. A final's own index is the `final_index` cursor of its response
 * (the count of finals before it); a refinement names the final it refines by that number.
 */
export function v3ResponseMapper(session: number, toStreamMs: (sessionMs: number) => number): ResponseMapper {
  let finalsSeen = 0;
  let finalsReceived = 0;
  return (message) => {
    const response = message as StreamingResponse__Output;
    const out: ApiResponse = { results: [] };
    const cursors = response.audio_cursors;
    if (response.Event === 'final') finalsReceived++;
    // The cursor counts the finals it covers: one that counts finals not received yet (a loaded
    // service may send a partial or a status before the final it has already made) would confirm
    // audio whose words are still on their way, and a replay after a failure would skip them.
    if (cursors && Number(cursors.final_index ?? 0) <= finalsReceived) out.finalCursorMs = Number(cursors.final_time_ms ?? 0);
    const common = { session, channelTag: response.channel_tag || MONO_CHANNEL };
    switch (response.Event) {
      case 'partial': {
        const update = alternativesOf(response.partial, toStreamMs);
        out.results.push({ type: 'partial', final: false, endOfUtterance: false, ...common, ...update });
        break;
      }
      case 'final': {
        const finalIndex = cursors ? Number(cursors.final_index ?? 0) : finalsSeen;
        finalsSeen = finalIndex + 1;
        out.results.push({ type: 'final', final: true, endOfUtterance: false, finalIndex, ...common, ...alternativesOf(response.final, toStreamMs) });
        break;
      }
      case 'final_refinement': {
        const refinement = response.final_refinement!;
        out.results.push({
          type: 'refinement',
          final: false,
          endOfUtterance: false,
          finalIndex: Number(refinement.final_index ?? 0),
          ...common,
          ...alternativesOf(refinement.normalized_text, toStreamMs),
        });
        break;
      }
      case 'eou_update': {
        out.results.push({
          type: 'endOfUtterance',
          final: false,
          endOfUtterance: true,
          text: '',
          alternatives: [],
          ...common,
          endMs: toStreamMs(Number(response.eou_update?.time_ms ?? 0)),
        });
        break;
      }
      case 'status_code':
        out.status = { code: String(response.status_code?.code_type ?? 'CODE_TYPE_UNSPECIFIED'), message: response.status_code?.message ?? '' };
        break;
      default: {
        const analysis = analysisResult(response, { session, channelTag: common.channelTag, toStreamMs });
        if (analysis) out.results.push(analysis);
        break;
      }
    }
    return out;
  };
}

function alternativesOf(
  update: AlternativeUpdate__Output | null | undefined,
  toStreamMs: (sessionMs: number) => number,
): { text: string; alternatives: RecognitionAlternative[]; startMs?: number; endMs?: number } {
  const alternatives = (update?.alternatives ?? []).map((alt): RecognitionAlternative => {
    const out: RecognitionAlternative = {
      text: alt.text ?? '',
      confidence: alt.confidence ?? 0,
      words: (alt.words ?? []).map((w) => ({
        text: w.text ?? '',
        startMs: toStreamMs(Number(w.start_time_ms ?? 0)),
        endMs: toStreamMs(Number(w.end_time_ms ?? 0)),
        confidence: 0,
      })),
    };
    if (alt.languages && alt.languages.length > 0) {
      out.languages = alt.languages.map((l) => ({ languageCode: l.language_code ?? '', probability: l.probability ?? 0 }));
    }
    return out;
  });
  const best = update?.alternatives?.[0];
  const result: { text: string; alternatives: RecognitionAlternative[]; startMs?: number; endMs?: number } = {
    text: alternatives[0]?.text ?? '',
    alternatives,
  };
  if (best) {
    // Alternatives carry their own span; word times are the fallback for a service that omits it.
    const words = alternatives[0]!.words;
    const start = Number(best.start_time_ms ?? 0);
    const end = Number(best.end_time_ms ?? 0);
    if (end > 0) {
      result.startMs = toStreamMs(start);
      result.endMs = toStreamMs(end);
    } else if (words.length > 0) {
      result.startMs = words[0]!.startMs;
      result.endMs = words[words.length - 1]!.endMs;
    }
  }
  return result;
}

export const v3Adapter: ApiAdapter = {
  version: 'v3',
  method: 'v3',
  configMessage: sessionOptionsRequest,
  audioMessage: chunkRequest,
  silenceMessage: silenceRequest,
  eouMessage: eouRequest,
  metadata: v3Metadata,
  followUps: (options) => ({ refinement: options.v3.textNormalization, endOfUtterance: true }),
  responseMapper: v3ResponseMapper,
};
