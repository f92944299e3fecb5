// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_RawAudio_AudioEncoding = {
  AUDIO_ENCODING_UNSPECIFIED: 'AUDIO_ENCODING_UNSPECIFIED',
  /**
   * 16-bit signed little-endian PCM, no header.
   */
  LINEAR16_PCM: 'LINEAR16_PCM',
} as const;

export type _speechkit_stt_v3_RawAudio_AudioEncoding =
  | 'AUDIO_ENCODING_UNSPECIFIED'
  | 0
  /**
   * 16-bit signed little-endian PCM, no header.
   */
  | 'LINEAR16_PCM'
  | 1

export type _speechkit_stt_v3_RawAudio_AudioEncoding__Output = typeof _speechkit_stt_v3_RawAudio_AudioEncoding[keyof typeof _speechkit_stt_v3_RawAudio_AudioEncoding]

export interface RawAudio {
  'audio_encoding'?: (_speechkit_stt_v3_RawAudio_AudioEncoding);
  /**
   * 8000, 16000 or 48000.
   */
  'sample_rate_hertz'?: (number | string | Long);
  /**
   * Only 1 in real time.
   */
  'audio_channel_count'?: (number | string | Long);
}

export interface RawAudio__Output {
  'audio_encoding': (_speechkit_stt_v3_RawAudio_AudioEncoding__Output);
  /**
   * 8000, 16000 or 48000.
   */
  'sample_rate_hertz': (number);
  /**
   * Only 1 in real time.
   */
  'audio_channel_count': (number);
}
