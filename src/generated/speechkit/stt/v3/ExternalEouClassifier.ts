// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


export interface ExternalEouClassifier {
}

export interface ExternalEouClassifier__Output {
}
