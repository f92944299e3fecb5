// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_SpeakerLabelingOptions_SpeakerLabeling = {
  SPEAKER_LABELING_UNSPECIFIED: 'SPEAKER_LABELING_UNSPECIFIED',
  SPEAKER_LABELING_ENABLED: 'SPEAKER_LABELING_ENABLED',
  /**
   * The service's default.
   */
  SPEAKER_LABELING_DISABLED: 'SPEAKER_LABELING_DISABLED',
} as const;

export type _speechkit_stt_v3_SpeakerLabelingOptions_SpeakerLabeling =
  | 'SPEAKER_LABELING_UNSPECIFIED'
  | 0
  | 'SPEAKER_LABELING_ENABLED'
  | 1
  /**
   * The service's default.
   */
  | 'SPEAKER_LABELING_DISABLED'
  | 2

export type _speechkit_stt_v3_SpeakerLabelingOptions_SpeakerLabeling__Output = typeof _speechkit_stt_v3_SpeakerLabelingOptions_SpeakerLabeling[keyof typeof _speechkit_stt_v3_SpeakerLabelingOptions_SpeakerLabeling]

export interface SpeakerLabelingOptions {
  'speaker_labeling'?: (_speechkit_stt_v3_SpeakerLabelingOptions_SpeakerLabeling);
}

export interface SpeakerLabelingOptions__Output {
  'speaker_labeling': (_speechkit_stt_v3_SpeakerLabelingOptions_SpeakerLabeling__Output);
}
