// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { SessionUuid as _speechkit_stt_v3_SessionUuid, SessionUuid__Output as _speechkit_stt_v3_SessionUuid__Output } from '../../../speechkit/stt/v3/SessionUuid.js';
import type { AudioCursors as _speechkit_stt_v3_AudioCursors, AudioCursors__Output as _speechkit_stt_v3_AudioCursors__Output } from '../../../speechkit/stt/v3/AudioCursors.js';
import type { AlternativeUpdate as _speechkit_stt_v3_AlternativeUpdate, AlternativeUpdate__Output as _speechkit_stt_v3_AlternativeUpdate__Output } from '../../../speechkit/stt/v3/AlternativeUpdate.js';
import type { EouUpdate as _speechkit_stt_v3_EouUpdate, EouUpdate__Output as _speechkit_stt_v3_EouUpdate__Output } from '../../../speechkit/stt/v3/EouUpdate.js';
import type { FinalRefinement as _speechkit_stt_v3_FinalRefinement, FinalRefinement__Output as _speechkit_stt_v3_FinalRefinement__Output } from '../../../speechkit/stt/v3/FinalRefinement.js';
import type { StatusCode as _speechkit_stt_v3_StatusCode, StatusCode__Output as _speechkit_stt_v3_StatusCode__Output } from '../../../speechkit/stt/v3/StatusCode.js';
import type { RecognitionClassifierUpdate as _speechkit_stt_v3_RecognitionClassifierUpdate, RecognitionClassifierUpdate__Output as _speechkit_stt_v3_RecognitionClassifierUpdate__Output } from '../../../speechkit/stt/v3/RecognitionClassifierUpdate.js';
import type { SpeakerAnalysis as _speechkit_stt_v3_SpeakerAnalysis, SpeakerAnalysis__Output as _speechkit_stt_v3_SpeakerAnalysis__Output } from '../../../speechkit/stt/v3/SpeakerAnalysis.js';
import type { ConversationAnalysis as _speechkit_stt_v3_ConversationAnalysis, ConversationAnalysis__Output as _speechkit_stt_v3_ConversationAnalysis__Output } from '../../../speechkit/stt/v3/ConversationAnalysis.js';
import type { Summarization as _speechkit_stt_v3_Summarization, Summarization__Output as _speechkit_stt_v3_Summarization__Output } from '../../../speechkit/stt/v3/Summarization.js';
import type { Long } from '@grpc/proto-loader';

export interface StreamingResponse {
  'session_uuid'?: (_speechkit_stt_v3_SessionUuid | null);
  'audio_cursors'?: (_speechkit_stt_v3_AudioCursors | null);
  /**
   * The server's wall clock when the response was written.
   */
  'response_wall_time_ms'?: (number | string | Long);
  /**
   * Text from final_time_ms to partial_time_ms; may change.
   */
  'partial'?: (_speechkit_stt_v3_AlternativeUpdate | null);
  /**
   * Fixed text up to final_time_ms.
   */
  'final'?: (_speechkit_stt_v3_AlternativeUpdate | null);
  'eou_update'?: (_speechkit_stt_v3_EouUpdate | null);
  /**
   * The normalized text of one final (text normalization enabled).
   */
  'final_refinement'?: (_speechkit_stt_v3_FinalRefinement | null);
  'status_code'?: (_speechkit_stt_v3_StatusCode | null);
  /**
   * Outside the oneof although numbered among its members.
   */
  'channel_tag'?: (string);
  'classifier_update'?: (_speechkit_stt_v3_RecognitionClassifierUpdate | null);
  'speaker_analysis'?: (_speechkit_stt_v3_SpeakerAnalysis | null);
  'conversation_analysis'?: (_speechkit_stt_v3_ConversationAnalysis | null);
  'summarization'?: (_speechkit_stt_v3_Summarization | null);
  'Event'?: "partial"|"final"|"eou_update"|"final_refinement"|"status_code"|"classifier_update"|"speaker_analysis"|"conversation_analysis"|"summarization";
}

export interface StreamingResponse__Output {
  'session_uuid': (_speechkit_stt_v3_SessionUuid__Output | null);
  'audio_cursors': (_speechkit_stt_v3_AudioCursors__Output | null);
  /**
   * The server's wall clock when the response was written.
   */
  'response_wall_time_ms': (number);
  /**
   * Text from final_time_ms to partial_time_ms; may change.
   */
  'partial'?: (_speechkit_stt_v3_AlternativeUpdate__Output | null);
  /**
   * Fixed text up to final_time_ms.
   */
  'final'?: (_speechkit_stt_v3_AlternativeUpdate__Output | null);
  'eou_update'?: (_speechkit_stt_v3_EouUpdate__Output | null);
  /**
   * The normalized text of one final (text normalization enabled).
   */
  'final_refinement'?: (_speechkit_stt_v3_FinalRefinement__Output | null);
  'status_code'?: (_speechkit_stt_v3_StatusCode__Output | null);
  /**
   * Outside the oneof although numbered among its members.
   */
  'channel_tag': (string);
  'classifier_update'?: (_speechkit_stt_v3_RecognitionClassifierUpdate__Output | null);
  'speaker_analysis'?: (_speechkit_stt_v3_SpeakerAnalysis__Output | null);
  'conversation_analysis'?: (_speechkit_stt_v3_ConversationAnalysis__Output | null);
  'summarization'?: (_speechkit_stt_v3_Summarization__Output | null);
  'Event'?: "partial"|"final"|"eou_update"|"final_refinement"|"status_code"|"classifier_update"|"speaker_analysis"|"conversation_analysis"|"summarization";
}
