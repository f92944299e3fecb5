// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


export interface AudioChunk {
  'data'?: (Buffer | Uint8Array | string);
}

export interface AudioChunk__Output {
  'data': (Buffer);
}
