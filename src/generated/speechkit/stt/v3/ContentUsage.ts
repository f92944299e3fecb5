// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

export interface ContentUsage {
  'input_text_tokens'?: (number | string | Long);
  'completion_tokens'?: (number | string | Long);
  'total_tokens'?: (number | string | Long);
}

export interface ContentUsage__Output {
  'input_text_tokens': (number);
  'completion_tokens': (number);
  'total_tokens': (number);
}
