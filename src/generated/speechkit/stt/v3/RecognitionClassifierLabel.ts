// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


export interface RecognitionClassifierLabel {
  'label'?: (string);
  'confidence'?: (number | string);
}

export interface RecognitionClassifierLabel__Output {
  'label': (string);
  'confidence': (number);
}
