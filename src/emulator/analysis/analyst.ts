import type { StreamingResponse } from '../../generated/speechkit/stt/v3/StreamingResponse.js';
import type { SpeakerAnalysis } from '../../generated/speechkit/stt/v3/SpeakerAnalysis.js';
import type { Struct__Output } from '../../generated/google/protobuf/Struct.js';
import type { RecognizedToken } from '../recognition/recognizer.js';
import { tokenWord, transcript } from '../recognition/transcript.js';
import type { V3AnalysisOptions } from '../v3/analysis-config.js';
import { ActivityTracker, type Span } from './activity.js';
import { describe } from './statistics.js';

/**
 * The emulator's deterministic stand-ins for API v3's analysis, so that clients can test it
 * offline. Everything follows from the audio (the recognizer's tokens and `ActivityTracker`):
 *
 * - Classifiers, after each utterance's `eou_update` (ON_UTTERANCE: window LAST_UTTERANCE;
 *   ON_FINAL: LAST_FINAL; an utterance has one final) and with each partial (ON_PARTIAL:
 *   LAST_PARTIAL). One label named as the classifier: `answerphone` has confidence 1 when a beep
 *   (≥ 300 ms of 1,000 Hz) sounds in the window, else 0; every other classifier says 0.
 * - Speaker labeling: an utterance whose DTMF digits are mostly of the low register (keypad rows
 *   1–2: 1 2 3 A 4 5 6 B) is speaker `1`, mostly high (rows 3–4: 7 8 9 C * 0 # D) speaker `2`;
 *   ties and speech without digits are speaker `1`. Without labeling the speaker is the channel, `0`.
 * - Speaker analysis: per utterance (LAST_UTTERANCE, after the classifiers) and, as the session
 *   ends, per speaker for the whole session (TOTAL). Silence is the pauses (10 ms blocks below the
 *   silence level) of at least `silence_threshold_ms`; speech is the rest of the speaker's
 *   utterances. Words are the digits (raw words: "one"), letters their letters.
 * - Conversation analysis, as the session ends: pauses of at least
 *   `simultaneous_silence_threshold_ms` are simultaneous silence; mono audio has no overlap, so
 *   simultaneous speech and interrupts are 0 (one entry per speaker).
 * - Summarization, as the session ends, one answer per property: `text` → "<n> utterances:
 *   <normalized text>"; `json_object` → `{"utterances":n,"transcript":"…"}`; `json_schema` → an
 *   object with each of the schema's top-level `properties`: strings get the transcript, numbers
 *   and integers n, booleans n > 0, anything else null. Tokens: input = words, completion = the
 *   answers' space-separated pieces.
 */

type Event = Pick<StreamingResponse, 'classifier_update' | 'speaker_analysis' | 'conversation_analysis' | 'summarization'>;

interface Utterance extends Span {
  tokens: RecognizedToken[];
  speaker: string;
}

const LOW_REGISTER = new Set(['1', '2', '3', 'A', '4', '5', '6', 'B']);
const HIGH_REGISTER = new Set(['7', '8', '9', 'C', '*', '0', '#', 'D']);

export class Analyst {
  readonly #options: V3AnalysisOptions;
  readonly #channel: string;
  readonly activity: ActivityTracker;
  readonly #utterances: Utterance[] = [];

  constructor(options: V3AnalysisOptions, sampleRate: number, channel: string) {
    this.#options = options;
    this.#channel = channel;
    this.activity = new ActivityTracker(sampleRate);
  }

  /** Classifier results for a partial. */
  partial(tokens: RecognizedToken[]): Event[] {
    if (tokens.length === 0) return [];
    return this.#classify(spanOf(tokens), 'ON_PARTIAL', 'LAST_PARTIAL');
  }

