// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


export interface Eou {
}

export interface Eou__Output {
}
