import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../generated/stt_service.js';
import { LOADER_OPTIONS } from '../v2/proto.js';

/** The v3 service file; its package is `speechkit.stt.v3`. */
export const STT_V3_PROTO = 'yandex/cloud/ai/stt/v3/stt_service.proto';

let sttV3: ProtoGrpcType | undefined;

/** `/speechkit.stt.v3.Recognizer` (loaded once per process). */
export function sttV3ServiceDefinition(): ServiceDefinition {
  sttV3 ??= loadPackageDefinition(loadSync(STT_V3_PROTO, LOADER_OPTIONS)) as unknown as ProtoGrpcType;
  return sttV3.speechkit.stt.v3.Recognizer.service;
}
