// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Alternative as _speechkit_stt_v3_Alternative, Alternative__Output as _speechkit_stt_v3_Alternative__Output } from '../../../speechkit/stt/v3/Alternative.js';

export interface AlternativeUpdate {
  'alternatives'?: (_speechkit_stt_v3_Alternative)[];
  /**
   * Deprecated: use StreamingResponse.channel_tag.
   * @deprecated
   */
  'channel_tag'?: (string);
}

export interface AlternativeUpdate__Output {
  'alternatives': (_speechkit_stt_v3_Alternative__Output)[];
  /**
   * Deprecated: use StreamingResponse.channel_tag.
   * @deprecated
   */
  'channel_tag': (string);
}
