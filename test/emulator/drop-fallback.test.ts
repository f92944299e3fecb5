import { EventEmitter } from 'node:events';
import { constants as http2Constants } from 'node:http2';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/emulator/auth/credentials.js';
import type { SessionContext } from '../../src/emulator/call/session-context.js';
import { resolveLimits, resolveRecognizerTiming } from '../../src/emulator/limits/limits.js';
import { resolveProfile } from '../../src/emulator/server/profile.js';
import { SessionRecordImpl } from '../../src/emulator/call/session-record.js';
import { EMULATOR_IAM_TOKEN } from '../../src/emulator/index.js';
import { V2Session } from '../../src/emulator/v2/session.js';

/** Just enough of a grpc-js server call to drive a session without a network. */
class FakeCall extends EventEmitter {
  metadata = new Metadata();
  statuses: { code: number; details: string }[] = [];
  ended = false;
  call: unknown;
  constructor(internals: unknown) {
    super();
    this.call = internals;
    this.metadata.set('authorization', `Bearer ${EMULATOR_IAM_TOKEN}`);
    this.on('error', (status: { code: number; details: string }) => this.statuses.push(status));
  }
  sendMetadata(): void {}
  write(): boolean {
    return true;
  }
  end(): void {
    this.ended = true;
  }
}

function drive(internals: unknown): { call: FakeCall; record: SessionRecordImpl } {
  const call = new FakeCall(internals);
  let record!: SessionRecordImpl;
  const ctx: SessionContext = {
    limits: resolveLimits(),
    timing: resolveRecognizerTiming(),
    auth: resolveAuth(),
    responseDelayMs: 0,
    profile: resolveProfile('lenient'),
    log: () => {},
    openSession: (init) => {
      record = new SessionRecordImpl({ index: 0, ...init });
      return { record, faults: [{ action: 'drop' }] };
    },
    track: () => {},
    untrack: () => {},
  };
  new V2Session(call as unknown as ServerDuplexStream<never, never>, ctx).start();
  call.emit('data', { streaming_request: 'config', config: { specification: null, folder_id: '' } });
  return { call, record };
}

describe('drop without the usual grpc-js internals', () => {
  it('ends with UNAVAILABLE "connection dropped" when no HTTP/2 stream is reachable', () => {
    const { call, record } = drive(undefined);
    expect(call.statuses).toEqual([expect.objectContaining({ code: 14, details: 'connection dropped' })]);
    expect(record.status).toEqual({ code: 14, name: 'UNAVAILABLE', details: 'connection dropped' });
    expect(record.faults).toEqual(['drop']);
  });

  it('resets the stream when the stream is reachable but its session is not', () => {
    const closed: number[] = [];
    const stream = { session: undefined, respond: () => {}, close: (code: number) => closed.push(code) };
    const { call, record } = drive({ nextCall: { stream } });
    expect(closed).toEqual([http2Constants.NGHTTP2_INTERNAL_ERROR]);
    expect(call.statuses).toEqual([]);
    expect(record.status?.name).toBe('INTERNAL');
  });

  it('destroys the HTTP/2 session when reachable, through an interceptor chain', () => {
    let destroyed = 0;
    const stream = { session: { destroy: () => destroyed++ }, respond: () => {}, close: () => {} };
    const { call, record } = drive({ nextCall: { nextCall: { stream } } });
    expect(destroyed).toBe(1);
    expect(call.statuses).toEqual([]);
    expect(record.status).toEqual({ code: 14, name: 'UNAVAILABLE', details: 'connection dropped' });
  });
});
