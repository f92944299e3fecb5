// Original file: proto/yandex/cloud/ai/stt/v2/stt_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { StreamingRecognitionRequest as _yandex_cloud_ai_stt_v2_StreamingRecognitionRequest, StreamingRecognitionRequest__Output as _yandex_cloud_ai_stt_v2_StreamingRecognitionRequest__Output } from '../../../../../yandex/cloud/ai/stt/v2/StreamingRecognitionRequest.js';
import type { StreamingRecognitionResponse as _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse, StreamingRecognitionResponse__Output as _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse__Output } from '../../../../../yandex/cloud/ai/stt/v2/StreamingRecognitionResponse.js';

export interface SttServiceClient extends grpc.Client {
  /**
   * Path: /yandex.cloud.ai.stt.v2.SttService/StreamingRecognize
   */
  StreamingRecognize(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_yandex_cloud_ai_stt_v2_StreamingRecognitionRequest, _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse__Output>;
  StreamingRecognize(options?: grpc.CallOptions): grpc.ClientDuplexStream<_yandex_cloud_ai_stt_v2_StreamingRecognitionRequest, _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse__Output>;
  /**
   * Path: /yandex.cloud.ai.stt.v2.SttService/StreamingRecognize
   */
  streamingRecognize(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_yandex_cloud_ai_stt_v2_StreamingRecognitionRequest, _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse__Output>;
  streamingRecognize(options?: grpc.CallOptions): grpc.ClientDuplexStream<_yandex_cloud_ai_stt_v2_StreamingRecognitionRequest, _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse__Output>;
  
}

export interface SttServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Path: /yandex.cloud.ai.stt.v2.SttService/StreamingRecognize
   */
  StreamingRecognize: grpc.handleBidiStreamingCall<_yandex_cloud_ai_stt_v2_StreamingRecognitionRequest__Output, _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse>;
  
}

export interface SttServiceDefinition extends grpc.ServiceDefinition {
  StreamingRecognize: MethodDefinition<_yandex_cloud_ai_stt_v2_StreamingRecognitionRequest, _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse, _yandex_cloud_ai_stt_v2_StreamingRecognitionRequest__Output, _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse__Output>
}
