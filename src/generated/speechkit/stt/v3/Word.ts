// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

export interface Word {
  'text'?: (string);
  'start_time_ms'?: (number | string | Long);
  'end_time_ms'?: (number | string | Long);
}

export interface Word__Output {
  'text': (string);
  'start_time_ms': (number);
  'end_time_ms': (number);
}
