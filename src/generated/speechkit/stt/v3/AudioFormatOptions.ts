// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { RawAudio as _speechkit_stt_v3_RawAudio, RawAudio__Output as _speechkit_stt_v3_RawAudio__Output } from '../../../speechkit/stt/v3/RawAudio.js';
import type { ContainerAudio as _speechkit_stt_v3_ContainerAudio, ContainerAudio__Output as _speechkit_stt_v3_ContainerAudio__Output } from '../../../speechkit/stt/v3/ContainerAudio.js';

export interface AudioFormatOptions {
  'raw_audio'?: (_speechkit_stt_v3_RawAudio | null);
  'container_audio'?: (_speechkit_stt_v3_ContainerAudio | null);
  'AudioFormat'?: "raw_audio"|"container_audio";
}

export interface AudioFormatOptions__Output {
  'raw_audio'?: (_speechkit_stt_v3_RawAudio__Output | null);
  'container_audio'?: (_speechkit_stt_v3_ContainerAudio__Output | null);
  'AudioFormat'?: "raw_audio"|"container_audio";
}
