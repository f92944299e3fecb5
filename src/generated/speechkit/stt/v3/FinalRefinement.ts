// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { AlternativeUpdate as _speechkit_stt_v3_AlternativeUpdate, AlternativeUpdate__Output as _speechkit_stt_v3_AlternativeUpdate__Output } from '../../../speechkit/stt/v3/AlternativeUpdate.js';
import type { Long } from '@grpc/proto-loader';

export interface FinalRefinement {
  /**
   * The final (audio_cursors.final_index of its response) this refines.
   */
  'final_index'?: (number | string | Long);
  'normalized_text'?: (_speechkit_stt_v3_AlternativeUpdate | null);
  'Type'?: "normalized_text";
}

export interface FinalRefinement__Output {
  /**
   * The final (audio_cursors.final_index of its response) this refines.
   */
  'final_index': (number);
  'normalized_text'?: (_speechkit_stt_v3_AlternativeUpdate__Output | null);
  'Type'?: "normalized_text";
}
