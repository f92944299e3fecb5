// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_ContainerAudio_ContainerAudioType = {
  CONTAINER_AUDIO_TYPE_UNSPECIFIED: 'CONTAINER_AUDIO_TYPE_UNSPECIFIED',
  WAV: 'WAV',
  OGG_OPUS: 'OGG_OPUS',
  MP3: 'MP3',
} as const;

export type _speechkit_stt_v3_ContainerAudio_ContainerAudioType =
  | 'CONTAINER_AUDIO_TYPE_UNSPECIFIED'
  | 0
  | 'WAV'
  | 1
  | 'OGG_OPUS'
  | 2
  | 'MP3'
  | 3

export type _speechkit_stt_v3_ContainerAudio_ContainerAudioType__Output = typeof _speechkit_stt_v3_ContainerAudio_ContainerAudioType[keyof typeof _speechkit_stt_v3_ContainerAudio_ContainerAudioType]

export interface ContainerAudio {
  'container_audio_type'?: (_speechkit_stt_v3_ContainerAudio_ContainerAudioType);
}

export interface ContainerAudio__Output {
  'container_audio_type': (_speechkit_stt_v3_ContainerAudio_ContainerAudioType__Output);
}
