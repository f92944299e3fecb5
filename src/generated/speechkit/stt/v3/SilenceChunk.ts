// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

export interface SilenceChunk {
  'duration_ms'?: (number | string | Long);
}

export interface SilenceChunk__Output {
  'duration_ms': (number);
}
