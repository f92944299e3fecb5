import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import { prefixInPlace, withPrefix } from './wire-headroom.js';

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
  const codec = codecs.get(api);
  if (!codec) {
    const definition = protoLoader.loadSync(PROTO_FILES[api], { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] });
    const service = definition[SERVICES[api]] as protoLoader.ServiceDefinition;
    const method = Object.values(service)[0]!;
    const serialize = method.requestSerialize as (value: unknown) => Buffer;
    const created: MethodCodec = {
      path: method.path,
      serialize: (value) => (api === 'v2' ? encodeV2Audio(value, withPrefix) : encodeV3Audio(value, withPrefix)) ?? serialize(value),
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

/** Field 2, wire type 2 (length-delimited): v2 `audio_content`, v3 `chunk`. */
const FIELD_2_BYTES = (2 << 3) | 2;
/** Field 1, wire type 2: v3 `AudioChunk.data`. */
const FIELD_1_BYTES = (1 << 3) | 2;
const header = new Uint8Array(10);

function writeVarint(at: number, value: number): number {
  while (value > 0x7f) {
    header[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  header[at++] = value;
  return at;
}

function varintLength(value: number): number {
  let n = 1;
  while (value > 0x7f) {
    value >>>= 7;
    n++;
  }
  return n;
}

/**
 * An audio message is a few header bytes and the audio: written in front of a frame's audio (see
 * `prefixInPlace`), that is the whole message, with no encoder and no copy. Runs for every message
 * of every stream; anything else goes through the generic encoder.
 */
export function encodeV2AudioInPlace(value: unknown): Buffer | undefined {
  return encodeV2Audio(value, prefixInPlace);
}

/** v3 `StreamingRequest { chunk: AudioChunk { data } }`, as `encodeV2AudioInPlace`. */
export function encodeV3AudioInPlace(value: unknown): Buffer | undefined {
  return encodeV3Audio(value, prefixInPlace);
}

/** How the header meets the audio: in place only, or in place else one copy (`withPrefix`). */
type Prefixer = (data: Uint8Array, prefix: Uint8Array, prefixLength: number) => Buffer | undefined;

/**
 * A frame cut from a written buffer (see `PcmFramer`) has no room in front: the message is then
 * built with one copy, cheaper than the generic encoder's writer; undefined for other messages.
 */
function encodeV2Audio(value: unknown, prefix: Prefixer): Buffer | undefined {
  const audio = (value as { audio_content?: unknown }).audio_content;
  if (!(audio instanceof Uint8Array) || audio.length === 0 || (value as { config?: unknown }).config !== undefined) return undefined;
  header[0] = FIELD_2_BYTES;
  return prefix(audio, header, writeVarint(1, audio.length));
}

function encodeV3Audio(value: unknown, prefix: Prefixer): Buffer | undefined {
  const chunk = (value as { chunk?: { data?: unknown } }).chunk;
  const audio = chunk?.data;
  if (!(audio instanceof Uint8Array) || audio.length === 0 || Object.keys(value as object).length !== 1 || Object.keys(chunk!).length !== 1) return undefined;
  header[0] = FIELD_2_BYTES;
  let n = writeVarint(1, 1 + varintLength(audio.length) + audio.length);
  header[n++] = FIELD_1_BYTES;
  n = writeVarint(n, audio.length);
  return prefix(audio, header, n);
}
