// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { AudioSegmentBoundaries as _speechkit_stt_v3_AudioSegmentBoundaries, AudioSegmentBoundaries__Output as _speechkit_stt_v3_AudioSegmentBoundaries__Output } from '../../../speechkit/stt/v3/AudioSegmentBoundaries.js';
import type { DescriptiveStatistics as _speechkit_stt_v3_DescriptiveStatistics, DescriptiveStatistics__Output as _speechkit_stt_v3_DescriptiveStatistics__Output } from '../../../speechkit/stt/v3/DescriptiveStatistics.js';
import type { Long } from '@grpc/proto-loader';

// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

export const _speechkit_stt_v3_SpeakerAnalysis_WindowType = {
  /**
   * @deprecated
   */
  WINDOW_TYPE_UNSPECIFIED: 'WINDOW_TYPE_UNSPECIFIED',
  TOTAL: 'TOTAL',
  LAST_UTTERANCE: 'LAST_UTTERANCE',
} as const;

export type _speechkit_stt_v3_SpeakerAnalysis_WindowType =
  | 'WINDOW_TYPE_UNSPECIFIED'
  | 0
  | 'TOTAL'
  | 1
  | 'LAST_UTTERANCE'
  | 2

export type _speechkit_stt_v3_SpeakerAnalysis_WindowType__Output = typeof _speechkit_stt_v3_SpeakerAnalysis_WindowType[keyof typeof _speechkit_stt_v3_SpeakerAnalysis_WindowType]

export interface SpeakerAnalysis {
  'speaker_tag'?: (string);
  'window_type'?: (_speechkit_stt_v3_SpeakerAnalysis_WindowType);
  'speech_boundaries'?: (_speechkit_stt_v3_AudioSegmentBoundaries | null);
  'total_speech_ms'?: (number | string | Long);
  'speech_ratio'?: (number | string);
  'total_silence_ms'?: (number | string | Long);
  'silence_ratio'?: (number | string);
  'words_count'?: (number | string | Long);
  'letters_count'?: (number | string | Long);
  'words_per_second'?: (_speechkit_stt_v3_DescriptiveStatistics | null);
  'letters_per_second'?: (_speechkit_stt_v3_DescriptiveStatistics | null);
  'words_per_utterance'?: (_speechkit_stt_v3_DescriptiveStatistics | null);
  'letters_per_utterance'?: (_speechkit_stt_v3_DescriptiveStatistics | null);
  'utterance_count'?: (number | string | Long);
  'utterance_duration_estimation'?: (_speechkit_stt_v3_DescriptiveStatistics | null);
}

export interface SpeakerAnalysis__Output {
  'speaker_tag': (string);
  'window_type': (_speechkit_stt_v3_SpeakerAnalysis_WindowType__Output);
  'speech_boundaries': (_speechkit_stt_v3_AudioSegmentBoundaries__Output | null);
  'total_speech_ms': (number);
  'speech_ratio': (number);
  'total_silence_ms': (number);
  'silence_ratio': (number);
  'words_count': (number);
  'letters_count': (number);
  'words_per_second': (_speechkit_stt_v3_DescriptiveStatistics__Output | null);
  'letters_per_second': (_speechkit_stt_v3_DescriptiveStatistics__Output | null);
  'words_per_utterance': (_speechkit_stt_v3_DescriptiveStatistics__Output | null);
  'letters_per_utterance': (_speechkit_stt_v3_DescriptiveStatistics__Output | null);
  'utterance_count': (number);
  'utterance_duration_estimation': (_speechkit_stt_v3_DescriptiveStatistics__Output | null);
}
