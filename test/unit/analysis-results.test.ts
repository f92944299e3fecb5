import { describe, expect, it } from 'vitest';
import { v3ResponseMapper } from '../../src/api/v3.js';
import type { ClassifierResult, RecognitionResult } from '../../src/results.js';
import { ResultGate } from '../../src/session/result-gate.js';
import { messageType } from '../../src/transport/proto.js';
import { flushMicrotasks, fakeStream, runClock } from '../helpers/fake-transport.js';

const response = messageType('v3', 'speechkit.stt.v3.StreamingResponse');
const answerphone = Buffer.from('answerphone').toString('hex');
/** Hand-encoded responses (field numbers and wire types from the proto). */
const GOLDEN = {
  // 52 classifier_update { 0801 LAST_UTTERANCE, 1064 start 100, 188407 end 900,
  //   22 classifier_result { 0a "answerphone", 1a labels { 0a "answerphone", 11 confidence 1.0 (double) } } }, 4a01 "0" channel_tag
  classifier: `522e0801106418840722250a0b${answerphone}1a160a0b${answerphone}11000000000000f03f4a0130`,
  // 12 audio_cursors { 08 received 500 }, 5a speaker_analysis { 0a "1", 1001 TOTAL, 1a boundaries {100, 200}, 2064 speech 100, 7001 utterances 1 }
  speaker: '120308f4035a100a013110011a05086410c80120647001',
  // 6a summarization { 0a results { 0a "ok" }, 12 content_usage { 1, 2, 3 } }
  summarization: '6a0e0a040a026f6b1206080110021803',
};
const zero = { min: 0, max: 0, mean: 0, std: 0, quantiles: [] };
const map = (golden: string) => v3ResponseMapper(2, (ms) => ms + 10_000)(response.deserialize(Buffer.from(golden, 'hex'))).results;

describe('v3 analysis responses as typed results on the whole-stream timeline', () => {
  it('a classifier update', () => {
    expect(map(GOLDEN.classifier)).toEqual([
      {
        type: 'classifier', text: '', alternatives: [], final: false, endOfUtterance: false, session: 2, channelTag: '0',
        window: 'utterance', startMs: 10_100, endMs: 10_900, classifier: 'answerphone',
        labels: [{ label: 'answerphone', confidence: 1 }], highlights: [],
      },
    ]);
  });

  it('a speaker analysis of a whole session says the session and its audio span', () => {
    expect(map(GOLDEN.speaker)).toEqual([
      {
        type: 'speakerAnalysis', text: '', alternatives: [], final: false, endOfUtterance: false, session: 2, channelTag: '0',
        window: 'session', startMs: 10_100, endMs: 10_200, sessionAudio: { startMs: 10_000, endMs: 10_500 }, speakerTag: '1',
        totalSpeechMs: 100, speechRatio: 0, totalSilenceMs: 0, silenceRatio: 0, wordsCount: 0, lettersCount: 0,
        wordsPerSecond: zero, lettersPerSecond: zero, wordsPerUtterance: zero, lettersPerUtterance: zero, utteranceCount: 1, utteranceDurationMs: zero,
      },
    ]);
  });

  it('a summarization', () => {
    expect(map(GOLDEN.summarization)).toEqual([
      {
        type: 'summarization', text: '', alternatives: [], final: false, endOfUtterance: false, session: 2, channelTag: '0',
        window: 'session', startMs: 10_000, endMs: 10_000, sessionAudio: { startMs: 10_000, endMs: 10_000 },
        responses: ['ok'], usage: { inputTextTokens: 1, completionTokens: 2, totalTokens: 3 },
      },
    ]);
  });

  it('a conversation analysis, with interrupts and quantiles', () => {
    const message = response.serialize({
      audio_cursors: { received_data_ms: 4_000 },
      channel_tag: '0',
      conversation_analysis: {
        conversation_boundaries: { start_time_ms: 300, end_time_ms: 3_000 },
        total_simultaneous_silence_duration_ms: 1_000,
        total_simultaneous_silence_ratio: 0.25,
        simultaneous_silence_duration_estimation: { min: 100, max: 900, mean: 500, std: 400, quantiles: [{ level: 0.5, value: 500 }] },
        total_simultaneous_speech_duration_ms: 200,
        total_simultaneous_speech_ratio: 0.05,
        speaker_interrupts: [{ speaker_tag: '2', interrupts_count: 1, interrupts_duration_ms: 200, interrupts: [{ start_time_ms: 1_000, end_time_ms: 1_200 }] }],
        total_speech_duration_ms: 2_000,
        total_speech_ratio: 0.5,
      },
    });
    expect(v3ResponseMapper(1, (ms) => ms + 5_000)(response.deserialize(message)).results).toEqual([
      {
        type: 'conversationAnalysis', text: '', alternatives: [], final: false, endOfUtterance: false, session: 1, channelTag: '0',
        window: 'session', startMs: 5_300, endMs: 8_000, sessionAudio: { startMs: 5_000, endMs: 9_000 },
        totalSimultaneousSilenceMs: 1_000, simultaneousSilenceRatio: 0.25,
        simultaneousSilenceDurationMs: { min: 100, max: 900, mean: 500, std: 400, quantiles: [{ level: 0.5, value: 500 }] },
        totalSimultaneousSpeechMs: 200, simultaneousSpeechRatio: 0.05, simultaneousSpeechDurationMs: zero,
        interrupts: [{ speakerTag: '2', count: 1, durationMs: 200, spans: [{ startMs: 6_000, endMs: 6_200 }] }],
        totalSpeechMs: 2_000, speechRatio: 0.5,
      },
    ]);
  });
});

