// Original file: proto/yandex/cloud/ai/stt/v2/stt_service.proto

import type { RecognitionSpec as _yandex_cloud_ai_stt_v2_RecognitionSpec, RecognitionSpec__Output as _yandex_cloud_ai_stt_v2_RecognitionSpec__Output } from '../../../../../yandex/cloud/ai/stt/v2/RecognitionSpec.js';

export interface RecognitionConfig {
  'specification'?: (_yandex_cloud_ai_stt_v2_RecognitionSpec | null);
  /**
   * At most 50 characters. Omit when authenticating as a service account.
   */
  'folder_id'?: (string);
}

export interface RecognitionConfig__Output {
  'specification': (_yandex_cloud_ai_stt_v2_RecognitionSpec__Output | null);
  /**
   * At most 50 characters. Omit when authenticating as a service account.
   */
  'folder_id': (string);
}
