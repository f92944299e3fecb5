// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { AudioFormatOptions as _speechkit_stt_v3_AudioFormatOptions, AudioFormatOptions__Output as _speechkit_stt_v3_AudioFormatOptions__Output } from '../../../speechkit/stt/v3/AudioFormatOptions.js';
import type { TextNormalizationOptions as _speechkit_stt_v3_TextNormalizationOptions, TextNormalizationOptions__Output as _speechkit_stt_v3_TextNormalizationOptions__Output } from '../../../speechkit/stt/v3/TextNormalizationOptions.js';
import type { LanguageRestrictionOptions as _speechkit_stt_v3_LanguageRestrictionOptions, LanguageRestrictionOptions__Output as _speechkit_stt_v3_LanguageRestrictionOptions__Output } from '../../../speechkit/stt/v3/LanguageRestrictionOptions.js';

// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_RecognitionModelOptions_AudioProcessingType = {
  AUDIO_PROCESSING_TYPE_UNSPECIFIED: 'AUDIO_PROCESSING_TYPE_UNSPECIFIED',
  /**
   * Streaming default.
   */
  REAL_TIME: 'REAL_TIME',
  FULL_DATA: 'FULL_DATA',
} as const;

export type _speechkit_stt_v3_RecognitionModelOptions_AudioProcessingType =
  | 'AUDIO_PROCESSING_TYPE_UNSPECIFIED'
  | 0
  /**
   * Streaming default.
   */
  | 'REAL_TIME'
  | 1
  | 'FULL_DATA'
  | 2

export type _speechkit_stt_v3_RecognitionModelOptions_AudioProcessingType__Output = typeof _speechkit_stt_v3_RecognitionModelOptions_AudioProcessingType[keyof typeof _speechkit_stt_v3_RecognitionModelOptions_AudioProcessingType]

export interface RecognitionModelOptions {
  /**
   * Streaming: general, general:rc, general:deprecated.
   */
  'model'?: (string);
  'audio_format'?: (_speechkit_stt_v3_AudioFormatOptions | null);
  'text_normalization'?: (_speechkit_stt_v3_TextNormalizationOptions | null);
  'language_restriction'?: (_speechkit_stt_v3_LanguageRestrictionOptions | null);
  'audio_processing_type'?: (_speechkit_stt_v3_RecognitionModelOptions_AudioProcessingType);
}

export interface RecognitionModelOptions__Output {
  /**
   * Streaming: general, general:rc, general:deprecated.
   */
  'model': (string);
  'audio_format': (_speechkit_stt_v3_AudioFormatOptions__Output | null);
  'text_normalization': (_speechkit_stt_v3_TextNormalizationOptions__Output | null);
  'language_restriction': (_speechkit_stt_v3_LanguageRestrictionOptions__Output | null);
  'audio_processing_type': (_speechkit_stt_v3_RecognitionModelOptions_AudioProcessingType__Output);
}
