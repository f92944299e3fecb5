/** A recognized word, with times in whole-stream milliseconds (from the stream's first sample). */
export interface RecognizedWord {
  text: string;
  /** Where the word starts, whole-stream ms. */
  startMs: number;
  /** Where the word ends, whole-stream ms. */
  endMs: number;
  /** The service does not fill confidence meaningfully yet; usually 0 or 1. */
  confidence: number;
}

/** A language the service detected in an alternative (API v3, e.g. with `languageCode: 'auto'`). */
export interface LanguageEstimate {
  /** BCP-47, e.g. `ru-RU`. */
  languageCode: string;
  /** 0–1. */
  probability: number;
}

/** One hypothesis of what was said; `alternatives[0]` is the best. */
export interface RecognitionAlternative {
  text: string;
  /** The service's confidence, 0–1 (often not filled meaningfully). */
  confidence: number;
  /** The words with their times, when the service sent them (may be empty). */
  words: RecognizedWord[];
  /** API v3 only: languages detected in this alternative, most likely first. */
  languages?: LanguageEstimate[];
}

/** Fields every result has, whatever its `type` and API version. */
interface ResultBase {
  /** The best alternative's text (`alternatives[0].text`, or `''`). */
  text: string;
  /** The service's hypotheses, best first (empty for `endOfUtterance`). */
  alternatives: RecognitionAlternative[];
  /** 0-based index of the gRPC session that produced the result. */
  session: number;
  /**
   * Audio channel the result belongs to: `'0'` on a recognition stream (mono); on a multi-channel
   * stream (`createMultiChannelStream()`) the channel's index, `'0'`, `'1'`, …
   */
  channelTag: string;
  /** The channel's name, on a multi-channel stream given `channelNames`. */
  channelName?: string;
  /** Whole-stream time of the first word (or of the utterance's start), when the service said. */
  startMs?: number;
  /** Whole-stream time of the last word's end (for `endOfUtterance`: where the utterance ended). */
  endMs?: number;
}

/** Interim text of the utterance being spoken; later results replace it. */
export interface PartialResult extends ResultBase {
  /** Discriminant: switch on it. */
  type: 'partial';
  /** Only finals have `final: true`. */
  final: false;
  endOfUtterance: false;
}

/**
 * Fixed text: it will not change and is emitted exactly once. With API v2 it usually closes the
 * utterance (`endOfUtterance: true`); with API v3 an `endOfUtterance` result follows instead.
 */
export interface FinalResult extends ResultBase {
  /** Discriminant: switch on it. */
  type: 'final';
  final: true;
  /** API v2: this final closes an utterance. API v3: always `false` (an `endOfUtterance` result follows). */
  endOfUtterance: boolean;
  /** 0-based count of finals in the whole stream, across sessions: what a `refinement` refers to. */
  finalIndex: number;
}

/**
 * API v3 with text normalization: the normalized text of an earlier final ("one two three" →
 * "123"), emitted once, after that final. It is not a new final (`final: false`).
 */
export interface RefinementResult extends ResultBase {
  /** Discriminant: switch on it. */
  type: 'refinement';
  /** Not a new final: it replaces the text of final `finalIndex`. */
  final: false;
  endOfUtterance: false;
  /** The `finalIndex` of the final this text replaces. */
  finalIndex: number;
}

/** API v3: the utterance ended at `endMs` (the finals before it are its text). No text of its own. */
export interface EndOfUtteranceResult extends ResultBase {
  /** Discriminant: switch on it. */
  type: 'endOfUtterance';
  final: false;
  /** Always `true`: code written for v2 that checks `endOfUtterance` keeps working. */
  endOfUtterance: true;
}

/**
 * One result on the readable side, for both API versions; switch on `type`.
 *
 * - `partial`: interim text; later results replace it.
 * - `final`: fixed text, emitted exactly once, in audio order, numbered by `finalIndex`.
 * - `refinement` (v3): the normalized text of the final numbered `finalIndex`.
 * - `endOfUtterance` (v3): the utterance is over; v2 marks its last final `endOfUtterance: true`.
 * - `classifier`, `speakerAnalysis`, `conversationAnalysis`, `summarization` (v3, when asked for
 *   with `classifiers`, `speechAnalysis`, `summarization`): analysis of the speech, no text.
 *
 * Code written for API v2 (`r.final`, `r.text`, `r.endOfUtterance`) keeps its meaning: only finals
 * have `final: true`, and `endOfUtterance: true` still marks where an utterance ends.
 */
export type RecognitionResult =
  | PartialResult
  | FinalResult
  | RefinementResult
  | EndOfUtteranceResult
  | ClassifierResult
  | SpeakerAnalysisResult
  | ConversationAnalysisResult
  | SummarizationResult;

/** The `type` of a result. */
export type RecognitionResultType = RecognitionResult['type'];

/** Session details to quote to support, emitted as the `session` event when a session starts. */
export interface SessionInfo {
  /** 0-based index of the session. */
  session: number;
  /** `x-client-request-id` sent with the session. */
  clientRequestId: string;
  /** `x-request-id` returned by the service. */
  requestId?: string;
  /** `x-server-trace-id` returned by the service. */
  traceId?: string;
  /** Whole-stream position of the session's first audio sample, in ms. */
  baseOffsetMs: number;
}

