import { describe, expect, it } from 'vitest';
import { beepPcm, dialledDigitsLayout, dialledDigitsPcm } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { ClassifierResult, RecognitionResult, SessionInfo, SpeakerAnalysisResult, SummarizationResult } from '../../src/results.js';
import { recognize, streamOptions, withEmulator } from '../helpers/emulator.js';
import { expectExactV3 } from '../helpers/v3-results.js';

const rate = 8000 as const;
const beep = (ms: number) => beepPcm(ms, { sampleRate: rate });
const quiet = (ms: number) => Buffer.alloc(((rate * ms) / 1000) * 2);
const of = <T extends RecognitionResult['type']>(results: RecognitionResult[], type: T) => results.filter((r): r is Extract<RecognitionResult, { type: T }> => r.type === type);

const ANALYSIS = {
  classifiers: [{ name: 'answerphone', triggers: ['onUtterance' as const] }],
  speechAnalysis: { speakerAnalysis: true, conversationAnalysis: true, quantiles: [0.5] },
  speakerLabeling: true,
  summarization: { modelUri: 'gpt://b1g/yandexgpt-lite/latest', properties: [{ instruction: 'Summarize' }, { instruction: 'As JSON', format: 'json' as const }] },
};

describe('API v3 analysis against the emulator, over gRPC', () => {
  it('every analysis kind comes back typed, on the stream timeline, after what it is about', async () => {
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, ...ANALYSIS }));
      const audio = Buffer.concat([dialledDigitsPcm(['12', '789'], { sampleRate: rate }), beep(800), quiet(1_000)]);
      const layout = dialledDigitsLayout(['12', '789'], { sampleRate: rate });
      const results = await recognize(stream, audio);
      expect(emulator.sessions[0]!.v3Options!.analysis).toMatchObject({ classifiers: [{ name: 'answerphone', triggers: ['ON_UTTERANCE'] }], speakerLabeling: true });
      const classified = of(results, 'classifier');
      expect(classified.map((c) => [c.window, c.startMs, c.endMs, c.labels[0]!.label, c.labels[0]!.confidence])).toEqual([
        ['utterance', layout.tones[0]!.startMs, layout.tones[1]!.endMs, 'answerphone', 0],
        ['utterance', layout.tones[2]!.startMs, layout.tones[4]!.endMs, 'answerphone', 0],
        ['utterance', layout.durationMs, layout.durationMs + 800, 'answerphone', 1],
      ]);
      // Each classification follows its utterance's end.
      const finals = of(results, 'final');
      for (const [i, c] of classified.entries()) expect(results.indexOf(c)).toBeGreaterThan(results.indexOf(finals[i]!));
      const speakers = of(results, 'speakerAnalysis');
      expect(speakers.filter((s) => s.window === 'utterance').map((s) => [s.speakerTag, s.wordsCount])).toEqual([['1', 2], ['2', 3], ['1', 1]]);
      const totals = speakers.filter((s) => s.window === 'session');
      expect(totals.map((s) => [s.speakerTag, s.utteranceCount, s.session])).toEqual([['1', 2, 0], ['2', 1, 0]]);
      expect(totals[0]!.sessionAudio!.startMs).toBe(0);
      expect(totals[0]!.sessionAudio!.endMs).toBeGreaterThanOrEqual(layout.durationMs + 1_800 - 10);
      expect(totals[0]!.wordsPerUtterance.quantiles).toEqual([{ level: 0.5, value: 1.5 }]);
      const [conversation] = of(results, 'conversationAnalysis');
      expect(conversation).toMatchObject({ window: 'session', session: 0, totalSimultaneousSpeechMs: 0, startMs: layout.tones[0]!.startMs, endMs: layout.durationMs + 800 });
      expect(conversation!.interrupts.map((i) => i.speakerTag)).toEqual(['1', '2']);
      const [summary] = of(results, 'summarization');
      expect(summary!.responses).toEqual(['3 utterances: 12 789 <speech>', '{"utterances":3,"transcript":"12 789 <speech>"}']);
      expect(summary!.usage.inputTextTokens).toBe(6);
      // Session statistics come after the session's last final.
      expect(results.indexOf(summary!)).toBeGreaterThan(results.indexOf(finals.at(-1)!));
    });
  });

  it('through rollovers: each utterance classified and analysed once, each session\'s totals once, on the whole-stream timeline', async () => {
    const limits = { maxAudioMs: 6_000, maxBytes: 10_000_000 };
    await withEmulator({ limits }, async (emulator) => {
      const utterances = Array.from({ length: 14 }, (_, i) => String(1 + (i % 9)).repeat(1 + (i % 3)));
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, pace: 50, sessionLimits: limits, ...ANALYSIS }));
      const sessions: SessionInfo[] = [];
      stream.on('session', (s: SessionInfo) => sessions.push(s));
      const audio = dialledDigitsPcm(utterances, { sampleRate: rate });
      const layout = dialledDigitsLayout(utterances, { sampleRate: rate });
      const results = await recognize(stream, audio);
      expect(emulator.sessions.length).toBeGreaterThanOrEqual(3);
      expectExactV3(results, utterances);
      // One classification and one utterance analysis per utterance, where the utterance is.
      const spans = utterances.map((_, u) => {
        const tones = layout.tones.filter((t) => t.utterance === u);
        return [tones[0]!.startMs, tones.at(-1)!.endMs];
      });
      const near = (got: (number | undefined)[], want: number[]) => got.every((ms, i) => ms !== undefined && Math.abs(ms - want[i]!) <= 20);
      const classified = of(results, 'classifier') as ClassifierResult[];
      expect(classified).toHaveLength(utterances.length);
      classified.forEach((c, i) => expect(near([c.startMs, c.endMs], spans[i]!)).toBe(true));
      const perUtterance = of(results, 'speakerAnalysis').filter((s) => s.window === 'utterance') as SpeakerAnalysisResult[];
      expect(perUtterance.map((s) => s.wordsCount)).toEqual(utterances.map((u) => u.length));
      // Every session that ended well sent its totals once, over the audio it heard.
      const summaries = of(results, 'summarization') as SummarizationResult[];
      expect(summaries.map((s) => s.session)).toEqual(emulator.sessions.filter((s) => s.status?.name === 'OK').map((s) => s.index));
      for (const s of summaries) {
        const info = sessions.find((i) => i.session === s.session)!;
        expect(s.sessionAudio.startMs).toBe(info.baseOffsetMs);
        expect(s.sessionAudio.endMs).toBeGreaterThan(s.sessionAudio.startMs);
      }
      const totals = of(results, 'speakerAnalysis').filter((s) => s.window === 'session');
      expect(new Set(totals.map((t) => `${t.session}:${t.speakerTag}`)).size).toBe(totals.length);
    });
  });
});

