// Original file: proto/yandex/cloud/ai/stt/v2/stt_service.proto

import type { SpeechRecognitionAlternative as _yandex_cloud_ai_stt_v2_SpeechRecognitionAlternative, SpeechRecognitionAlternative__Output as _yandex_cloud_ai_stt_v2_SpeechRecognitionAlternative__Output } from '../../../../../yandex/cloud/ai/stt/v2/SpeechRecognitionAlternative.js';

export interface SpeechRecognitionChunk {
  'alternatives'?: (_yandex_cloud_ai_stt_v2_SpeechRecognitionAlternative)[];
  'final'?: (boolean);
  'end_of_utterance'?: (boolean);
}

export interface SpeechRecognitionChunk__Output {
  'alternatives': (_yandex_cloud_ai_stt_v2_SpeechRecognitionAlternative__Output)[];
  'final': (boolean);
  'end_of_utterance': (boolean);
}
