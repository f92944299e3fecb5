// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

export interface EouUpdate {
  'time_ms'?: (number | string | Long);
}

export interface EouUpdate__Output {
  'time_ms': (number);
}
