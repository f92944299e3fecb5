// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


export interface SummarizationPropertyResult {
  'response'?: (string);
}

export interface SummarizationPropertyResult__Output {
  'response': (string);
}