/**
 * Payload of the `status` event (API v3): the service's periodic keep-alive (`WORKING`) and its
 * warnings. Not a result: it says nothing about the audio.
 */
export interface StatusEvent {
  /** 0-based index of the session the status came on. */
  session: number;
  /** `WORKING`, `WARNING` or `CLOSED` (or `CODE_TYPE_UNSPECIFIED`). */
  code: string;
  /** The service's message, with any known secret removed. */
  message: string;
}

/**
 * What an analysis result covers. `utterance`, `final`, `partial`: the audio between its
 * `startMs` and `endMs`, reported once for the whole stream (a session that hears that audio again
 * after a rollover or a recovery does not report it twice). `session`: all the audio one session
 * heard (`sessionAudio`), reported by each session once.
 */
export type AnalysisWindow = 'utterance' | 'final' | 'partial' | 'session';

/** A span of the whole-stream timeline, in ms. */
export interface AudioSpan {
  startMs: number;
  endMs: number;
}

/** Fields of every analysis result (API v3): no text, never final. */
interface AnalysisBase extends ResultBase {
  /** Always `''`: analysis has no text of its own. */
  text: '';
  /** Always empty. */
  alternatives: RecognitionAlternative[];
  final: false;
  endOfUtterance: false;
  window: AnalysisWindow;
}

/** Statistics of a series of values (per utterance, per second, …). */
export interface DescriptiveStatistics {
  min: number;
  max: number;
  mean: number;
  std: number;
  /** At the levels asked for in `speechAnalysis.quantiles`, lowest first. */
  quantiles: { level: number; value: number }[];
}

/** One label of a classifier with the service's confidence in it (0–1). */
export interface ClassifierLabel {
  label: string;
  confidence: number;
}

/**
 * API v3: what a classifier (option `classifiers`) found in an utterance, a final or a partial.
 * For answering-machine detection (`answerphone`), look for the label `answerphone`.
 */
export interface ClassifierResult extends AnalysisBase {
  /** Discriminant: switch on it. */
  type: 'classifier';
  /** The classifier's name, as asked for. */
  classifier: string;
  window: 'utterance' | 'final' | 'partial';
  labels: ClassifierLabel[];
  /** Phrases that made the classifier decide, with whole-stream times. */
  highlights: { text: string; startMs: number; endMs: number }[];
}

/**
 * API v3: one speaker's statistics (`speechAnalysis.speakerAnalysis`), for the last utterance
 * (`window: 'utterance'`, once per utterance of the stream) or for all one session heard
 * (`window: 'session'`, sent as the session ends; see `sessionAudio`).
 */
export interface SpeakerAnalysisResult extends AnalysisBase {
  /** Discriminant: switch on it. */
  type: 'speakerAnalysis';
  window: 'utterance' | 'session';
  /** Which speaker (the channel, or the speaker's label with `speakerLabeling`). */
  speakerTag: string;
  /** With `window: 'session'`: the whole-stream span of the audio the session heard. */
  sessionAudio?: AudioSpan;
  totalSpeechMs: number;
  speechRatio: number;
  totalSilenceMs: number;
  silenceRatio: number;
  wordsCount: number;
  lettersCount: number;
  wordsPerSecond: DescriptiveStatistics;
  lettersPerSecond: DescriptiveStatistics;
  wordsPerUtterance: DescriptiveStatistics;
  lettersPerUtterance: DescriptiveStatistics;
  utteranceCount: number;
  utteranceDurationMs: DescriptiveStatistics;
}

/** API v3: how often one speaker interrupted the others. */
export interface SpeakerInterrupts {
  speakerTag: string;
  count: number;
  durationMs: number;
  /** Whole-stream spans of the interrupts. */
  spans: AudioSpan[];
}

/**
 * API v3: statistics across speakers for all one session heard (`speechAnalysis.conversationAnalysis`),
 * sent as the session ends; `startMs`/`endMs` are the conversation's bounds on the whole-stream timeline.
 */
export interface ConversationAnalysisResult extends AnalysisBase {
  /** Discriminant: switch on it. */
  type: 'conversationAnalysis';
  window: 'session';
  /** The whole-stream span of the audio the session heard. */
  sessionAudio: AudioSpan;
  totalSimultaneousSilenceMs: number;
  simultaneousSilenceRatio: number;
  simultaneousSilenceDurationMs: DescriptiveStatistics;
  totalSimultaneousSpeechMs: number;
  simultaneousSpeechRatio: number;
  simultaneousSpeechDurationMs: DescriptiveStatistics;
  interrupts: SpeakerInterrupts[];
  totalSpeechMs: number;
  speechRatio: number;
}

/** API v3: the summarization model's answers about one session's text (option `summarization`). */
export interface SummarizationResult extends AnalysisBase {
  /** Discriminant: switch on it. */
  type: 'summarization';
  window: 'session';
  /** The whole-stream span of the audio the session heard. */
  sessionAudio: AudioSpan;
  /** One answer per property asked for, in the same order (JSON text for the JSON formats). */
  responses: string[];
  /** Tokens the model used. */
  usage: { inputTextTokens: number; completionTokens: number; totalTokens: number };
}
