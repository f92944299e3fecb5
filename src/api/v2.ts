import type { AudioFormat } from '../audio/intake.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionResult, RecognizedWord } from '../results.js';
import type { StreamingRecognitionRequest } from '../generated/yandex/cloud/ai/stt/v2/StreamingRecognitionRequest.js';
import type { StreamingRecognitionResponse__Output } from '../generated/yandex/cloud/ai/stt/v2/StreamingRecognitionResponse.js';
import type { Duration__Output } from '../generated/google/protobuf/Duration.js';

/** The first message of a v2 session: settings and folder. Unset fields take the service's defaults. */
export function configRequest(options: ResolvedOptions, format: AudioFormat): StreamingRecognitionRequest {
  return {
    config: {
      specification: {
        audio_encoding: format.encoding,
        ...(format.sampleRateHertz !== undefined && { sample_rate_hertz: format.sampleRateHertz }),
        ...(options.languageCode !== undefined && { language_code: options.languageCode }),
        ...(options.model !== undefined && { model: options.model }),
        // Only true flags go on the wire: false is the service's default and proto3's zero value.
        ...(options.profanityFilter && { profanity_filter: true }),
        ...(options.partialResults && { partial_results: true }),
        ...(options.singleUtterance && { single_utterance: true }),
        ...(options.rawResults && { raw_results: true }),
        ...(options.literatureText && { literature_text: true }),
      },
      ...(options.folderId !== undefined && { folder_id: options.folderId }),
    },
  };
}

export function audioRequest(data: Buffer): StreamingRecognitionRequest {
  return { audio_content: data };
}

/** Request metadata that v2 settings travel in. */
export function settingsMetadata(options: ResolvedOptions): Record<string, string> {
  return options.normalizePartials === undefined ? {} : { 'x-normalize-partials': String(options.normalizePartials) };
}

/** Maps one response to results, moving word times from session time to whole-stream time. */
export function mapResponse(
  response: StreamingRecognitionResponse__Output,
  session: number,
  toStreamMs: (sessionMs: number) => number,
): RecognitionResult[] {
  const results: RecognitionResult[] = [];
  for (const chunk of response.chunks ?? []) {
    const alternatives = (chunk.alternatives ?? []).map((alt) => ({
      text: alt.text ?? '',
      confidence: alt.confidence ?? 0,
      words: (alt.words ?? []).map(
        (w): RecognizedWord => ({
          text: w.word ?? '',
          startMs: toStreamMs(durationMs(w.start_time)),
          endMs: toStreamMs(durationMs(w.end_time)),
          confidence: w.confidence ?? 0,
        }),
      ),
    }));
    const best = alternatives[0];
    const final = chunk.final === true;
    const result: RecognitionResult = {
      type: final ? 'final' : 'partial',
      text: best?.text ?? '',
      final,
      endOfUtterance: chunk.end_of_utterance === true,
      alternatives,
      session,
    };
    const words = best?.words ?? [];
    if (words.length > 0) {
      result.startMs = words[0]!.startMs;
      result.endMs = words[words.length - 1]!.endMs;
    }
    results.push(result);
  }
  return results;
}

function durationMs(d: Duration__Output | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6;
}
