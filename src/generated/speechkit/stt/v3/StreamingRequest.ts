// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { StreamingOptions as _speechkit_stt_v3_StreamingOptions, StreamingOptions__Output as _speechkit_stt_v3_StreamingOptions__Output } from '../../../speechkit/stt/v3/StreamingOptions.js';
import type { AudioChunk as _speechkit_stt_v3_AudioChunk, AudioChunk__Output as _speechkit_stt_v3_AudioChunk__Output } from '../../../speechkit/stt/v3/AudioChunk.js';
import type { SilenceChunk as _speechkit_stt_v3_SilenceChunk, SilenceChunk__Output as _speechkit_stt_v3_SilenceChunk__Output } from '../../../speechkit/stt/v3/SilenceChunk.js';
import type { Eou as _speechkit_stt_v3_Eou, Eou__Output as _speechkit_stt_v3_Eou__Output } from '../../../speechkit/stt/v3/Eou.js';

export interface StreamingRequest {
  /**
   * Must be the first message of a session.
   */
  'session_options'?: (_speechkit_stt_v3_StreamingOptions | null);
  'chunk'?: (_speechkit_stt_v3_AudioChunk | null);
  /**
   * Silence as a duration instead of bytes.
   */
  'silence_chunk'?: (_speechkit_stt_v3_SilenceChunk | null);
  /**
   * "The utterance ends here"; only with the external end-of-utterance classifier.
   */
  'eou'?: (_speechkit_stt_v3_Eou | null);
  'Event'?: "session_options"|"chunk"|"silence_chunk"|"eou";
}

export interface StreamingRequest__Output {
  /**
   * Must be the first message of a session.
   */
  'session_options'?: (_speechkit_stt_v3_StreamingOptions__Output | null);
  'chunk'?: (_speechkit_stt_v3_AudioChunk__Output | null);
  /**
   * Silence as a duration instead of bytes.
   */
  'silence_chunk'?: (_speechkit_stt_v3_SilenceChunk__Output | null);
  /**
   * "The utterance ends here"; only with the external end-of-utterance classifier.
   */
  'eou'?: (_speechkit_stt_v3_Eou__Output | null);
  'Event'?: "session_options"|"chunk"|"silence_chunk"|"eou";
}
