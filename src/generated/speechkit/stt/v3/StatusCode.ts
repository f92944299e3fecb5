// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { CodeType as _speechkit_stt_v3_CodeType, CodeType__Output as _speechkit_stt_v3_CodeType__Output } from '../../../speechkit/stt/v3/CodeType.js';

export interface StatusCode {
  'code_type'?: (_speechkit_stt_v3_CodeType);
  'message'?: (string);
}

export interface StatusCode__Output {
  'code_type': (_speechkit_stt_v3_CodeType__Output);
  'message': (string);
}
