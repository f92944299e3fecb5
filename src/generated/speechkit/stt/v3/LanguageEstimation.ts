// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


export interface LanguageEstimation {
  'language_code'?: (string);
  'probability'?: (number | string);
}

export interface LanguageEstimation__Output {
  'language_code': (string);
  'probability': (number);
}
