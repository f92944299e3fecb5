import { status as GrpcStatus } from '@grpc/grpc-js';

/** gRPC status names a fault may end a call with. */
export type GrpcStatusName =
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED';

/** How a session ended. */
export interface SessionStatus {
  code: number;
  name: string;
  details: string;
}

const STATUS_NAMES: readonly GrpcStatusName[] = [
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

export function isGrpcStatusName(value: unknown): value is GrpcStatusName {
  return typeof value === 'string' && (STATUS_NAMES as readonly string[]).includes(value);
}

export function statusCode(name: GrpcStatusName | 'OK'): number {
  return GrpcStatus[name];
}

export function statusName(code: number): string {
  return GrpcStatus[code] ?? `CODE_${code}`;
}

export function makeStatus(name: GrpcStatusName | 'OK', details: string): SessionStatus {
  return { code: statusCode(name), name, details };
}

export const OK_STATUS: SessionStatus = Object.freeze(makeStatus('OK', 'OK'));
