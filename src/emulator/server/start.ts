import { Server, type ServerDuplexStream } from '@grpc/grpc-js';
import type { StreamingRequest__Output as V3Request } from '../../generated/speechkit/stt/v3/StreamingRequest.js';
import type { StreamingResponse as V3Response } from '../../generated/speechkit/stt/v3/StreamingResponse.js';
import type { StreamingRecognitionRequest__Output } from '../../generated/yandex/cloud/ai/stt/v2/StreamingRecognitionRequest.js';
import type { StreamingRecognitionResponse } from '../../generated/yandex/cloud/ai/stt/v2/StreamingRecognitionResponse.js';
import { resolveAuth } from '../auth/credentials.js';
import { startIam } from '../auth/iam.js';
import type { ActiveSession, SessionContext } from '../call/session-context.js';
import { SessionRecordImpl, type SessionRecord } from '../call/session-record.js';
import { isGrpcStatusName, type GrpcStatusName } from '../call/status.js';
import { FaultRegistry, type FaultRule } from '../faults/fault-rules.js';
import { grpcServerCredentials } from '../network/tls.js';
import { sttV2ServiceDefinition } from '../v2/proto.js';
import { V2Session } from '../v2/session.js';
import { sttV3ServiceDefinition } from '../v3/proto.js';
import { V3Session } from '../v3/session.js';
import type { Emulator, EmulatorOptions } from './options.js';
import { resolveServerOptions } from './resolve-options.js';

/** How long `close()` lets connections drain before forcing them shut. */
const GRACEFUL_SHUTDOWN_MS = 1_000;

/**
 * Starts a gRPC server that speaks SpeechKit's streaming recognition, API v2 and API v3, on a local
 * port. Services are registered side by side on one server and share limits, faults and session
 * records, so an IAM token endpoint can join the same way.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { host, port: requestedPort, responseDelayMs, statusEveryMs, limits, profile, timing } = resolveServerOptions(options);
  const faults = new FaultRegistry();
  for (const rule of options.faults ?? []) faults.add(rule);
  const logger = options.logger;
  const log = (line: string) => logger?.(`[speechkit-emulator] ${line}`);
  const iam = options.iam ? await startIam(options.iam, { host, tls: options.tls, log }) : undefined;
  const auth = { ...resolveAuth(options.auth), issued: iam?.authority, endSessionsOnExpiry: options.iam?.endSessionsOnExpiry ?? false };
  const sessions: SessionRecord[] = [];
  const active = new Set<ActiveSession>();
  let nextIndex = 0;

  const ctx: SessionContext = {
    limits,
    timing,
    auth,
    responseDelayMs,
    profile,
    log,
    openSession: (init) => {
      const record = new SessionRecordImpl({ index: nextIndex++, ...init, keepAudio: options.recordAudio ?? true });
      sessions.push(record);
      return { record, faults: faults.takeFor(record.index) };
    },
    track: (session) => active.add(session),
    untrack: (session) => active.delete(session),
  };

  const server = new Server();
  server.addService(sttV2ServiceDefinition(), {
    StreamingRecognize: (call: ServerDuplexStream<StreamingRecognitionRequest__Output, StreamingRecognitionResponse>) =>
      new V2Session(call, ctx).start(),
  });
  server.addService(sttV3ServiceDefinition(), {
    RecognizeStreaming: (call: ServerDuplexStream<V3Request, V3Response>) => new V3Session(call, ctx, { statusEveryMs }).start(),
  });

  const bindHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const credentials = grpcServerCredentials(options.tls);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${bindHost}:${requestedPort}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound)));
  }).catch(async (error: unknown) => {
    await iam?.close();
    throw error;
  });
  const address = `${bindHost}:${port}`;
  ctx.log(`listening on ${address}`);

  let closing: Promise<void> | null = null;
  return {
    address,
    port,
    iam: iam?.api,
    sessions,
    addFault(rule: FaultRule): void {
      faults.add(rule);
    },
    refuseNext(count: number, status: GrpcStatusName = 'UNAVAILABLE'): void {
      if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
      if (!isGrpcStatusName(status)) throw new TypeError(`unknown status ${String(status)}`);
      if (count === 0) return;
      faults.add({ action: 'refuse', times: count, status });
    },
    reset(): void {
      sessions.length = 0;
      nextIndex = 0;
      faults.clear();
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        for (const session of [...active]) session.shutdown('emulator shutting down');
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, GRACEFUL_SHUTDOWN_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      })
        .then(() => iam?.close())
        .then(() => ctx.log('closed'));
      return closing;
    },
  };
}
