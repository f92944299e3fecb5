// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

export interface ConversationAnalysisOptions {
  'simultaneous_silence_threshold_ms'?: (number | string | Long);
  'simultaneous_speech_threshold_ms'?: (number | string | Long);
}

export interface ConversationAnalysisOptions__Output {
  'simultaneous_silence_threshold_ms': (number);
  'simultaneous_speech_threshold_ms': (number);
}
