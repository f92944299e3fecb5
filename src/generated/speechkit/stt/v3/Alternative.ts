// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Word as _speechkit_stt_v3_Word, Word__Output as _speechkit_stt_v3_Word__Output } from '../../../speechkit/stt/v3/Word.js';
import type { LanguageEstimation as _speechkit_stt_v3_LanguageEstimation, LanguageEstimation__Output as _speechkit_stt_v3_LanguageEstimation__Output } from '../../../speechkit/stt/v3/LanguageEstimation.js';
import type { Long } from '@grpc/proto-loader';

export interface Alternative {
  'words'?: (_speechkit_stt_v3_Word)[];
  'text'?: (string);
  'start_time_ms'?: (number | string | Long);
  'end_time_ms'?: (number | string | Long);
  /**
   * Not used by the service yet.
   */
  'confidence'?: (number | string);
  'languages'?: (_speechkit_stt_v3_LanguageEstimation)[];
}

export interface Alternative__Output {
  'words': (_speechkit_stt_v3_Word__Output)[];
  'text': (string);
  'start_time_ms': (number);
  'end_time_ms': (number);
  /**
   * Not used by the service yet.
   */
  'confidence': (number);
  'languages': (_speechkit_stt_v3_LanguageEstimation__Output)[];
}
