// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { RecognitionClassifier as _speechkit_stt_v3_RecognitionClassifier, RecognitionClassifier__Output as _speechkit_stt_v3_RecognitionClassifier__Output } from '../../../speechkit/stt/v3/RecognitionClassifier.js';

export interface RecognitionClassifierOptions {
  'classifiers'?: (_speechkit_stt_v3_RecognitionClassifier)[];
}

export interface RecognitionClassifierOptions__Output {
  'classifiers': (_speechkit_stt_v3_RecognitionClassifier__Output)[];
}
