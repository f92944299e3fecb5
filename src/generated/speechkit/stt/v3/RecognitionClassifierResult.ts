// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { PhraseHighlight as _speechkit_stt_v3_PhraseHighlight, PhraseHighlight__Output as _speechkit_stt_v3_PhraseHighlight__Output } from '../../../speechkit/stt/v3/PhraseHighlight.js';
import type { RecognitionClassifierLabel as _speechkit_stt_v3_RecognitionClassifierLabel, RecognitionClassifierLabel__Output as _speechkit_stt_v3_RecognitionClassifierLabel__Output } from '../../../speechkit/stt/v3/RecognitionClassifierLabel.js';

export interface RecognitionClassifierResult {
  'classifier'?: (string);
  'highlights'?: (_speechkit_stt_v3_PhraseHighlight)[];
  'labels'?: (_speechkit_stt_v3_RecognitionClassifierLabel)[];
}

export interface RecognitionClassifierResult__Output {
  'classifier': (string);
  'highlights': (_speechkit_stt_v3_PhraseHighlight__Output)[];
  'labels': (_speechkit_stt_v3_RecognitionClassifierLabel__Output)[];
}
