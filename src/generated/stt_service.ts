import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { RecognitionConfig as _yandex_cloud_ai_stt_v2_RecognitionConfig, RecognitionConfig__Output as _yandex_cloud_ai_stt_v2_RecognitionConfig__Output } from './yandex/cloud/ai/stt/v2/RecognitionConfig.js';
import type { RecognitionSpec as _yandex_cloud_ai_stt_v2_RecognitionSpec, RecognitionSpec__Output as _yandex_cloud_ai_stt_v2_RecognitionSpec__Output } from './yandex/cloud/ai/stt/v2/RecognitionSpec.js';
import type { SpeechRecognitionAlternative as _yandex_cloud_ai_stt_v2_SpeechRecognitionAlternative, SpeechRecognitionAlternative__Output as _yandex_cloud_ai_stt_v2_SpeechRecognitionAlternative__Output } from './yandex/cloud/ai/stt/v2/SpeechRecognitionAlternative.js';
import type { SpeechRecognitionChunk as _yandex_cloud_ai_stt_v2_SpeechRecognitionChunk, SpeechRecognitionChunk__Output as _yandex_cloud_ai_stt_v2_SpeechRecognitionChunk__Output } from './yandex/cloud/ai/stt/v2/SpeechRecognitionChunk.js';
import type { StreamingRecognitionRequest as _yandex_cloud_ai_stt_v2_StreamingRecognitionRequest, StreamingRecognitionRequest__Output as _yandex_cloud_ai_stt_v2_StreamingRecognitionRequest__Output } from './yandex/cloud/ai/stt/v2/StreamingRecognitionRequest.js';
import type { StreamingRecognitionResponse as _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse, StreamingRecognitionResponse__Output as _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse__Output } from './yandex/cloud/ai/stt/v2/StreamingRecognitionResponse.js';
import type { SttServiceClient as _yandex_cloud_ai_stt_v2_SttServiceClient, SttServiceDefinition as _yandex_cloud_ai_stt_v2_SttServiceDefinition } from './yandex/cloud/ai/stt/v2/SttService.js';
import type { WordInfo as _yandex_cloud_ai_stt_v2_WordInfo, WordInfo__Output as _yandex_cloud_ai_stt_v2_WordInfo__Output } from './yandex/cloud/ai/stt/v2/WordInfo.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
    }
  }
  yandex: {
    cloud: {
      ai: {
        stt: {
          v2: {
            RecognitionConfig: MessageTypeDefinition<_yandex_cloud_ai_stt_v2_RecognitionConfig, _yandex_cloud_ai_stt_v2_RecognitionConfig__Output>
            RecognitionSpec: MessageTypeDefinition<_yandex_cloud_ai_stt_v2_RecognitionSpec, _yandex_cloud_ai_stt_v2_RecognitionSpec__Output>
            SpeechRecognitionAlternative: MessageTypeDefinition<_yandex_cloud_ai_stt_v2_SpeechRecognitionAlternative, _yandex_cloud_ai_stt_v2_SpeechRecognitionAlternative__Output>
            SpeechRecognitionChunk: MessageTypeDefinition<_yandex_cloud_ai_stt_v2_SpeechRecognitionChunk, _yandex_cloud_ai_stt_v2_SpeechRecognitionChunk__Output>
            StreamingRecognitionRequest: MessageTypeDefinition<_yandex_cloud_ai_stt_v2_StreamingRecognitionRequest, _yandex_cloud_ai_stt_v2_StreamingRecognitionRequest__Output>
            StreamingRecognitionResponse: MessageTypeDefinition<_yandex_cloud_ai_stt_v2_StreamingRecognitionResponse, _yandex_cloud_ai_stt_v2_StreamingRecognitionResponse__Output>
            SttService: SubtypeConstructor<typeof grpc.Client, _yandex_cloud_ai_stt_v2_SttServiceClient> & { service: _yandex_cloud_ai_stt_v2_SttServiceDefinition }
            WordInfo: MessageTypeDefinition<_yandex_cloud_ai_stt_v2_WordInfo, _yandex_cloud_ai_stt_v2_WordInfo__Output>
          }
        }
      }
    }
  }
}

