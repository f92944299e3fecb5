// Original file: proto/yandex/cloud/ai/stt/v2/stt_service.proto

import type { SpeechRecognitionChunk as _yandex_cloud_ai_stt_v2_SpeechRecognitionChunk, SpeechRecognitionChunk__Output as _yandex_cloud_ai_stt_v2_SpeechRecognitionChunk__Output } from '../../../../../yandex/cloud/ai/stt/v2/SpeechRecognitionChunk.js';

export interface StreamingRecognitionResponse {
  'chunks'?: (_yandex_cloud_ai_stt_v2_SpeechRecognitionChunk)[];
}

export interface StreamingRecognitionResponse__Output {
  'chunks': (_yandex_cloud_ai_stt_v2_SpeechRecognitionChunk__Output)[];
}
