// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_TextNormalizationOptions_PhoneFormattingMode = {
  PHONE_FORMATTING_MODE_UNSPECIFIED: 'PHONE_FORMATTING_MODE_UNSPECIFIED',
  PHONE_FORMATTING_MODE_DISABLED: 'PHONE_FORMATTING_MODE_DISABLED',
} as const;

export type _speechkit_stt_v3_TextNormalizationOptions_PhoneFormattingMode =
  | 'PHONE_FORMATTING_MODE_UNSPECIFIED'
  | 0
  | 'PHONE_FORMATTING_MODE_DISABLED'
  | 1

export type _speechkit_stt_v3_TextNormalizationOptions_PhoneFormattingMode__Output = typeof _speechkit_stt_v3_TextNormalizationOptions_PhoneFormattingMode[keyof typeof _speechkit_stt_v3_TextNormalizationOptions_PhoneFormattingMode]

// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_TextNormalizationOptions_TextNormalization = {
  TEXT_NORMALIZATION_UNSPECIFIED: 'TEXT_NORMALIZATION_UNSPECIFIED',
  TEXT_NORMALIZATION_ENABLED: 'TEXT_NORMALIZATION_ENABLED',
  /**
   * The service's default.
   */
  TEXT_NORMALIZATION_DISABLED: 'TEXT_NORMALIZATION_DISABLED',
} as const;

export type _speechkit_stt_v3_TextNormalizationOptions_TextNormalization =
  | 'TEXT_NORMALIZATION_UNSPECIFIED'
  | 0
  | 'TEXT_NORMALIZATION_ENABLED'
  | 1
  /**
   * The service's default.
   */
  | 'TEXT_NORMALIZATION_DISABLED'
  | 2

export type _speechkit_stt_v3_TextNormalizationOptions_TextNormalization__Output = typeof _speechkit_stt_v3_TextNormalizationOptions_TextNormalization[keyof typeof _speechkit_stt_v3_TextNormalizationOptions_TextNormalization]

export interface TextNormalizationOptions {
  'text_normalization'?: (_speechkit_stt_v3_TextNormalizationOptions_TextNormalization);
  'profanity_filter'?: (boolean);
  'literature_text'?: (boolean);
  'phone_formatting_mode'?: (_speechkit_stt_v3_TextNormalizationOptions_PhoneFormattingMode);
}

export interface TextNormalizationOptions__Output {
  'text_normalization': (_speechkit_stt_v3_TextNormalizationOptions_TextNormalization__Output);
  'profanity_filter': (boolean);
  'literature_text': (boolean);
  'phone_formatting_mode': (_speechkit_stt_v3_TextNormalizationOptions_PhoneFormattingMode__Output);
}
