// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_RecognitionClassifier_TriggerType = {
  /**
   * @deprecated
   */
  TRIGGER_TYPE_UNSPECIFIED: 'TRIGGER_TYPE_UNSPECIFIED',
  ON_UTTERANCE: 'ON_UTTERANCE',
  ON_FINAL: 'ON_FINAL',
  ON_PARTIAL: 'ON_PARTIAL',
} as const;

export type _speechkit_stt_v3_RecognitionClassifier_TriggerType =
  | 'TRIGGER_TYPE_UNSPECIFIED'
  | 0
  | 'ON_UTTERANCE'
  | 1
  | 'ON_FINAL'
  | 2
  | 'ON_PARTIAL'
  | 3

export type _speechkit_stt_v3_RecognitionClassifier_TriggerType__Output = typeof _speechkit_stt_v3_RecognitionClassifier_TriggerType[keyof typeof _speechkit_stt_v3_RecognitionClassifier_TriggerType]

export interface RecognitionClassifier {
  'classifier'?: (string);
  'triggers'?: (_speechkit_stt_v3_RecognitionClassifier_TriggerType)[];
}

export interface RecognitionClassifier__Output {
  'classifier': (string);
  'triggers': (_speechkit_stt_v3_RecognitionClassifier_TriggerType__Output)[];
}
