// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

export interface SpeakerAnalysisOptions {
  'silence_threshold_ms'?: (number | string | Long);
}

export interface SpeakerAnalysisOptions__Output {
  'silence_threshold_ms': (number);
}
