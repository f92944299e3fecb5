// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from '../../../google/protobuf/Struct.js';

export interface JsonSchema {
  'schema'?: (_google_protobuf_Struct | null);
}

export interface JsonSchema__Output {
  'schema': (_google_protobuf_Struct__Output | null);
}
