// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { RecognitionModelOptions as _speechkit_stt_v3_RecognitionModelOptions, RecognitionModelOptions__Output as _speechkit_stt_v3_RecognitionModelOptions__Output } from '../../../speechkit/stt/v3/RecognitionModelOptions.js';
import type { EouClassifierOptions as _speechkit_stt_v3_EouClassifierOptions, EouClassifierOptions__Output as _speechkit_stt_v3_EouClassifierOptions__Output } from '../../../speechkit/stt/v3/EouClassifierOptions.js';
import type { RecognitionClassifierOptions as _speechkit_stt_v3_RecognitionClassifierOptions, RecognitionClassifierOptions__Output as _speechkit_stt_v3_RecognitionClassifierOptions__Output } from '../../../speechkit/stt/v3/RecognitionClassifierOptions.js';
import type { SpeechAnalysisOptions as _speechkit_stt_v3_SpeechAnalysisOptions, SpeechAnalysisOptions__Output as _speechkit_stt_v3_SpeechAnalysisOptions__Output } from '../../../speechkit/stt/v3/SpeechAnalysisOptions.js';
import type { SpeakerLabelingOptions as _speechkit_stt_v3_SpeakerLabelingOptions, SpeakerLabelingOptions__Output as _speechkit_stt_v3_SpeakerLabelingOptions__Output } from '../../../speechkit/stt/v3/SpeakerLabelingOptions.js';
import type { SummarizationOptions as _speechkit_stt_v3_SummarizationOptions, SummarizationOptions__Output as _speechkit_stt_v3_SummarizationOptions__Output } from '../../../speechkit/stt/v3/SummarizationOptions.js';

export interface StreamingOptions {
  'recognition_model'?: (_speechkit_stt_v3_RecognitionModelOptions | null);
  'eou_classifier'?: (_speechkit_stt_v3_EouClassifierOptions | null);
  'recognition_classifier'?: (_speechkit_stt_v3_RecognitionClassifierOptions | null);
  'speech_analysis'?: (_speechkit_stt_v3_SpeechAnalysisOptions | null);
  'speaker_labeling'?: (_speechkit_stt_v3_SpeakerLabelingOptions | null);
  'summarization'?: (_speechkit_stt_v3_SummarizationOptions | null);
}

export interface StreamingOptions__Output {
  'recognition_model': (_speechkit_stt_v3_RecognitionModelOptions__Output | null);
  'eou_classifier': (_speechkit_stt_v3_EouClassifierOptions__Output | null);
  'recognition_classifier': (_speechkit_stt_v3_RecognitionClassifierOptions__Output | null);
  'speech_analysis': (_speechkit_stt_v3_SpeechAnalysisOptions__Output | null);
  'speaker_labeling': (_speechkit_stt_v3_SpeakerLabelingOptions__Output | null);
  'summarization': (_speechkit_stt_v3_SummarizationOptions__Output | null);
}
