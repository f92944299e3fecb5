// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { AudioSegmentBoundaries as _speechkit_stt_v3_AudioSegmentBoundaries, AudioSegmentBoundaries__Output as _speechkit_stt_v3_AudioSegmentBoundaries__Output } from '../../../speechkit/stt/v3/AudioSegmentBoundaries.js';
import type { DescriptiveStatistics as _speechkit_stt_v3_DescriptiveStatistics, DescriptiveStatistics__Output as _speechkit_stt_v3_DescriptiveStatistics__Output } from '../../../speechkit/stt/v3/DescriptiveStatistics.js';
import type { Long } from '@grpc/proto-loader';

export interface _speechkit_stt_v3_ConversationAnalysis_InterruptsEvaluation {
  'speaker_tag'?: (string);
  'interrupts_count'?: (number | string | Long);
  'interrupts_duration_ms'?: (number | string | Long);
  'interrupts'?: (_speechkit_stt_v3_AudioSegmentBoundaries)[];
}

export interface _speechkit_stt_v3_ConversationAnalysis_InterruptsEvaluation__Output {
  'speaker_tag': (string);
  'interrupts_count': (number);
  'interrupts_duration_ms': (number);
  'interrupts': (_speechkit_stt_v3_AudioSegmentBoundaries__Output)[];
}

export interface ConversationAnalysis {
  'conversation_boundaries'?: (_speechkit_stt_v3_AudioSegmentBoundaries | null);
  'total_simultaneous_silence_duration_ms'?: (number | string | Long);
  'total_simultaneous_silence_ratio'?: (number | string);
  'simultaneous_silence_duration_estimation'?: (_speechkit_stt_v3_DescriptiveStatistics | null);
  'total_simultaneous_speech_duration_ms'?: (number | string | Long);
  'total_simultaneous_speech_ratio'?: (number | string);
  'simultaneous_speech_duration_estimation'?: (_speechkit_stt_v3_DescriptiveStatistics | null);
  'speaker_interrupts'?: (_speechkit_stt_v3_ConversationAnalysis_InterruptsEvaluation)[];
  'total_speech_duration_ms'?: (number | string | Long);
  'total_speech_ratio'?: (number | string);
}

export interface ConversationAnalysis__Output {
  'conversation_boundaries': (_speechkit_stt_v3_AudioSegmentBoundaries__Output | null);
  'total_simultaneous_silence_duration_ms': (number);
  'total_simultaneous_silence_ratio': (number);
  'simultaneous_silence_duration_estimation': (_speechkit_stt_v3_DescriptiveStatistics__Output | null);
  'total_simultaneous_speech_duration_ms': (number);
  'total_simultaneous_speech_ratio': (number);
  'simultaneous_speech_duration_estimation': (_speechkit_stt_v3_DescriptiveStatistics__Output | null);
  'speaker_interrupts': (_speechkit_stt_v3_ConversationAnalysis_InterruptsEvaluation__Output)[];
  'total_speech_duration_ms': (number);
  'total_speech_ratio': (number);
}
