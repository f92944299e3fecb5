// Original file: proto/yandex/cloud/ai/stt/v2/stt_service.proto

import type { WordInfo as _yandex_cloud_ai_stt_v2_WordInfo, WordInfo__Output as _yandex_cloud_ai_stt_v2_WordInfo__Output } from '../../../../../yandex/cloud/ai/stt/v2/WordInfo.js';

export interface SpeechRecognitionAlternative {
  'text'?: (string);
  'confidence'?: (number | string);
  'words'?: (_yandex_cloud_ai_stt_v2_WordInfo)[];
}

export interface SpeechRecognitionAlternative__Output {
  'text': (string);
  'confidence': (number);
  'words': (_yandex_cloud_ai_stt_v2_WordInfo__Output)[];
}
