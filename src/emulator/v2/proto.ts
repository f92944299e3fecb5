import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ProtoGrpcType as SttV2Grpc } from '../../generated/stt_service.js';

/**
 * The repository's `proto/` directory. The same relative step works from `src/emulator/v2/` and
 * from the compiled `dist/emulator/v2/`, and `proto/` ships in the package.
 */
export const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

/** Must match the options the types in `src/generated` were generated with; v3 loads with them too. */
export const LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export const STT_V2_PROTO = 'yandex/cloud/ai/stt/v2/stt_service.proto';

let sttV2: SttV2Grpc | undefined;

/** The loaded v2 package (loaded once per process). */
export function loadSttV2(): SttV2Grpc {
  sttV2 ??= loadPackageDefinition(loadSync(STT_V2_PROTO, LOADER_OPTIONS)) as unknown as SttV2Grpc;
  return sttV2;
}

export function sttV2ServiceDefinition(): ServiceDefinition {
  return loadSttV2().yandex.cloud.ai.stt.v2.SttService.service;
}
