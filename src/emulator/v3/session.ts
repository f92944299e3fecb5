import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Alternative } from '../../generated/speechkit/stt/v3/Alternative.js';
import type { StreamingRequest__Output } from '../../generated/speechkit/stt/v3/StreamingRequest.js';
import type { StreamingResponse } from '../../generated/speechkit/stt/v3/StreamingResponse.js';
import type { AudioDecoder } from '../audio/audio-decoder.js';
import { decoderFor } from '../audio/decoder-for.js';
import { CallSession } from '../call/call-session.js';
import type { SessionConfig } from '../call/session-config.js';
import type { SessionContext } from '../call/session-context.js';
import type { SessionResult } from '../call/session-record.js';
import { OK_STATUS } from '../call/status.js';
import { sizeLimitBreach } from '../limits/limits.js';
import { Recognizer, type RecognizedToken, type RecognizerEvent } from '../recognition/recognizer.js';
import { tokenWord, transcript } from '../recognition/transcript.js';
import { resolveV3Config, type V3SessionOptions } from './config.js';
import { wantsAnalysis } from './analysis-config.js';
import { Analyst } from '../analysis/analyst.js';

type Request = StreamingRequest__Output;
type Response = StreamingResponse;

/** Longest `silence_chunk` the emulator takes in one message (an hour: anything more is a client bug). */
export const MAX_SILENCE_CHUNK_MS = 3_600_000;
/** The one channel of streaming recognition. */
const CHANNEL = '0';
/** The language reported in `Alternative.languages` when no whitelist names one. */
const DETECTED_LANGUAGE = 'ru-RU';

export interface V3SessionSettings {
  /** Wall-time interval of `status_code` keep-alives, in ms. */
  statusEveryMs: number;
}

/**
 * One `/speechkit.stt.v3.Recognizer/RecognizeStreaming` call, over the same recognizer as v2.
 *
 * Responses carry audio cursors: `received_data_ms` (audio and silence received),
 * `partial_time_ms` (audio analysed), `final_time_ms` (audio analysed when the last final was
 * made: everything before it is final), `final_index` (finals so far; a final's own response
 * carries its number, and its refinement names it), `eou_time_ms`.
 *
 * Text: finals and partials are raw (digits as words, "one two three"); with text normalization
 * each final is followed by a `final_refinement` with the normalized text ("123"). Each final is
 * followed by an `eou_update`. Utterances end after the classifier's pause (silence in the audio
 * or from `silence_chunk`), on an external `eou`, or at the client's half-close.
 */
export class V3Session extends CallSession<Request, Response> {
  readonly #settings: V3SessionSettings;
  #config: SessionConfig | null = null;
  #options: V3SessionOptions | null = null;
  #decoder: AudioDecoder | null = null;
  #recognizer: Recognizer | null = null;
  #analyst: Analyst | null = null;
  #sampleRate = 0;
  #silenceMs = 0;
  #finalTimeMs = 0;
  #finalIndex = 0;
  #eouTimeMs = 0;
  #statusTimer: NodeJS.Timeout | null = null;