const final = (session: number, startMs: number, endMs: number, finalIndex = 0): RecognitionResult => ({
  type: 'final', text: 'a', final: true, endOfUtterance: false, finalIndex, alternatives: [], session, channelTag: '0', startMs, endMs,
});
const classified = (session: number, startMs: number, endMs: number, window: ClassifierResult['window'] = 'utterance'): ClassifierResult => ({
  type: 'classifier', text: '', alternatives: [], final: false, endOfUtterance: false, session, channelTag: '0', window, startMs, endMs,
  classifier: 'answerphone', labels: [{ label: 'answerphone', confidence: 1 }], highlights: [],
});
const kinds = (results: RecognitionResult[]) => results.map((r) => `${r.type}@${r.session}`);

describe('the result gate emits analysis of a stretch of audio once', () => {
  it('a rollover whose replay re-covers a classified utterance: the new session\'s classification of it is a repeat', () => {
    const gate = new ResultGate();
    gate.open(0);
    expect(kinds(gate.accept(0, [final(0, 1_000, 2_000), classified(0, 1_000, 2_000)]))).toEqual(['final@0', 'classifier@0']);
    gate.replace(0, undefined);
    gate.open(1);
    gate.end(0);
    // The replay starts before the utterance (its confirmation lagged): the service classifies it again, timed 10 ms later.
    expect(kinds(gate.accept(1, [final(1, 1_000, 2_010), classified(1, 1_000, 2_010)]))).toEqual([]);
    // The next utterance is news.
    expect(kinds(gate.accept(1, [final(1, 2_500, 3_000, 1), classified(1, 2_500, 3_000)]))).toEqual(['final@1', 'classifier@1']);
  });

  it('a replaced session\'s classification of audio past its reported finals goes: the next session hears it again', () => {
    const gate = new ResultGate();
    gate.open(0);
    gate.accept(0, [final(0, 1_000, 2_000)]);
    gate.replace(0, undefined);
    gate.open(1);
    // Old session: a late classification of the utterance it finalized (kept, though its window
    // reaches into the pause after the final), and one of audio the replay covers (dropped).
    expect(kinds(gate.accept(0, [classified(0, 1_000, 2_300), final(0, 2_500, 3_000, 1), classified(0, 2_500, 3_000), classified(0, 2_500, 2_800, 'partial')]))).toEqual(['classifier@0']);
    gate.end(0);
    expect(kinds(gate.accept(1, [final(1, 2_500, 3_000), classified(1, 2_500, 3_000)]))).toEqual(['final@1', 'classifier@1']);
  });

  it('windows of different classifiers or kinds do not stand for each other; session statistics pass for every session', () => {
    const gate = new ResultGate();
    gate.open(0);
    const other = { ...classified(0, 1_000, 2_000), classifier: 'insult' };
    const session = { ...classified(0, 0, 2_000), type: 'summarization' as const, window: 'session' as const, responses: [], usage: { inputTextTokens: 0, completionTokens: 0, totalTokens: 0 }, sessionAudio: { startMs: 0, endMs: 2_000 } };
    expect(kinds(gate.accept(0, [final(0, 1_000, 2_000), classified(0, 1_000, 2_000), other, classified(0, 1_000, 2_000, 'final')]))).toEqual(['final@0', 'classifier@0', 'classifier@0', 'classifier@0']);
    gate.replace(0, undefined);
    gate.open(1);
    expect(kinds(gate.accept(0, [session]))).toEqual(['summarization@0']);
    gate.end(0);
    expect(kinds(gate.accept(1, [{ ...session, session: 1 }]))).toEqual(['summarization@1']);
  });
});

