// Original file: proto/yandex/cloud/ai/stt/v2/stt_service.proto

import type { RecognitionConfig as _yandex_cloud_ai_stt_v2_RecognitionConfig, RecognitionConfig__Output as _yandex_cloud_ai_stt_v2_RecognitionConfig__Output } from '../../../../../yandex/cloud/ai/stt/v2/RecognitionConfig.js';

export interface StreamingRecognitionRequest {
  /**
   * Must be the first message of a session.
   */
  'config'?: (_yandex_cloud_ai_stt_v2_RecognitionConfig | null);
  /**
   * Every later message: audio in the configured encoding.
   */
  'audio_content'?: (Buffer | Uint8Array | string);
  'streaming_request'?: "config"|"audio_content";
}

export interface StreamingRecognitionRequest__Output {
  /**
   * Must be the first message of a session.
   */
  'config'?: (_yandex_cloud_ai_stt_v2_RecognitionConfig__Output | null);
  /**
   * Every later message: audio in the configured encoding.
   */
  'audio_content'?: (Buffer);
  'streaming_request'?: "config"|"audio_content";
}