  /** What follows an utterance's final and end: classifiers, then the utterance's speaker analysis. */
  utterance(tokens: RecognizedToken[]): Event[] {
    const span = spanOf(tokens);
    const utterance: Utterance = { ...span, tokens, speaker: this.#speakerOf(tokens) };
    this.#utterances.push(utterance);
    const out = [...this.#classify(span, 'ON_FINAL', 'LAST_FINAL'), ...this.#classify(span, 'ON_UTTERANCE', 'LAST_UTTERANCE')];
    if (this.#options.speakerAnalysis) out.push({ speaker_analysis: this.#speaker(utterance.speaker, [utterance], span, 'LAST_UTTERANCE') });
    return out;
  }

  /** What the session says about all it heard, as it ends (`audioMs`: the audio it received). */
  sessionEnd(audioMs: number): Event[] {
    this.activity.flush();
    const session = { startMs: 0, endMs: audioMs };
    const out: Event[] = [];
    const speakers = [...new Set(this.#utterances.map((u) => u.speaker))].sort();
    if (this.#options.speakerAnalysis) {
      for (const speaker of speakers.length > 0 ? speakers : [this.#defaultSpeaker()]) {
        out.push({ speaker_analysis: this.#speaker(speaker, this.#utterances.filter((u) => u.speaker === speaker), session, 'TOTAL') });
      }
    }
    if (this.#options.conversationAnalysis) out.push({ conversation_analysis: this.#conversation(session, speakers) });
    if (this.#options.summarization) out.push({ summarization: this.#summarize() });
    return out;
  }

  #defaultSpeaker(): string {
    return this.#options.speakerLabeling ? '1' : this.#channel;
  }

  #speakerOf(tokens: RecognizedToken[]): string {
    if (!this.#options.speakerLabeling) return this.#channel;
    const low = tokens.filter((t) => LOW_REGISTER.has(t.text)).length;
    const high = tokens.filter((t) => HIGH_REGISTER.has(t.text)).length;
    return high > low ? '2' : '1';
  }

  #classify(span: Span, trigger: 'ON_UTTERANCE' | 'ON_FINAL' | 'ON_PARTIAL', window: 'LAST_UTTERANCE' | 'LAST_FINAL' | 'LAST_PARTIAL'): Event[] {
    return this.#options.classifiers
      .filter((c) => c.triggers.includes(trigger))
      .map((c) => {
        const beep = c.name === 'answerphone' ? this.activity.beepWithin(span) : 0;
        return {
          classifier_update: {
            window_type: window,
            start_time_ms: Math.round(span.startMs),
            end_time_ms: Math.round(span.endMs),
            classifier_result: { classifier: c.name, highlights: [], labels: [{ label: c.name, confidence: beep > 0 ? 1 : 0 }] },
          },
        };
      });
  }

  /** Pauses in `span` long enough to count as silence. */
  #silenceWithin(span: Span, thresholdMs: number): number {
    return this.activity.pausesWithin(span).reduce((ms, p) => (p.endMs - p.startMs >= thresholdMs ? ms + p.endMs - p.startMs : ms), 0);
  }

  #speaker(speaker: string, utterances: Utterance[], window: Span, type: 'TOTAL' | 'LAST_UTTERANCE'): SpeakerAnalysis {
    const threshold = this.#options.silenceThresholdMs;
    const levels = this.#options.quantiles;
    const speech = utterances.map((u) => u.endMs - u.startMs - this.#silenceWithin(u, threshold));
    const totalSpeech = speech.reduce((a, b) => a + b, 0);
    const windowMs = Math.max(0, window.endMs - window.startMs);
    const words = utterances.map((u) => u.tokens.length);
    const letters = utterances.map((u) => u.tokens.reduce((n, t) => n + lettersOf(tokenWord(t.text, true)), 0));
    const seconds = utterances.map((u) => Math.max(1e-3, (u.endMs - u.startMs) / 1000));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      speaker_tag: speaker,
      window_type: type,
      speech_boundaries: utterances.length > 0 ? { start_time_ms: Math.round(utterances[0]!.startMs), end_time_ms: Math.round(utterances.at(-1)!.endMs) } : { start_time_ms: 0, end_time_ms: 0 },
      total_speech_ms: Math.round(totalSpeech),
      speech_ratio: windowMs > 0 ? totalSpeech / windowMs : 0,
      total_silence_ms: Math.round(windowMs - totalSpeech),
      silence_ratio: windowMs > 0 ? (windowMs - totalSpeech) / windowMs : 0,
      words_count: sum(words),
      letters_count: sum(letters),
      words_per_second: describe(words.map((w, i) => w / seconds[i]!), levels),
      letters_per_second: describe(letters.map((l, i) => l / seconds[i]!), levels),
      words_per_utterance: describe(words, levels),
      letters_per_utterance: describe(letters, levels),
      utterance_count: utterances.length,
      utterance_duration_estimation: describe(utterances.map((u) => u.endMs - u.startMs), levels),
    };
  }

  #conversation(session: Span, speakers: string[]): NonNullable<Event['conversation_analysis']> {
    const levels = this.#options.quantiles;
    const pauses = this.activity.pausesWithin(session).map((p) => p.endMs - p.startMs).filter((ms) => ms >= this.#options.simultaneousSilenceThresholdMs);
    const silence = pauses.reduce((a, b) => a + b, 0);
    const speech = this.activity.speechWithin(session);
    const total = session.endMs - session.startMs;
    const runs = this.activity.speech;
    return {
      conversation_boundaries: runs.length > 0 ? { start_time_ms: Math.round(runs[0]!.startMs), end_time_ms: Math.round(runs.at(-1)!.endMs) } : { start_time_ms: 0, end_time_ms: 0 },
      total_simultaneous_silence_duration_ms: Math.round(silence),
      total_simultaneous_silence_ratio: total > 0 ? silence / total : 0,
      simultaneous_silence_duration_estimation: describe(pauses, levels),
      total_simultaneous_speech_duration_ms: 0,
      total_simultaneous_speech_ratio: 0,
      simultaneous_speech_duration_estimation: describe([], levels),
      speaker_interrupts: (speakers.length > 0 ? speakers : [this.#defaultSpeaker()]).map((speaker_tag) => ({ speaker_tag, interrupts_count: 0, interrupts_duration_ms: 0, interrupts: [] })),
      total_speech_duration_ms: Math.round(speech),
      total_speech_ratio: total > 0 ? speech / total : 0,
    };
  }

  #summarize(): NonNullable<Event['summarization']> {
    const n = this.#utterances.length;
    const text = this.#utterances.map((u) => transcript(u.tokens.map((t) => t.text), false)).join(' ');
    const responses = this.#options.summarization!.properties.map((p) => {
      if (p.format === 'text') return `${n} utterances: ${text}`;
      if (p.format === 'json') return JSON.stringify({ utterances: n, transcript: text });
      return JSON.stringify(fillSchema(p.format.schema, n, text));
    });
    const words = this.#utterances.reduce((sum, u) => sum + u.tokens.length, 0);
    const completion = responses.reduce((sum, r) => sum + r.split(/\s+/).filter(Boolean).length, 0);
    return {
      results: responses.map((response) => ({ response })),
      content_usage: { input_text_tokens: words, completion_tokens: completion, total_tokens: words + completion },
    };
  }
}

function spanOf(tokens: RecognizedToken[]): Span {
  return { startMs: tokens[0]?.startMs ?? 0, endMs: tokens.at(-1)?.endMs ?? 0 };
}

function lettersOf(word: string): number {
  return word.replace(/[^\p{L}\p{N}]/gu, '').length;
}

function fillSchema(schema: Struct__Output, n: number, text: string): Record<string, unknown> {
  const properties = schema.fields?.properties?.structValue?.fields ?? {};
  return Object.fromEntries(
    Object.entries(properties).map(([key, value]) => {
      const type = value.structValue?.fields?.type?.stringValue;
      return [key, type === 'string' ? text : type === 'number' || type === 'integer' ? n : type === 'boolean' ? n > 0 : null];
    }),
  );
}
