// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { RecognitionClassifierResult as _speechkit_stt_v3_RecognitionClassifierResult, RecognitionClassifierResult__Output as _speechkit_stt_v3_RecognitionClassifierResult__Output } from '../../../speechkit/stt/v3/RecognitionClassifierResult.js';
import type { Long } from '@grpc/proto-loader';

// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_RecognitionClassifierUpdate_WindowType = {
  /**
   * @deprecated
   */
  WINDOW_TYPE_UNSPECIFIED: 'WINDOW_TYPE_UNSPECIFIED',
  LAST_UTTERANCE: 'LAST_UTTERANCE',
  LAST_FINAL: 'LAST_FINAL',
  LAST_PARTIAL: 'LAST_PARTIAL',
} as const;

export type _speechkit_stt_v3_RecognitionClassifierUpdate_WindowType =
  | 'WINDOW_TYPE_UNSPECIFIED'
  | 0
  | 'LAST_UTTERANCE'
  | 1
  | 'LAST_FINAL'
  | 2
  | 'LAST_PARTIAL'
  | 3

export type _speechkit_stt_v3_RecognitionClassifierUpdate_WindowType__Output = typeof _speechkit_stt_v3_RecognitionClassifierUpdate_WindowType[keyof typeof _speechkit_stt_v3_RecognitionClassifierUpdate_WindowType]

export interface RecognitionClassifierUpdate {
  'window_type'?: (_speechkit_stt_v3_RecognitionClassifierUpdate_WindowType);
  'start_time_ms'?: (number | string | Long);
  'end_time_ms'?: (number | string | Long);
  'classifier_result'?: (_speechkit_stt_v3_RecognitionClassifierResult | null);
}

export interface RecognitionClassifierUpdate__Output {
  'window_type': (_speechkit_stt_v3_RecognitionClassifierUpdate_WindowType__Output);
  'start_time_ms': (number);
  'end_time_ms': (number);
  'classifier_result': (_speechkit_stt_v3_RecognitionClassifierResult__Output | null);
}