describe('stream.update() against the emulator', () => {
  it('the next session, opened at an end of utterance, has the new language and classifiers; every digit still exactly once', async () => {
    await withEmulator({}, async (emulator) => {
      // No start quota: the process-wide one is shared with earlier tests' sessions (an emulator can
      // get an earlier one's port), and an unpaced stream ends before a queued rollover's slot comes.
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, languageCode: 'ru-RU', startLimiter: false }));
      const results: RecognitionResult[] = [];
      const rollovers: { reason: string }[] = [];
      stream.on('rollover', (e: { reason: string }) => rollovers.push(e));
      const ended = new Promise<void>((resolve, reject) => {
        stream.on('data', (r: RecognitionResult) => results.push(r));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      const first = dialledDigitsPcm(['12', '34'], { sampleRate: rate });
      stream.write(first);
      while (!results.some((r) => r.type === 'endOfUtterance')) await new Promise((resolve) => setTimeout(resolve, 10));
      stream.update({ languageCode: 'en-US', classifiers: [{ name: 'answerphone', triggers: ['onUtterance'] }] });
      stream.end(Buffer.concat([dialledDigitsPcm(['56'], { sampleRate: rate }), beep(600), quiet(1_000)]));
      await ended;
      expect(rollovers.map((r) => r.reason)).toEqual(['update']);
      expect(emulator.sessions.map((s) => s.v3Options!.languageRestriction!.languageCodes)).toEqual([['ru-RU'], ['en-US']]);
      expect(emulator.sessions[1]!.v3Options!.analysis.classifiers).toEqual([{ name: 'answerphone', triggers: ['ON_UTTERANCE'] }]);
      expect(of(results, 'refinement').map((r) => r.text)).toEqual(['12', '34', '56', '<speech>']);
      const classified = of(results, 'classifier');
      expect(classified.every((c) => c.session === 1)).toBe(true);
      expect(classified.at(-1)!.labels).toEqual([{ label: 'answerphone', confidence: 1 }]);
    });
  });
});
