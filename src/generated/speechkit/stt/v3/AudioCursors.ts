// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

export interface AudioCursors {
  'received_data_ms'?: (number | string | Long);
  'reset_time_ms'?: (number | string | Long);
  'partial_time_ms'?: (number | string | Long);
  /**
   * Everything before this point is final.
   */
  'final_time_ms'?: (number | string | Long);
  /**
   * Incremented after each final.
   */
  'final_index'?: (number | string | Long);
  'eou_time_ms'?: (number | string | Long);
}

export interface AudioCursors__Output {
  'received_data_ms': (number);
  'reset_time_ms': (number);
  'partial_time_ms': (number);
  /**
   * Everything before this point is final.
   */
  'final_time_ms': (number);
  /**
   * Incremented after each final.
   */
  'final_index': (number);
  'eou_time_ms': (number);
}
