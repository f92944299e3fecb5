// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { SpeakerAnalysisOptions as _speechkit_stt_v3_SpeakerAnalysisOptions, SpeakerAnalysisOptions__Output as _speechkit_stt_v3_SpeakerAnalysisOptions__Output } from '../../../speechkit/stt/v3/SpeakerAnalysisOptions.js';
import type { ConversationAnalysisOptions as _speechkit_stt_v3_ConversationAnalysisOptions, ConversationAnalysisOptions__Output as _speechkit_stt_v3_ConversationAnalysisOptions__Output } from '../../../speechkit/stt/v3/ConversationAnalysisOptions.js';

export interface SpeechAnalysisOptions {
  'enable_speaker_analysis'?: (boolean);
  'enable_conversation_analysis'?: (boolean);
  'descriptive_statistics_quantiles'?: (number | string)[];
  'speaker_options'?: (_speechkit_stt_v3_SpeakerAnalysisOptions | null);
  /**
   * Misspelled upstream; the wire only sees the number.
   */
  'converstation_options'?: (_speechkit_stt_v3_ConversationAnalysisOptions | null);
}

export interface SpeechAnalysisOptions__Output {
  'enable_speaker_analysis': (boolean);
  'enable_conversation_analysis': (boolean);
  'descriptive_statistics_quantiles': (number)[];
  'speaker_options': (_speechkit_stt_v3_SpeakerAnalysisOptions__Output | null);
  /**
   * Misspelled upstream; the wire only sees the number.
   */
  'converstation_options': (_speechkit_stt_v3_ConversationAnalysisOptions__Output | null);
}