describe('a stream recovering from a failure emits the classification of a replayed utterance once', () => {
  const rate = 8000;
  const loud = (ms: number) => Buffer.alloc((rate * 2 * ms) / 1000, 0x11);
  const alt = (startMs: number, endMs: number) => ({ alternatives: [{ text: 'a', start_time_ms: startMs, end_time_ms: endMs, words: [{ text: 'a', start_time_ms: startMs, end_time_ms: endMs }] }] });
  const cursors = (finalTimeMs: number, finalIndex: number) => ({ audio_cursors: { final_time_ms: finalTimeMs, final_index: finalIndex, received_data_ms: finalTimeMs } });
  const classifier = (startMs: number, endMs: number) => ({
    Event: 'classifier_update',
    classifier_update: { window_type: 'LAST_UTTERANCE', start_time_ms: startMs, end_time_ms: endMs, classifier_result: { classifier: 'answerphone', labels: [{ label: 'answerphone', confidence: 1 }], highlights: [] } },
    ...cursors(1_600, 1),
  });

  it('the failed session classified it before its end of utterance; the new session hears and classifies it again', async () => {
    const { clock, transport, stream, results } = fakeStream({
      api: 'v3', sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, textNormalization: false,
      classifiers: [{ name: 'answerphone', triggers: ['onUtterance'] }], retry: { minDelayMs: 10, maxDelayMs: 10 },
    });
    stream.write(loud(3_000));
    await runClock(clock, 20);
    const first = transport.calls[0]!;
    expect((first.writes[0]!.message as any).session_options.recognition_classifier).toEqual({ classifiers: [{ classifier: 'answerphone', triggers: ['ON_UTTERANCE'] }] });
    first.respond({ Event: 'final', final: alt(500, 1_000), ...cursors(1_600, 0) });
    first.respond(classifier(500, 1_000));
    await flushMicrotasks();
    first.finish({ code: 14, details: 'unavailable' });
    await runClock(clock, 50);
    const second = transport.calls[1]!;
    second.respond({ Event: 'final', final: alt(500, 1_000), ...cursors(1_600, 0) });
    second.respond(classifier(500, 1_000));
    second.respond({ Event: 'eou_update', eou_update: { time_ms: 1_600 }, ...cursors(1_600, 1) });
    await flushMicrotasks();
    expect(results.map((r) => `${r.type}@${r.session}`)).toEqual(['final@0', 'classifier@0', 'endOfUtterance@1']);
    expect(results[1]).toMatchObject({ type: 'classifier', window: 'utterance', startMs: 500, endMs: 1_000, labels: [{ label: 'answerphone', confidence: 1 }] });
  });
});
