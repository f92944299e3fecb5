// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_LanguageRestrictionOptions_LanguageRestrictionType = {
  LANGUAGE_RESTRICTION_TYPE_UNSPECIFIED: 'LANGUAGE_RESTRICTION_TYPE_UNSPECIFIED',
  WHITELIST: 'WHITELIST',
  BLACKLIST: 'BLACKLIST',
} as const;

export type _speechkit_stt_v3_LanguageRestrictionOptions_LanguageRestrictionType =
  | 'LANGUAGE_RESTRICTION_TYPE_UNSPECIFIED'
  | 0
  | 'WHITELIST'
  | 1
  | 'BLACKLIST'
  | 2

export type _speechkit_stt_v3_LanguageRestrictionOptions_LanguageRestrictionType__Output = typeof _speechkit_stt_v3_LanguageRestrictionOptions_LanguageRestrictionType[keyof typeof _speechkit_stt_v3_LanguageRestrictionOptions_LanguageRestrictionType]

export interface LanguageRestrictionOptions {
  'restriction_type'?: (_speechkit_stt_v3_LanguageRestrictionOptions_LanguageRestrictionType);
  'language_code'?: (string)[];
}

export interface LanguageRestrictionOptions__Output {
  'restriction_type': (_speechkit_stt_v3_LanguageRestrictionOptions_LanguageRestrictionType__Output);
  'language_code': (string)[];
}
