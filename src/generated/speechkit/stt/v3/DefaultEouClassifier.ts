// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_DefaultEouClassifier_EouSensitivity = {
  EOU_SENSITIVITY_UNSPECIFIED: 'EOU_SENSITIVITY_UNSPECIFIED',
  DEFAULT: 'DEFAULT',
  HIGH: 'HIGH',
} as const;

export type _speechkit_stt_v3_DefaultEouClassifier_EouSensitivity =
  | 'EOU_SENSITIVITY_UNSPECIFIED'
  | 0
  | 'DEFAULT'
  | 1
  | 'HIGH'
  | 2

export type _speechkit_stt_v3_DefaultEouClassifier_EouSensitivity__Output = typeof _speechkit_stt_v3_DefaultEouClassifier_EouSensitivity[keyof typeof _speechkit_stt_v3_DefaultEouClassifier_EouSensitivity]

export interface DefaultEouClassifier {
  'type'?: (_speechkit_stt_v3_DefaultEouClassifier_EouSensitivity);
  'max_pause_between_words_hint_ms'?: (number | string | Long);
}

export interface DefaultEouClassifier__Output {
  'type': (_speechkit_stt_v3_DefaultEouClassifier_EouSensitivity__Output);
  'max_pause_between_words_hint_ms': (number);
}