  constructor(call: ServerDuplexStream<Request, Response>, ctx: SessionContext, settings: V3SessionSettings) {
    super(call, ctx);
    this.#settings = settings;
    this.record.api = 'v3';
    const folder = call.metadata.get('x-folder-id').find((v): v is string => typeof v === 'string');
    if (folder !== undefined) this.record.folderId = folder;
    void this.record.ended.then(() => this.#stopStatus());
  }

  protected override onMessage(message: Request): void {
    const event = message.Event;
    if (!this.#config) {
      if (event !== 'session_options' || !message.session_options) {
        return this.fail('INVALID_ARGUMENT', 'the first message must carry session_options (recognition settings), not audio');
      }
      return this.#configure(message);
    }
    switch (event) {
      case 'session_options':
        return this.fail('INVALID_ARGUMENT', 'session_options may only be sent once, in the first message of a session');
      case 'chunk': {
        const data = message.chunk?.data;
        if (!data || data.length === 0) return this.fail('INVALID_ARGUMENT', 'chunk.data is empty; every chunk must carry audio');
        return this.#onAudio(data);
      }
      case 'silence_chunk': {
        const ms = Number(message.silence_chunk?.duration_ms ?? 0);
        if (!Number.isInteger(ms) || ms <= 0 || ms > MAX_SILENCE_CHUNK_MS) {
          return this.fail('INVALID_ARGUMENT', `silence_chunk.duration_ms: must be a positive number of ms up to ${MAX_SILENCE_CHUNK_MS}`);
        }
        return this.#onSilence(ms);
      }
      case 'eou':
        if (this.#options!.eouClassifier !== 'external') {
          return this.fail('INVALID_ARGUMENT', 'eou: only with session_options.eou_classifier.external_classifier');
        }
        return this.#onExternalEou();
      default:
        return this.fail('INVALID_ARGUMENT', 'the message carries no event (session_options, chunk, silence_chunk or eou)');
    }
  }

  protected override onHalfClose(flush: boolean): void {
    if (!this.#config) return this.fail('INVALID_ARGUMENT', 'the stream ended before the session_options message');
    // The end of the stream ends the utterance (unless the profile's service drops it).
    if (flush && this.#recognizer) this.#emit(this.#recognizer.flush());
    // What the session says about all it heard comes last, once nothing more can be heard.
    if (flush && this.#analyst) this.#sendAnalysis(this.#analyst.sessionEnd(this.#receivedMs()));
    this.finish(OK_STATUS);
  }

  protected override floodResponse(): Response {
    const alternative: Alternative = { words: [], text: FLOOD_TEXT, start_time_ms: 0, end_time_ms: 0, confidence: 1, languages: [] };
    return { ...this.#envelope(), partial: { alternatives: [alternative] } };
  }

  #configure(message: Request): void {
    const outcome = resolveV3Config(message.session_options!, this.ctx.timing);
    if (!outcome.ok) return this.fail(outcome.status, outcome.details);
    const { config, options } = outcome;
    this.#config = config;
    this.#options = options;
    this.record.config = config;
    this.record.v3Options = options;
    const decoder = (this.#decoder = decoderFor(config));
    void this.record.ended.then(() => decoder.close?.());
    const rate = decoder.sampleRate;
    if (rate !== null) {
      this.#sampleRate = rate;
      this.#recognizer = new Recognizer({
        sampleRate: rate,
        partialEveryMs: this.ctx.timing.partialEveryMs,
        // The external classifier is the client: silence alone never ends an utterance.
        eouSilenceMs: options.eouSilenceMs ?? Infinity,
        cutToneHeard: this.profile.cutToneHeard,
      });
      if (wantsAnalysis(options.analysis)) this.#analyst = new Analyst(options.analysis, rate, CHANNEL);
    }
    this.log(
      `v3 options ${config.audioEncoding} ${config.sampleRateHertz} Hz ${config.model}` +
        `${options.textNormalization ? ' normalized' : ''} eou=${options.eouClassifier} ${options.audioProcessingType}`,
    );
    this.#sendStatus();
    this.#statusTimer = setInterval(() => this.#sendStatus(), this.#settings.statusEveryMs);
    this.#statusTimer.unref();
    this.armFaults();
  }

  #onAudio(data: Buffer): void {
    const samples = this.decodeAudio(this.#decoder!, data);
    if (!samples) return;
    const before = this.record.audioMs;
    if (this.#limitBreached()) return;
    if (this.pacingBreached(this.record.audioMs - before)) return;
    this.#analyst?.activity.push(samples);
    if (this.#recognizer) this.#emit(this.#recognizer.push(samples));
    this.checkFaults();
  }

  /** Silence as a duration: the recognizer hears it as silence, the limits count its time, not bytes. */
  #onSilence(ms: number): void {
    this.#silenceMs += ms;
    this.record.silenceChunks.push({ atMs: this.wallMs(), durationMs: ms });
    if (this.#limitBreached()) return;
    if (this.pacingBreached(ms)) return;
    const silence = new Int16Array(Math.round((ms * this.#sampleRate) / 1000));
    this.#analyst?.activity.push(silence);
    if (this.#recognizer) this.#emit(this.#recognizer.push(silence));
    this.checkFaults();
  }

  #onExternalEou(): void {
    this.record.eouMessages.push({ atMs: this.wallMs(), audioMs: this.record.audioMs });
    const ended = this.#recognizer ? this.#emit(this.#recognizer.flush(), this.#receivedMs()) : false;
    // The eou is answered even when it closed no utterance.
    if (!ended) this.#sendEou(this.#receivedMs());
  }

  #limitBreached(): boolean {
    this.record.audioMs = this.#decoder!.audioMs + this.#silenceMs;
    const breach = sizeLimitBreach(this.ctx.limits, this.record.audioMs, this.record.bytes);
    if (breach) this.fail('OUT_OF_RANGE', breach);
    return breach !== null;
  }

  #receivedMs(): number {
    return this.record.audioMs;
  }

  /** Sends the recognizer's events; returns whether an utterance ended. */
  #emit(events: RecognizerEvent[], eouTimeMs?: number): boolean {
    let ended = false;
    for (const event of events) {
      if (event.type === 'partial') {
        if (this.#options!.audioProcessingType === 'REAL_TIME') {
          this.#sendUpdate('partial', event.tokens);
          if (this.#analyst) this.#sendAnalysis(this.#analyst.partial(event.tokens));
        }
        continue;
      }
      this.#finalTimeMs = this.#recognizer!.analysedMs;
      const delayMs = this.nextFinalDelay();
      const tokens = shifted(event.tokens, this.takeBogusShift());
      this.#sendUpdate('final', tokens, delayMs);
      if (this.#options!.textNormalization) this.#sendRefinement(this.#finalIndex, tokens, delayMs);
      this.#finalIndex++;
      this.#sendEou(eouTimeMs ?? this.#finalTimeMs, delayMs);
      if (this.#analyst) this.#sendAnalysis(this.#analyst.utterance(tokens), delayMs);
      ended = true;
    }
    return ended;
  }

  #sendUpdate(kind: 'partial' | 'final', tokens: RecognizedToken[], delayMs = 0): void {
    const alternative = this.#alternative(tokens, true);
    const final = kind === 'final';
    const result: SessionResult = { text: alternative.text as string, final, endOfUtterance: false, type: kind };
    if (final) result.finalIndex = this.#finalIndex;
    this.send({ ...this.#envelope(), [kind]: { alternatives: [alternative] } }, [result], delayMs);
  }

  #sendAnalysis(events: Response[], delayMs = 0): void {
    for (const event of events) {
      const type = event.classifier_update ? 'classifier' : event.speaker_analysis ? 'speakerAnalysis' : event.conversation_analysis ? 'conversationAnalysis' : 'summarization';
      this.send({ ...this.#envelope(), ...event }, [{ text: '', final: false, endOfUtterance: false, type }], delayMs);
    }
  }

  #sendRefinement(finalIndex: number, tokens: RecognizedToken[], delayMs: number): void {
    const alternative = this.#alternative(tokens, false);
    this.#sendAsProfiled(
      this.profile.v3.refinement,
      { ...this.#envelope(), final_refinement: { final_index: finalIndex, normalized_text: { alternatives: [alternative] } } },
      [{ text: alternative.text as string, final: false, endOfUtterance: false, type: 'refinement', finalIndex }],
      delayMs,
    );
  }

  #sendEou(timeMs: number, delayMs = 0): void {
    this.#eouTimeMs = timeMs;
    this.#sendAsProfiled(
      this.profile.v3.eouUpdate,
      { ...this.#envelope(), eou_update: { time_ms: this.#lagged(timeMs) } },
      [{ text: '', final: false, endOfUtterance: true, type: 'endOfUtterance' }],
      delayMs,
    );
  }

  /** On time (after `delayMs`), `lateMs` later than that outside the queue's order, or not at all. */
  #sendAsProfiled(when: 'on-time' | 'late' | 'missing', response: Response, results: SessionResult[], delayMs: number): void {
    if (when === 'missing') return;
    if (when === 'on-time') return this.send(response, results, delayMs);
    this.sendLate(response, results, delayMs + this.profile.v3.lateMs);
  }

  /** A cursor as the profile's service reports it: `cursorLagMs` behind, whole ms, never negative. */
  #lagged(ms: number): number {
    return Math.max(0, Math.floor(ms - this.profile.v3.cursorLagMs));
  }

  #sendStatus(): void {
    if (this.stalled) return;
    this.record.statusMessages++;
    this.send({ ...this.#envelope(), status_code: { code_type: 'WORKING', message: 'session is alive' } }, []);
  }

  #stopStatus(): void {
    if (this.#statusTimer) clearInterval(this.#statusTimer);
    this.#statusTimer = null;
  }

  /** Fields every response carries. Cursors are whole ms, rounded down: never past the audio they describe. */
  #envelope(): Response {
    return {
      session_uuid: { uuid: this.record.requestId, user_request_id: this.record.clientRequestId ?? '' },
      audio_cursors: {
        received_data_ms: Math.floor(this.#receivedMs()),
        reset_time_ms: 0,
        partial_time_ms: Math.floor(this.#recognizer?.analysedMs ?? 0),
        final_time_ms: this.#lagged(this.#finalTimeMs),
        final_index: this.#finalIndex,
        eou_time_ms: this.#lagged(this.#eouTimeMs),
      },
      response_wall_time_ms: Date.now(),
      channel_tag: CHANNEL,
    };
  }

  /** Raw text writes digits as words; normalized text as digits. */
  #alternative(tokens: RecognizedToken[], raw: boolean): Alternative {
    const restriction = this.#options!.languageRestriction;
    const language = restriction?.type === 'WHITELIST' ? restriction.languageCodes[0]! : DETECTED_LANGUAGE;
    return {
      words: tokens.map((t) => ({ text: tokenWord(t.text, raw), start_time_ms: Math.round(t.startMs), end_time_ms: Math.round(t.endMs) })),
      text: transcript(tokens.map((t) => t.text), raw),
      start_time_ms: Math.round(tokens[0]?.startMs ?? 0),
      end_time_ms: Math.round(tokens.at(-1)?.endMs ?? 0),
      confidence: 1,
      languages: [{ language_code: language, probability: 1 }],
    };
  }
}

/** Text of the partials a `flood` fault sends. */
const FLOOD_TEXT = 'flood';

/** Tokens moved by a `bogus-times` shift (0: the same tokens). */
function shifted(tokens: RecognizedToken[], shiftMs: number): RecognizedToken[] {
  if (shiftMs === 0) return tokens;
  return tokens.map((t) => ({ ...t, startMs: Math.max(0, t.startMs + shiftMs), endMs: Math.max(0, t.endMs + shiftMs) }));
}
