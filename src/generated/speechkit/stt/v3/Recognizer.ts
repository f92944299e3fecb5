// Original file: proto/yandex/cloud/ai/stt/v3/stt_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { StreamingRequest as _speechkit_stt_v3_StreamingRequest, StreamingRequest__Output as _speechkit_stt_v3_StreamingRequest__Output } from '../../../speechkit/stt/v3/StreamingRequest.js';
import type { StreamingResponse as _speechkit_stt_v3_StreamingResponse, StreamingResponse__Output as _speechkit_stt_v3_StreamingResponse__Output } from '../../../speechkit/stt/v3/StreamingResponse.js';

export interface RecognizerClient extends grpc.Client {
  /**
   * Path: /speechkit.stt.v3.Recognizer/RecognizeStreaming
   * First message: session_options; then chunk, silence_chunk and eou in any order.
   */
  RecognizeStreaming(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_speechkit_stt_v3_StreamingRequest, _speechkit_stt_v3_StreamingResponse__Output>;
  RecognizeStreaming(options?: grpc.CallOptions): grpc.ClientDuplexStream<_speechkit_stt_v3_StreamingRequest, _speechkit_stt_v3_StreamingResponse__Output>;
  /**
   * Path: /speechkit.stt.v3.Recognizer/RecognizeStreaming
   * First message: session_options; then chunk, silence_chunk and eou in any order.
   */
  recognizeStreaming(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_speechkit_stt_v3_StreamingRequest, _speechkit_stt_v3_StreamingResponse__Output>;
  recognizeStreaming(options?: grpc.CallOptions): grpc.ClientDuplexStream<_speechkit_stt_v3_StreamingRequest, _speechkit_stt_v3_StreamingResponse__Output>;
  
}

export interface RecognizerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Path: /speechkit.stt.v3.Recognizer/RecognizeStreaming
   * First message: session_options; then chunk, silence_chunk and eou in any order.
   */
  RecognizeStreaming: grpc.handleBidiStreamingCall<_speechkit_stt_v3_StreamingRequest__Output, _speechkit_stt_v3_StreamingResponse>;
  
}

export interface RecognizerDefinition extends grpc.ServiceDefinition {
  RecognizeStreaming: MethodDefinition<_speechkit_stt_v3_StreamingRequest, _speechkit_stt_v3_StreamingResponse, _speechkit_stt_v3_StreamingRequest__Output, _speechkit_stt_v3_StreamingResponse__Output>
}
