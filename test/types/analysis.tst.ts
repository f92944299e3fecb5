import { describe, expect, test } from 'tstyche';
import type {
  AnalysisWindow,
  AudioSpan,
  ClassifierOption,
  ClassifierResult,
  ConversationAnalysisResult,
  DescriptiveStatistics,
  RecognitionResult,
  RecognizeStream,
  RecognizeStreamOptions,
  SpeakerAnalysisResult,
  StreamUpdate,
  SummarizationFormat,
  SummarizationResult,
} from 'speechkit-stream';

declare const result: RecognitionResult;

describe('analysis results (API v3)', () => {
  test('narrow by `type` to their own fields', () => {
    if (result.type === 'classifier') {
      expect(result).type.toBe<ClassifierResult>();
      expect(result.classifier).type.toBe<string>();
      expect(result.labels).type.toBe<{ label: string; confidence: number }[]>();
      expect(result.window).type.toBe<'utterance' | 'final' | 'partial'>();
    }
    if (result.type === 'speakerAnalysis') {
      expect(result.window).type.toBe<'utterance' | 'session'>();
      expect(result.sessionAudio).type.toBe<AudioSpan | undefined>();
      expect(result.wordsPerSecond).type.toBe<DescriptiveStatistics>();
      expect(result.speakerTag).type.toBe<string>();
    }
    if (result.type === 'conversationAnalysis') {
      expect(result.window).type.toBe<'session'>();
      expect(result.sessionAudio).type.toBe<AudioSpan>();
    }
    if (result.type === 'summarization') {
      expect(result.responses).type.toBe<string[]>();
      expect(result.usage.totalTokens).type.toBe<number>();
    }
  });

  test('have no text and are never final', () => {
    expect<SpeakerAnalysisResult['text']>().type.toBe<''>();
    expect<ConversationAnalysisResult['final']>().type.toBe<false>();
    expect<SummarizationResult['type']>().type.toBe<'summarization'>();
    expect<AnalysisWindow>().type.toBe<'utterance' | 'final' | 'partial' | 'session'>();
  });
});

describe('analysis options', () => {
  test('are typed as documented', () => {
    expect<RecognizeStreamOptions['classifiers']>().type.toBe<ClassifierOption[] | undefined>();
    expect<ClassifierOption['triggers']>().type.toBe<('onUtterance' | 'onFinal' | 'onPartial')[]>();
    expect<SummarizationFormat>().type.toBe<'text' | 'json' | { jsonSchema: Record<string, unknown> }>();
    const options: RecognizeStreamOptions = { api: 'v3', auth: { apiKey: 'k' }, classifiers: [{ name: 'answerphone', triggers: ['onUtterance'] }] };
    expect(options.classifiers).type.toBe<ClassifierOption[] | undefined>();
    expect({ classifiers: [{ name: 'answerphone', triggers: ['sometimes'] }] }).type.not.toBeAssignableTo<RecognizeStreamOptions>();
    expect({ speechAnalysis: { speakerAnalysis: true, quantiles: [0.5] }, speakerLabeling: true, phoneFormatting: false }).type.toBeAssignableTo<Partial<RecognizeStreamOptions>>();
  });
});

declare const stream: RecognizeStream;

describe('stream.update()', () => {
  test('takes the settings that can change, typed as the options', () => {
    expect(stream.update).type.toBeCallableWith({ languageCode: 'en-US', eouClassifier: { type: 'default', sensitivity: 'high' } });
    expect(stream.update).type.toBeCallableWith({ classifiers: [{ name: 'answerphone', triggers: ['onUtterance'] }], speakerLabeling: true });
    expect(stream.update).type.not.toBeCallableWith({ sampleRateHertz: 16000 });
    expect(stream.update).type.not.toBeCallableWith({ languageCode: 7 });
    expect<Parameters<RecognizeStream['update']>[0]>().type.toBe<StreamUpdate>();
  });
});
