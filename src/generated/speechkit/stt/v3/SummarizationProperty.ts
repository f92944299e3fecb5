// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { JsonSchema as _speechkit_stt_v3_JsonSchema, JsonSchema__Output as _speechkit_stt_v3_JsonSchema__Output } from '../../../speechkit/stt/v3/JsonSchema.js';

export interface SummarizationProperty {
  'instruction'?: (string);
  'json_object'?: (boolean);
  'json_schema'?: (_speechkit_stt_v3_JsonSchema | null);
  'ResponseFormat'?: "json_object"|"json_schema";
}

export interface SummarizationProperty__Output {
  'instruction': (string);
  'json_object'?: (boolean);
  'json_schema'?: (_speechkit_stt_v3_JsonSchema__Output | null);
  'ResponseFormat'?: "json_object"|"json_schema";
}
