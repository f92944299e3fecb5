// Original file: proto/yandex/cloud/ai/stt/v2/stt_service.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/yandex/cloud/ai/stt/v2/stt_service.proto

export const _yandex_cloud_ai_stt_v2_RecognitionSpec_AudioEncoding = {
  AUDIO_ENCODING_UNSPECIFIED: 'AUDIO_ENCODING_UNSPECIFIED',
  /**
   * 16-bit signed little-endian PCM, mono, no WAV header.
   */
  LINEAR16_PCM: 'LINEAR16_PCM',
  OGG_OPUS: 'OGG_OPUS',
  /**
   * Not accepted by streaming recognition.
   */
  MP3: 'MP3',
} as const;

export type _yandex_cloud_ai_stt_v2_RecognitionSpec_AudioEncoding =
  | 'AUDIO_ENCODING_UNSPECIFIED'
  | 0
  /**
   * 16-bit signed little-endian PCM, mono, no WAV header.
   */
  | 'LINEAR16_PCM'
  | 1
  | 'OGG_OPUS'
  | 2
  /**
   * Not accepted by streaming recognition.
   */
  | 'MP3'
  | 3

export type _yandex_cloud_ai_stt_v2_RecognitionSpec_AudioEncoding__Output = typeof _yandex_cloud_ai_stt_v2_RecognitionSpec_AudioEncoding[keyof typeof _yandex_cloud_ai_stt_v2_RecognitionSpec_AudioEncoding]

export interface RecognitionSpec {
  /**
   * Server default when unset: OGG_OPUS.
   */
  'audio_encoding'?: (_yandex_cloud_ai_stt_v2_RecognitionSpec_AudioEncoding);
  /**
   * 8000, 16000 or 48000. Server default when unset: 48000.
   */
  'sample_rate_hertz'?: (number | string | Long);
  /**
   * BCP-47. Server default when unset: ru-RU.
   */
  'language_code'?: (string);
  'profanity_filter'?: (boolean);
  /**
   * Server default when unset: general.
   */
  'model'?: (string);
  'partial_results'?: (boolean);
  'single_utterance'?: (boolean);
  /**
   * Long-running recognition only.
   */
  'audio_channel_count'?: (number | string | Long);
  /**
   * Numbers as words instead of digits.
   */
  'raw_results'?: (boolean);
  'literature_text'?: (boolean);
}

export interface RecognitionSpec__Output {
  /**
   * Server default when unset: OGG_OPUS.
   */
  'audio_encoding': (_yandex_cloud_ai_stt_v2_RecognitionSpec_AudioEncoding__Output);
  /**
   * 8000, 16000 or 48000. Server default when unset: 48000.
   */
  'sample_rate_hertz': (number);
  /**
   * BCP-47. Server default when unset: ru-RU.
   */
  'language_code': (string);
  'profanity_filter': (boolean);
  /**
   * Server default when unset: general.
   */
  'model': (string);
  'partial_results': (boolean);
  'single_utterance': (boolean);
  /**
   * Long-running recognition only.
   */
  'audio_channel_count': (number);
  /**
   * Numbers as words instead of digits.
   */
  'raw_results': (boolean);
  'literature_text': (boolean);
}
