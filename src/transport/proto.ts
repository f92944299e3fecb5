import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';

/** The same options the message types in `src/generated` were generated with. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

export const METHOD_PATHS = {
  v2: '/yandex.cloud.ai.stt.v2.SttService/StreamingRecognize',
  v3: '/speechkit.stt.v3.Recognizer/RecognizeStreaming',
} as const;

const PROTO_FILES = { v2: 'yandex/cloud/ai/stt/v2/stt_service.proto', v3: 'yandex/cloud/ai/stt/v3/stt_service.proto' } as const;
// The v3 package is `speechkit.stt.v3`, not `yandex.cloud.ai.stt.v3`, although the file lives under yandex/.
const SERVICES = { v2: 'yandex.cloud.ai.stt.v2.SttService', v3: 'speechkit.stt.v3.Recognizer' } as const;

export interface MethodCodec {
  path: string;
  serialize: (value: unknown) => Buffer;
  deserialize: (bytes: Buffer) => unknown;
}

const codecs = new Map<string, MethodCodec>();

/** Loads a method's codec once per process (parsing the .proto costs tens of ms). */
export function methodCodec(api: keyof typeof METHOD_PATHS): MethodCodec {
  let codec = codecs.get(api);
  if (!codec) {
    const definition = protoLoader.loadSync(PROTO_FILES[api], { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] });
    const service = definition[SERVICES[api]] as protoLoader.ServiceDefinition;
    const method = Object.values(service)[0]!;
    const created: MethodCodec = {
      path: method.path,
      serialize: method.requestSerialize as (value: unknown) => Buffer,
      deserialize: method.responseDeserialize as (bytes: Buffer) => unknown,
    };
    codecs.set(api, created);
    return created;
  }
  return codec;
}

/** Message codecs by full name, for tests of the wire format. */
export function messageType(api: keyof typeof METHOD_PATHS, fullName: string): protoLoader.MessageTypeDefinition<object, object> {
  const definition = protoLoader.loadSync(PROTO_FILES[api], { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] });
  const type = definition[fullName];
  if (!type || !('format' in type) || type.format !== 'Protocol Buffer 3 DescriptorProto') throw new Error(`No message ${fullName}`);
  return type as protoLoader.MessageTypeDefinition<object, object>;
}
