// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { SummarizationProperty as _speechkit_stt_v3_SummarizationProperty, SummarizationProperty__Output as _speechkit_stt_v3_SummarizationProperty__Output } from '../../../speechkit/stt/v3/SummarizationProperty.js';

export interface SummarizationOptions {
  'model_uri'?: (string);
  'properties'?: (_speechkit_stt_v3_SummarizationProperty)[];
}

export interface SummarizationOptions__Output {
  'model_uri': (string);
  'properties': (_speechkit_stt_v3_SummarizationProperty__Output)[];
}
