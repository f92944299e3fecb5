import type { Duration } from '../../generated/google/protobuf/Duration.js';
import type { StreamingRecognitionRequest__Output } from '../../generated/yandex/cloud/ai/stt/v2/StreamingRecognitionRequest.js';
import type { StreamingRecognitionResponse } from '../../generated/yandex/cloud/ai/stt/v2/StreamingRecognitionResponse.js';
import type { WordInfo } from '../../generated/yandex/cloud/ai/stt/v2/WordInfo.js';
import type { AudioDecoder } from '../audio/audio-decoder.js';
import { decoderFor } from '../audio/decoder-for.js';
import { CallSession } from '../call/call-session.js';
import type { SessionConfig } from '../call/session-config.js';
import { OK_STATUS } from '../call/status.js';
import { sizeLimitBreach } from '../limits/limits.js';
import { Recognizer, type RecognizedToken, type RecognizerEvent } from '../recognition/recognizer.js';
import { tokenWord, transcript } from '../recognition/transcript.js';
import { resolveV2Config } from './config.js';

type Request = StreamingRecognitionRequest__Output;
type Response = StreamingRecognitionResponse;

/** One `/yandex.cloud.ai.stt.v2.SttService/StreamingRecognize` call. */
export class V2Session extends CallSession<Request, Response> {
  #config: SessionConfig | null = null;
  #decoder: AudioDecoder | null = null;
  #recognizer: Recognizer | null = null;
  /** False once single_utterance has produced its utterance. */
  #recognizing = true;

  protected override onMessage(message: Request): void {
    const kind = message.streaming_request;
    if (!this.#config) {
      if (kind !== 'config' || !message.config) {
        return this.fail('INVALID_ARGUMENT', 'the first message must carry config (recognition settings), not audio');
      }
      return this.#configure(message);
    }
    if (kind === 'config') {
      return this.fail('INVALID_ARGUMENT', 'config may only be sent once, in the first message of a session');
    }
    if (kind !== 'audio_content') {
      return this.fail('INVALID_ARGUMENT', 'the message carries neither config nor audio_content');
    }
    const audio = message.audio_content;
    if (!audio || audio.length === 0) {
      return this.fail('INVALID_ARGUMENT', 'audio_content is empty; every audio message must carry audio');
    }
    this.#onAudio(audio);
  }

  protected override onHalfClose(flush: boolean): void {
    if (!this.#config) {
      return this.fail('INVALID_ARGUMENT', 'the stream ended before the config message');
    }
    if (flush && this.#recognizer && this.#recognizing) this.#emit(this.#recognizer.flush());
    this.finish(OK_STATUS);
  }

  protected override floodResponse(): Response {
    return { chunks: [{ alternatives: [{ text: FLOOD_TEXT, confidence: 1, words: [] }], final: false, end_of_utterance: false }] };
  }

  #configure(message: Request): void {
    const outcome = resolveV2Config(message.config!);
    if (!outcome.ok) return this.fail('INVALID_ARGUMENT', outcome.details);
    const config = outcome.config;
    this.#config = config;
    this.record.config = config;
    if (outcome.folderId !== undefined) this.record.folderId = outcome.folderId;
    const decoder = (this.#decoder = decoderFor(config));
    void this.record.ended.then(() => decoder.close?.());
    const rate = this.#decoder.sampleRate;
    if (rate !== null) {
      this.#recognizer = new Recognizer({ sampleRate: rate, ...this.ctx.timing, cutToneHeard: this.profile.cutToneHeard });
    }
    this.log(
      `config ${config.audioEncoding} ${config.sampleRateHertz} Hz ${config.languageCode} ${config.model}` +
        `${config.partialResults ? ' partial' : ''}${config.singleUtterance ? ' single' : ''}${config.rawResults ? ' raw' : ''}`,
    );
    this.armFaults();
  }

  #onAudio(audio: Buffer): void {
    const samples = this.decodeAudio(this.#decoder!, audio);
    if (!samples) return;
    const receivedMs = this.#decoder!.audioMs - this.record.audioMs;
    this.record.audioMs = this.#decoder!.audioMs;
    if (this.pacingBreached(receivedMs)) return;
    const breach = sizeLimitBreach(this.ctx.limits, this.record.audioMs, this.record.bytes);
    if (breach) return this.fail('OUT_OF_RANGE', breach);
    if (this.#recognizer && this.#recognizing) this.#emit(this.#recognizer.push(samples));
    this.checkFaults();
  }

  #emit(events: RecognizerEvent[]): void {
    const config = this.#config!;
    for (const event of events) {
      if (!this.#recognizing) return;
      if (event.type === 'partial') {
        if (config.partialResults) this.#sendChunk(event.tokens, false);
        continue;
      }
      this.#sendChunk(event.tokens, true);
      if (config.singleUtterance) {
        this.#recognizing = false;
        this.log('single utterance done; waiting for the client to close');
      }
    }
  }

  #sendChunk(tokens: RecognizedToken[], final: boolean): void {
    const asWords = this.#config!.rawResults;
    const text = transcript(
      tokens.map((t) => t.text),
      asWords,
    );
    const shiftMs = final ? this.takeBogusShift() : 0;
    // A bogus final carries its (absurd) times even where finals normally carry none.
    const words: WordInfo[] =
      this.profile.wordTimes || shiftMs !== 0
        ? tokens.map((t) => ({
            start_time: duration(t.startMs + shiftMs),
            end_time: duration(t.endMs + shiftMs),
            word: tokenWord(t.text, asWords),
            confidence: 1,
          }))
        : [];
    this.send(
      {
        chunks: [
          {
            alternatives: [{ text, confidence: 1, words }],
            final,
            end_of_utterance: final,
          },
        ],
      },
      [{ text, final, endOfUtterance: final }],
      final ? this.nextFinalDelay() : 0,
    );
  }
}

/** Text of the partials a `flood` fault sends. */
export const FLOOD_TEXT = 'flood';

function duration(ms: number): Duration {
  // A negative bogus shift must still make a valid Duration.
  const micros = Math.max(0, Math.round(ms * 1000));
  return { seconds: Math.floor(micros / 1_000_000), nanos: (micros % 1_000_000) * 1000 };
}
