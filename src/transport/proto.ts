import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import { prefixInPlace } from '../audio/frame-buffer.js';

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
} as const;

const PROTO_FILES = { v2: 'yandex/cloud/ai/stt/v2/stt_service.proto' } as const;
const SERVICES = { v2: 'yandex.cloud.ai.stt.v2.SttService' } as const;

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
    const serialize = method.requestSerialize as (value: unknown) => Buffer;
    const created: MethodCodec = {
      path: method.path,
      serialize: api === 'v2' ? (value) => encodeV2AudioInPlace(value) ?? serialize(value) : serialize,
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

/** Field 2 (`audio_content`), wire type 2 (length-delimited), of v2 `StreamingRecognitionRequest`. */
const V2_AUDIO_CONTENT_TAG = (2 << 3) | 2;
const header = new Uint8Array(6);

/**
 * A v2 audio message is its tag, its length as a varint, and the audio: written in front of a
 * frame's audio (see `prefixInPlace`), that is the whole message, with no encoder and no copy.
 * Runs for every message of every stream; anything else goes through the generic encoder.
 */
export function encodeV2AudioInPlace(value: unknown): Buffer | undefined {
  const audio = (value as { audio_content?: unknown }).audio_content;
  if (!(audio instanceof Uint8Array) || (value as { config?: unknown }).config !== undefined) return undefined;
  let length = audio.length;
  let n = 0;
  header[n++] = V2_AUDIO_CONTENT_TAG;
  while (length > 0x7f) {
    header[n++] = (length & 0x7f) | 0x80;
    length >>>= 7;
  }
  header[n++] = length;
  return prefixInPlace(audio, header, n);
}
