import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { ListValue as _google_protobuf_ListValue, ListValue__Output as _google_protobuf_ListValue__Output } from './google/protobuf/ListValue.js';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from './google/protobuf/Struct.js';
import type { Value as _google_protobuf_Value, Value__Output as _google_protobuf_Value__Output } from './google/protobuf/Value.js';
import type { Alternative as _speechkit_stt_v3_Alternative, Alternative__Output as _speechkit_stt_v3_Alternative__Output } from './speechkit/stt/v3/Alternative.js';
import type { AlternativeUpdate as _speechkit_stt_v3_AlternativeUpdate, AlternativeUpdate__Output as _speechkit_stt_v3_AlternativeUpdate__Output } from './speechkit/stt/v3/AlternativeUpdate.js';
import type { AudioChunk as _speechkit_stt_v3_AudioChunk, AudioChunk__Output as _speechkit_stt_v3_AudioChunk__Output } from './speechkit/stt/v3/AudioChunk.js';
import type { AudioCursors as _speechkit_stt_v3_AudioCursors, AudioCursors__Output as _speechkit_stt_v3_AudioCursors__Output } from './speechkit/stt/v3/AudioCursors.js';
import type { AudioFormatOptions as _speechkit_stt_v3_AudioFormatOptions, AudioFormatOptions__Output as _speechkit_stt_v3_AudioFormatOptions__Output } from './speechkit/stt/v3/AudioFormatOptions.js';
import type { AudioSegmentBoundaries as _speechkit_stt_v3_AudioSegmentBoundaries, AudioSegmentBoundaries__Output as _speechkit_stt_v3_AudioSegmentBoundaries__Output } from './speechkit/stt/v3/AudioSegmentBoundaries.js';
import type { ContainerAudio as _speechkit_stt_v3_ContainerAudio, ContainerAudio__Output as _speechkit_stt_v3_ContainerAudio__Output } from './speechkit/stt/v3/ContainerAudio.js';
import type { ContentUsage as _speechkit_stt_v3_ContentUsage, ContentUsage__Output as _speechkit_stt_v3_ContentUsage__Output } from './speechkit/stt/v3/ContentUsage.js';
import type { ConversationAnalysis as _speechkit_stt_v3_ConversationAnalysis, ConversationAnalysis__Output as _speechkit_stt_v3_ConversationAnalysis__Output } from './speechkit/stt/v3/ConversationAnalysis.js';
import type { ConversationAnalysisOptions as _speechkit_stt_v3_ConversationAnalysisOptions, ConversationAnalysisOptions__Output as _speechkit_stt_v3_ConversationAnalysisOptions__Output } from './speechkit/stt/v3/ConversationAnalysisOptions.js';
import type { DefaultEouClassifier as _speechkit_stt_v3_DefaultEouClassifier, DefaultEouClassifier__Output as _speechkit_stt_v3_DefaultEouClassifier__Output } from './speechkit/stt/v3/DefaultEouClassifier.js';
import type { DescriptiveStatistics as _speechkit_stt_v3_DescriptiveStatistics, DescriptiveStatistics__Output as _speechkit_stt_v3_DescriptiveStatistics__Output } from './speechkit/stt/v3/DescriptiveStatistics.js';
import type { Eou as _speechkit_stt_v3_Eou, Eou__Output as _speechkit_stt_v3_Eou__Output } from './speechkit/stt/v3/Eou.js';
import type { EouClassifierOptions as _speechkit_stt_v3_EouClassifierOptions, EouClassifierOptions__Output as _speechkit_stt_v3_EouClassifierOptions__Output } from './speechkit/stt/v3/EouClassifierOptions.js';
import type { EouUpdate as _speechkit_stt_v3_EouUpdate, EouUpdate__Output as _speechkit_stt_v3_EouUpdate__Output } from './speechkit/stt/v3/EouUpdate.js';
import type { ExternalEouClassifier as _speechkit_stt_v3_ExternalEouClassifier, ExternalEouClassifier__Output as _speechkit_stt_v3_ExternalEouClassifier__Output } from './speechkit/stt/v3/ExternalEouClassifier.js';
import type { FinalRefinement as _speechkit_stt_v3_FinalRefinement, FinalRefinement__Output as _speechkit_stt_v3_FinalRefinement__Output } from './speechkit/stt/v3/FinalRefinement.js';
import type { JsonSchema as _speechkit_stt_v3_JsonSchema, JsonSchema__Output as _speechkit_stt_v3_JsonSchema__Output } from './speechkit/stt/v3/JsonSchema.js';
import type { LanguageEstimation as _speechkit_stt_v3_LanguageEstimation, LanguageEstimation__Output as _speechkit_stt_v3_LanguageEstimation__Output } from './speechkit/stt/v3/LanguageEstimation.js';
import type { LanguageRestrictionOptions as _speechkit_stt_v3_LanguageRestrictionOptions, LanguageRestrictionOptions__Output as _speechkit_stt_v3_LanguageRestrictionOptions__Output } from './speechkit/stt/v3/LanguageRestrictionOptions.js';
import type { PhraseHighlight as _speechkit_stt_v3_PhraseHighlight, PhraseHighlight__Output as _speechkit_stt_v3_PhraseHighlight__Output } from './speechkit/stt/v3/PhraseHighlight.js';
import type { RawAudio as _speechkit_stt_v3_RawAudio, RawAudio__Output as _speechkit_stt_v3_RawAudio__Output } from './speechkit/stt/v3/RawAudio.js';
import type { RecognitionClassifier as _speechkit_stt_v3_RecognitionClassifier, RecognitionClassifier__Output as _speechkit_stt_v3_RecognitionClassifier__Output } from './speechkit/stt/v3/RecognitionClassifier.js';
import type { RecognitionClassifierLabel as _speechkit_stt_v3_RecognitionClassifierLabel, RecognitionClassifierLabel__Output as _speechkit_stt_v3_RecognitionClassifierLabel__Output } from './speechkit/stt/v3/RecognitionClassifierLabel.js';
import type { RecognitionClassifierOptions as _speechkit_stt_v3_RecognitionClassifierOptions, RecognitionClassifierOptions__Output as _speechkit_stt_v3_RecognitionClassifierOptions__Output } from './speechkit/stt/v3/RecognitionClassifierOptions.js';
import type { RecognitionClassifierResult as _speechkit_stt_v3_RecognitionClassifierResult, RecognitionClassifierResult__Output as _speechkit_stt_v3_RecognitionClassifierResult__Output } from './speechkit/stt/v3/RecognitionClassifierResult.js';
import type { RecognitionClassifierUpdate as _speechkit_stt_v3_RecognitionClassifierUpdate, RecognitionClassifierUpdate__Output as _speechkit_stt_v3_RecognitionClassifierUpdate__Output } from './speechkit/stt/v3/RecognitionClassifierUpdate.js';
import type { RecognitionModelOptions as _speechkit_stt_v3_RecognitionModelOptions, RecognitionModelOptions__Output as _speechkit_stt_v3_RecognitionModelOptions__Output } from './speechkit/stt/v3/RecognitionModelOptions.js';
import type { RecognizerClient as _speechkit_stt_v3_RecognizerClient, RecognizerDefinition as _speechkit_stt_v3_RecognizerDefinition } from './speechkit/stt/v3/Recognizer.js';
import type { SessionUuid as _speechkit_stt_v3_SessionUuid, SessionUuid__Output as _speechkit_stt_v3_SessionUuid__Output } from './speechkit/stt/v3/SessionUuid.js';
import type { SilenceChunk as _speechkit_stt_v3_SilenceChunk, SilenceChunk__Output as _speechkit_stt_v3_SilenceChunk__Output } from './speechkit/stt/v3/SilenceChunk.js';
import type { SpeakerAnalysis as _speechkit_stt_v3_SpeakerAnalysis, SpeakerAnalysis__Output as _speechkit_stt_v3_SpeakerAnalysis__Output } from './speechkit/stt/v3/SpeakerAnalysis.js';
import type { SpeakerAnalysisOptions as _speechkit_stt_v3_SpeakerAnalysisOptions, SpeakerAnalysisOptions__Output as _speechkit_stt_v3_SpeakerAnalysisOptions__Output } from './speechkit/stt/v3/SpeakerAnalysisOptions.js';
import type { SpeakerLabelingOptions as _speechkit_stt_v3_SpeakerLabelingOptions, SpeakerLabelingOptions__Output as _speechkit_stt_v3_SpeakerLabelingOptions__Output } from './speechkit/stt/v3/SpeakerLabelingOptions.js';
import type { SpeechAnalysisOptions as _speechkit_stt_v3_SpeechAnalysisOptions, SpeechAnalysisOptions__Output as _speechkit_stt_v3_SpeechAnalysisOptions__Output } from './speechkit/stt/v3/SpeechAnalysisOptions.js';
import type { StatusCode as _speechkit_stt_v3_StatusCode, StatusCode__Output as _speechkit_stt_v3_StatusCode__Output } from './speechkit/stt/v3/StatusCode.js';
import type { StreamingOptions as _speechkit_stt_v3_StreamingOptions, StreamingOptions__Output as _speechkit_stt_v3_StreamingOptions__Output } from './speechkit/stt/v3/StreamingOptions.js';
import type { StreamingRequest as _speechkit_stt_v3_StreamingRequest, StreamingRequest__Output as _speechkit_stt_v3_StreamingRequest__Output } from './speechkit/stt/v3/StreamingRequest.js';
import type { StreamingResponse as _speechkit_stt_v3_StreamingResponse, StreamingResponse__Output as _speechkit_stt_v3_StreamingResponse__Output } from './speechkit/stt/v3/StreamingResponse.js';
import type { Summarization as _speechkit_stt_v3_Summarization, Summarization__Output as _speechkit_stt_v3_Summarization__Output } from './speechkit/stt/v3/Summarization.js';
import type { SummarizationOptions as _speechkit_stt_v3_SummarizationOptions, SummarizationOptions__Output as _speechkit_stt_v3_SummarizationOptions__Output } from './speechkit/stt/v3/SummarizationOptions.js';
import type { SummarizationProperty as _speechkit_stt_v3_SummarizationProperty, SummarizationProperty__Output as _speechkit_stt_v3_SummarizationProperty__Output } from './speechkit/stt/v3/SummarizationProperty.js';
import type { SummarizationPropertyResult as _speechkit_stt_v3_SummarizationPropertyResult, SummarizationPropertyResult__Output as _speechkit_stt_v3_SummarizationPropertyResult__Output } from './speechkit/stt/v3/SummarizationPropertyResult.js';
import type { TextNormalizationOptions as _speechkit_stt_v3_TextNormalizationOptions, TextNormalizationOptions__Output as _speechkit_stt_v3_TextNormalizationOptions__Output } from './speechkit/stt/v3/TextNormalizationOptions.js';
import type { Word as _speechkit_stt_v3_Word, Word__Output as _speechkit_stt_v3_Word__Output } from './speechkit/stt/v3/Word.js';
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
      ListValue: MessageTypeDefinition<_google_protobuf_ListValue, _google_protobuf_ListValue__Output>
      NullValue: EnumTypeDefinition
      Struct: MessageTypeDefinition<_google_protobuf_Struct, _google_protobuf_Struct__Output>
      Value: MessageTypeDefinition<_google_protobuf_Value, _google_protobuf_Value__Output>
    }
  }
  speechkit: {
    stt: {
      v3: {
        Alternative: MessageTypeDefinition<_speechkit_stt_v3_Alternative, _speechkit_stt_v3_Alternative__Output>
        AlternativeUpdate: MessageTypeDefinition<_speechkit_stt_v3_AlternativeUpdate, _speechkit_stt_v3_AlternativeUpdate__Output>
        AudioChunk: MessageTypeDefinition<_speechkit_stt_v3_AudioChunk, _speechkit_stt_v3_AudioChunk__Output>
        AudioCursors: MessageTypeDefinition<_speechkit_stt_v3_AudioCursors, _speechkit_stt_v3_AudioCursors__Output>
        AudioFormatOptions: MessageTypeDefinition<_speechkit_stt_v3_AudioFormatOptions, _speechkit_stt_v3_AudioFormatOptions__Output>
        AudioSegmentBoundaries: MessageTypeDefinition<_speechkit_stt_v3_AudioSegmentBoundaries, _speechkit_stt_v3_AudioSegmentBoundaries__Output>
        CodeType: EnumTypeDefinition
        ContainerAudio: MessageTypeDefinition<_speechkit_stt_v3_ContainerAudio, _speechkit_stt_v3_ContainerAudio__Output>
        ContentUsage: MessageTypeDefinition<_speechkit_stt_v3_ContentUsage, _speechkit_stt_v3_ContentUsage__Output>
        ConversationAnalysis: MessageTypeDefinition<_speechkit_stt_v3_ConversationAnalysis, _speechkit_stt_v3_ConversationAnalysis__Output>
        ConversationAnalysisOptions: MessageTypeDefinition<_speechkit_stt_v3_ConversationAnalysisOptions, _speechkit_stt_v3_ConversationAnalysisOptions__Output>
        DefaultEouClassifier: MessageTypeDefinition<_speechkit_stt_v3_DefaultEouClassifier, _speechkit_stt_v3_DefaultEouClassifier__Output>
        DescriptiveStatistics: MessageTypeDefinition<_speechkit_stt_v3_DescriptiveStatistics, _speechkit_stt_v3_DescriptiveStatistics__Output>
        Eou: MessageTypeDefinition<_speechkit_stt_v3_Eou, _speechkit_stt_v3_Eou__Output>
        EouClassifierOptions: MessageTypeDefinition<_speechkit_stt_v3_EouClassifierOptions, _speechkit_stt_v3_EouClassifierOptions__Output>
        EouUpdate: MessageTypeDefinition<_speechkit_stt_v3_EouUpdate, _speechkit_stt_v3_EouUpdate__Output>
        ExternalEouClassifier: MessageTypeDefinition<_speechkit_stt_v3_ExternalEouClassifier, _speechkit_stt_v3_ExternalEouClassifier__Output>
        FinalRefinement: MessageTypeDefinition<_speechkit_stt_v3_FinalRefinement, _speechkit_stt_v3_FinalRefinement__Output>
        JsonSchema: MessageTypeDefinition<_speechkit_stt_v3_JsonSchema, _speechkit_stt_v3_JsonSchema__Output>
        LanguageEstimation: MessageTypeDefinition<_speechkit_stt_v3_LanguageEstimation, _speechkit_stt_v3_LanguageEstimation__Output>
        LanguageRestrictionOptions: MessageTypeDefinition<_speechkit_stt_v3_LanguageRestrictionOptions, _speechkit_stt_v3_LanguageRestrictionOptions__Output>
        PhraseHighlight: MessageTypeDefinition<_speechkit_stt_v3_PhraseHighlight, _speechkit_stt_v3_PhraseHighlight__Output>
        RawAudio: MessageTypeDefinition<_speechkit_stt_v3_RawAudio, _speechkit_stt_v3_RawAudio__Output>
        RecognitionClassifier: MessageTypeDefinition<_speechkit_stt_v3_RecognitionClassifier, _speechkit_stt_v3_RecognitionClassifier__Output>
        RecognitionClassifierLabel: MessageTypeDefinition<_speechkit_stt_v3_RecognitionClassifierLabel, _speechkit_stt_v3_RecognitionClassifierLabel__Output>
        RecognitionClassifierOptions: MessageTypeDefinition<_speechkit_stt_v3_RecognitionClassifierOptions, _speechkit_stt_v3_RecognitionClassifierOptions__Output>
        RecognitionClassifierResult: MessageTypeDefinition<_speechkit_stt_v3_RecognitionClassifierResult, _speechkit_stt_v3_RecognitionClassifierResult__Output>
        RecognitionClassifierUpdate: MessageTypeDefinition<_speechkit_stt_v3_RecognitionClassifierUpdate, _speechkit_stt_v3_RecognitionClassifierUpdate__Output>
        RecognitionModelOptions: MessageTypeDefinition<_speechkit_stt_v3_RecognitionModelOptions, _speechkit_stt_v3_RecognitionModelOptions__Output>
        Recognizer: SubtypeConstructor<typeof grpc.Client, _speechkit_stt_v3_RecognizerClient> & { service: _speechkit_stt_v3_RecognizerDefinition }
        SessionUuid: MessageTypeDefinition<_speechkit_stt_v3_SessionUuid, _speechkit_stt_v3_SessionUuid__Output>
        SilenceChunk: MessageTypeDefinition<_speechkit_stt_v3_SilenceChunk, _speechkit_stt_v3_SilenceChunk__Output>
        SpeakerAnalysis: MessageTypeDefinition<_speechkit_stt_v3_SpeakerAnalysis, _speechkit_stt_v3_SpeakerAnalysis__Output>
        SpeakerAnalysisOptions: MessageTypeDefinition<_speechkit_stt_v3_SpeakerAnalysisOptions, _speechkit_stt_v3_SpeakerAnalysisOptions__Output>
        SpeakerLabelingOptions: MessageTypeDefinition<_speechkit_stt_v3_SpeakerLabelingOptions, _speechkit_stt_v3_SpeakerLabelingOptions__Output>
        SpeechAnalysisOptions: MessageTypeDefinition<_speechkit_stt_v3_SpeechAnalysisOptions, _speechkit_stt_v3_SpeechAnalysisOptions__Output>
        StatusCode: MessageTypeDefinition<_speechkit_stt_v3_StatusCode, _speechkit_stt_v3_StatusCode__Output>
        StreamingOptions: MessageTypeDefinition<_speechkit_stt_v3_StreamingOptions, _speechkit_stt_v3_StreamingOptions__Output>
        StreamingRequest: MessageTypeDefinition<_speechkit_stt_v3_StreamingRequest, _speechkit_stt_v3_StreamingRequest__Output>
        StreamingResponse: MessageTypeDefinition<_speechkit_stt_v3_StreamingResponse, _speechkit_stt_v3_StreamingResponse__Output>
        Summarization: MessageTypeDefinition<_speechkit_stt_v3_Summarization, _speechkit_stt_v3_Summarization__Output>
        SummarizationOptions: MessageTypeDefinition<_speechkit_stt_v3_SummarizationOptions, _speechkit_stt_v3_SummarizationOptions__Output>
        SummarizationProperty: MessageTypeDefinition<_speechkit_stt_v3_SummarizationProperty, _speechkit_stt_v3_SummarizationProperty__Output>
        SummarizationPropertyResult: MessageTypeDefinition<_speechkit_stt_v3_SummarizationPropertyResult, _speechkit_stt_v3_SummarizationPropertyResult__Output>
        TextNormalizationOptions: MessageTypeDefinition<_speechkit_stt_v3_TextNormalizationOptions, _speechkit_stt_v3_TextNormalizationOptions__Output>
        Word: MessageTypeDefinition<_speechkit_stt_v3_Word, _speechkit_stt_v3_Word__Output>
      }
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

