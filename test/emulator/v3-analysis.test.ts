import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { beepPcm as beepOf, dialledDigitsLayout, dialledDigitsPcm, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { splitMs } from './helpers.js';
import { chunk, closeV3Clients, NORMALIZED, pcmOptions, runV3, type V3Response } from './v3-helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ statusEveryMs: 60_000 });
});
afterAll(async () => {
  closeV3Clients();
  await emu.close();
});
beforeEach(() => emu.reset());

const RATE = 8000 as const;
const beepPcm = (ms: number) => beepOf(ms, { sampleRate: RATE });
const chunks = (pcm: Buffer) => splitMs(pcm, RATE, 100).map(chunk);
const silencePcm = (ms: number) => Buffer.alloc(((RATE * ms) / 1000) * 2);
const only = (responses: V3Response[], event: V3Response['Event']) => responses.filter((r) => r.Event === event);

describe('v3 analysis stand-ins over gRPC', () => {
  it('answerphone: a long 1 kHz beep is labelled answerphone (confidence 1), dialled digits are not (0)', async () => {
    const pcm = Buffer.concat([dialledDigitsPcm(['12'], { sampleRate: RATE }), beepPcm(800), silencePcm(1000)]);
    const classifiers = { classifiers: [{ classifier: 'answerphone', triggers: ['ON_UTTERANCE' as const] }] };
    const out = await runV3(emu, pcmOptions(RATE, {}, { recognition_classifier: classifiers }), chunks(pcm));
    expect(out.status.code).toBe(0);
    const updates = only(out.responses, 'classifier_update').map((r) => r.classifier_update!);
    const layout = dialledDigitsLayout(['12'], { sampleRate: RATE });
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({
      window_type: 'LAST_UTTERANCE',
      start_time_ms: layout.tones[0]!.startMs,
      end_time_ms: layout.tones[1]!.endMs,
      classifier_result: { classifier: 'answerphone', labels: [{ label: 'answerphone', confidence: 0 }] },
    });
    // The beep starts where the digits' audio ends.
    expect(updates[1]).toMatchObject({ window_type: 'LAST_UTTERANCE', start_time_ms: layout.durationMs, end_time_ms: layout.durationMs + 800 });
    expect(updates[1]!.classifier_result!.labels).toEqual([{ label: 'answerphone', confidence: 1 }]);
    // Each follows its utterance's end.
    const order = out.responses.filter((r) => r.Event !== 'partial' && r.Event !== 'status_code').map((r) => r.Event);
    expect(order).toEqual(['final', 'eou_update', 'classifier_update', 'final', 'eou_update', 'classifier_update']);
    expect(emu.sessions[0]!.results.filter((r) => r.type === 'classifier')).toHaveLength(2);
  });

  it('a short beep (under 300 ms) is not an answerphone; ON_FINAL and ON_PARTIAL windows come as asked', async () => {
    const pcm = Buffer.concat([silencePcm(300), beepPcm(200), silencePcm(1000)]);
    const classifiers = { classifiers: [{ classifier: 'answerphone', triggers: ['ON_FINAL' as const, 'ON_PARTIAL' as const] }, { classifier: 'gender', triggers: ['ON_UTTERANCE' as const] }] };
    const digits = Buffer.concat([pcm, dialledDigitsPcm(['5'], { sampleRate: RATE, leadMs: 0 })]);
    const out = await runV3(emu, pcmOptions(RATE, {}, { recognition_classifier: classifiers }), chunks(digits));
    const updates = only(out.responses, 'classifier_update').map((r) => r.classifier_update!);
    const windows = updates.map((u) => `${u.classifier_result!.classifier}:${u.window_type}:${u.classifier_result!.labels[0]!.confidence}`);
    expect(windows.filter((w) => !w.includes('LAST_PARTIAL'))).toEqual(['answerphone:LAST_FINAL:0', 'gender:LAST_UTTERANCE:0', 'answerphone:LAST_FINAL:0', 'gender:LAST_UTTERANCE:0']);
    expect(windows.filter((w) => w.includes('LAST_PARTIAL')).length).toBeGreaterThan(0);
  });

  it('speaker analysis per utterance and per session, with labeling by tone register and quantiles', async () => {
    const utterances = ['123', '789', '45'];
    const pcm = dialledDigitsPcm(utterances, { sampleRate: RATE });
    const layout = dialledDigitsLayout(utterances, { sampleRate: RATE });
    const speech_analysis = { enable_speaker_analysis: true, enable_conversation_analysis: true, descriptive_statistics_quantiles: [0.5, 0.9] };
    const out = await runV3(emu, pcmOptions(RATE, {}, { speech_analysis, speaker_labeling: { speaker_labeling: 'SPEAKER_LABELING_ENABLED' } }), chunks(pcm));
    expect(out.status.code).toBe(0);
    const analyses = only(out.responses, 'speaker_analysis').map((r) => r.speaker_analysis!);
    const perUtterance = analyses.filter((a) => a.window_type === 'LAST_UTTERANCE');
    expect(perUtterance.map((a) => [a.speaker_tag, a.words_count, a.letters_count, a.utterance_count])).toEqual([
      ['1', 3, 3 + 3 + 5, 1], // one two three
      ['2', 3, 5 + 5 + 4, 1], // seven eight nine
      ['1', 2, 4 + 4, 1], // four five
    ]);
    const first = perUtterance[0]!;
    const span = { start: layout.tones[0]!.startMs, end: layout.tones[2]!.endMs };
    expect(first.speech_boundaries).toEqual({ start_time_ms: span.start, end_time_ms: span.end });
    // Tones of 100 ms with 100 ms gaps: 300 ms of sound in a 500 ms utterance.
    expect(first).toMatchObject({ total_speech_ms: 300, total_silence_ms: 200, speech_ratio: 0.6, silence_ratio: 0.4 });
    expect(first.words_per_second).toMatchObject({ min: 6, max: 6, mean: 6, std: 0, quantiles: [{ level: 0.5, value: 6 }, { level: 0.9, value: 6 }] });
    const totals = analyses.filter((a) => a.window_type === 'TOTAL');
    expect(totals.map((a) => [a.speaker_tag, a.utterance_count, a.words_count])).toEqual([['1', 2, 5], ['2', 1, 3]]);
    // Speaker 1: utterances of 3 and 2 digits (500 and 300 ms): words per utterance 2 and 3.
    expect(totals[0]!.words_per_utterance).toEqual({ min: 2, max: 3, mean: 2.5, std: 0.5, quantiles: [{ level: 0.5, value: 2.5 }, { level: 0.9, value: 2.9 }] });
    expect(totals[0]!.total_speech_ms).toBe(500);
    const conversation = only(out.responses, 'conversation_analysis')[0]!.conversation_analysis!;
    expect(conversation.total_speech_duration_ms).toBe(800);
    expect(conversation.total_simultaneous_speech_duration_ms).toBe(0);
    expect(conversation.conversation_boundaries).toEqual({ start_time_ms: layout.tones[0]!.startMs, end_time_ms: layout.tones.at(-1)!.endMs });
    expect(conversation.total_simultaneous_silence_duration_ms).toBe(layout.durationMs - 800);
    expect(conversation.speaker_interrupts.map((i) => i.speaker_tag)).toEqual(['1', '2']);
    // Session statistics come last, after the last utterance's.
    const tail = out.responses.filter((r) => r.Event !== 'status_code').slice(-3).map((r) => r.Event);
    expect(tail).toEqual(['speaker_analysis', 'speaker_analysis', 'conversation_analysis']);
  });

  it('the silence threshold: pauses shorter than it count as speech', async () => {
    const speech_analysis = { enable_speaker_analysis: true, speaker_options: { silence_threshold_ms: 150 } };
    const out = await runV3(emu, pcmOptions(RATE, {}, { speech_analysis }), chunks(dialledDigitsPcm(['123'], { sampleRate: RATE })));
    const utterance = only(out.responses, 'speaker_analysis').map((r) => r.speaker_analysis!).find((a) => a.window_type === 'LAST_UTTERANCE')!;
    expect(utterance).toMatchObject({ speaker_tag: '0', total_speech_ms: 500, total_silence_ms: 0 });
  });

  it('summarization: a fixed shape per property (text, JSON object, JSON schema)', async () => {
    const schema = { fields: { type: { stringValue: 'object' }, properties: { structValue: { fields: { digits: { structValue: { fields: { type: { stringValue: 'string' } } } }, count: { structValue: { fields: { type: { stringValue: 'integer' } } } }, other: { structValue: { fields: {} } } } } } } };
    const summarization = {
      model_uri: 'gpt://b1g/yandexgpt-lite/latest',
      properties: [{ instruction: 'Summarize' }, { instruction: 'As JSON', json_object: true }, { instruction: 'By schema', json_schema: { schema } }],
    };
    const out = await runV3(emu, pcmOptions(RATE, NORMALIZED, { summarization }), chunks(dialledDigitsPcm(['12', '3'], { sampleRate: RATE })));
    expect(out.status.code).toBe(0);
    const s = only(out.responses, 'summarization')[0]!.summarization!;
    expect(s.results.map((r) => r.response)).toEqual(['2 utterances: 12 3', '{"utterances":2,"transcript":"12 3"}', '{"digits":"12 3","count":2,"other":null}']);
    expect(s.content_usage).toEqual({ input_text_tokens: 3, completion_tokens: 4 + 2 + 2, total_tokens: 11 });
    expect(out.responses.filter((r) => r.Event !== 'status_code').at(-1)!.Event).toBe('summarization');
  });

  const refused = async (more: object) => {
    const out = await runV3(emu, { ...pcmOptions(RATE), ...more }, []);
    return { code: out.status.code, details: out.status.details };
  };
  it.each([
    ['an unknown classifier', { recognition_classifier: { classifiers: [{ classifier: 'mood', triggers: ['ON_UTTERANCE'] }] } }, /classifiers\[0\]\.classifier: 'mood'/],
    ['a classifier without triggers', { recognition_classifier: { classifiers: [{ classifier: 'answerphone' }] } }, /classifiers\[0\]\.triggers/],
    ['a classifier twice', { recognition_classifier: { classifiers: [{ classifier: 'answerphone', triggers: ['ON_FINAL'] }, { classifier: 'answerphone', triggers: ['ON_UTTERANCE'] }] } }, /twice/],
    ['a quantile of 1', { speech_analysis: { enable_speaker_analysis: true, descriptive_statistics_quantiles: [1] } }, /descriptive_statistics_quantiles/],
    ['speaker options without speaker analysis', { speech_analysis: { enable_conversation_analysis: true, speaker_options: { silence_threshold_ms: 100 } } }, /speaker_options/],
    ['a negative threshold', { speech_analysis: { enable_conversation_analysis: true, converstation_options: { simultaneous_speech_threshold_ms: -1 } } }, /simultaneous_speech_threshold_ms/],
    ['summarization without a model', { summarization: { properties: [{ instruction: 'x' }] } }, /model_uri/],
    ['summarization without properties', { summarization: { model_uri: 'gpt://b1g/m' } }, /properties/],
    ['an empty instruction', { summarization: { model_uri: 'gpt://b1g/m', properties: [{ instruction: ' ' }] } }, /instruction/],
  ])('refuses %s with INVALID_ARGUMENT naming the field', async (_name, more, details) => {
    const out = await refused(more);
    expect(out.code).toBe(3);
    expect(out.details).toMatch(details);
  });
});
