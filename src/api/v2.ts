import type { AudioFormat } from '../audio/intake.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionResult, RecognizedWord } from '../results.js';
import type { StreamingRecognitionRequest } from '../generated/yandex/cloud/ai/stt/v2/StreamingRecognitionRequest.js';
import type { StreamingRecognitionResponse__Output } from '../generated/yandex/cloud/ai/stt/v2/StreamingRecognitionResponse.js';
import type { Duration__Output } from '../generated/google/protobuf/Duration.js';
import type { ResponseMapper } from './adapter-contract.js';

/** Streaming recognition is mono; v2 has no channel tags, v3 calls the one channel "0". */
export const MONO_CHANNEL = '0';

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

/** Maps one session's responses to results, moving word times from session time to whole-stream time. */
export function v2ResponseMapper(session: number, toStreamMs: (sessionMs: number) => number): ResponseMapper {
  let finals = 0;
  return (message) => ({ results: mapResponse(message as StreamingRecognitionResponse__Output, session, toStreamMs, () => finals++) });
}

/** Maps one response to results; `nextFinalIndex` numbers the session's finals. */
export function mapResponse(
  response: StreamingRecognitionResponse__Output,
  session: number,
  toStreamMs: (sessionMs: number) => number,
  nextFinalIndex: () => number = () => 0,
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
    const common = { text: best?.text ?? '', alternatives, session, channelTag: MONO_CHANNEL };
    const result: RecognitionResult = chunk.final === true
      ? { type: 'final', final: true, endOfUtterance: chunk.end_of_utterance === true, finalIndex: nextFinalIndex(), ...common }
      : { type: 'partial', final: false, endOfUtterance: false, ...common };
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
