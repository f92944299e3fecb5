import { describe, expect, test } from 'tstyche';
import type {
  EndOfUtteranceResult,
  FinalResult,
  PartialResult,
  RecognitionAlternative,
  RecognitionResult,
  RecognitionResultType,
  RefinementResult,
  ClassifierResult,
  SpeakerAnalysisResult,
  ConversationAnalysisResult,
  SummarizationResult,
} from 'speechkit-stream';

declare const result: RecognitionResult;

describe('RecognitionResult', () => {
  test('narrows by `type`', () => {
    switch (result.type) {
      case 'partial':
        expect(result).type.toBe<PartialResult>();
        expect(result.final).type.toBe<false>();
        break;
      case 'final':
        expect(result).type.toBe<FinalResult>();
        expect(result.finalIndex).type.toBe<number>();
        expect(result.endOfUtterance).type.toBe<boolean>();
        break;
      case 'refinement':
        expect(result).type.toBe<RefinementResult>();
        expect(result.finalIndex).type.toBe<number>();
        break;
      case 'endOfUtterance':
        expect(result).type.toBe<EndOfUtteranceResult>();
        expect(result.endOfUtterance).type.toBe<true>();
        break;
      case 'classifier':
      case 'speakerAnalysis':
      case 'conversationAnalysis':
      case 'summarization':
        expect(result).type.toBe<ClassifierResult | SpeakerAnalysisResult | ConversationAnalysisResult | SummarizationResult>();
        break;
      default:
        expect(result).type.toBe<never>();
    }
  });

  test('narrows by `final`, as code written for v2 does', () => {
    if (result.final) expect(result).type.toBe<FinalResult>();
    else expect(result).type.toBe<PartialResult | RefinementResult | EndOfUtteranceResult | ClassifierResult | SpeakerAnalysisResult | ConversationAnalysisResult | SummarizationResult>();
  });

  test('`finalIndex` needs narrowing first', () => {
    expect(result.finalIndex).type.toRaiseError("Property 'finalIndex' does not exist");
  });

  test('has exactly eight kinds', () => {
    expect<RecognitionResultType>().type.toBe<'partial' | 'final' | 'refinement' | 'endOfUtterance' | 'classifier' | 'speakerAnalysis' | 'conversationAnalysis' | 'summarization'>();
  });

  test('common fields', () => {
    expect(result.text).type.toBe<string>();
    expect(result.session).type.toBe<number>();
    expect(result.startMs).type.toBe<number | undefined>();
    expect(result.alternatives).type.toBe<RecognitionAlternative[]>();
    expect<RecognitionAlternative['words'][number]['endMs']>().type.toBe<number>();
  });
});
