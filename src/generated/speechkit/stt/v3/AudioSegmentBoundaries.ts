// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

export interface AudioSegmentBoundaries {
  'start_time_ms'?: (number | string | Long);
  'end_time_ms'?: (number | string | Long);
}

export interface AudioSegmentBoundaries__Output {
  'start_time_ms': (number);
  'end_time_ms': (number);
}
