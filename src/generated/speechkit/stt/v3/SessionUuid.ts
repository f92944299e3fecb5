// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto


export interface SessionUuid {
  'uuid'?: (string);
  'user_request_id'?: (string);
}

export interface SessionUuid__Output {
  'uuid': (string);
  'user_request_id': (string);
}
