import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { METHOD_PATHS, PROTO_DIR, PROTO_LOADER_OPTIONS } from '../../src/transport/proto.js';

/**
 * A hostile middlebox for the secret-leak tests: a real gRPC server on loopback that forwards
 * every call, byte for byte, to an upstream (the emulator), and puts what it was sent — the
 * `authorization` header, plus whatever else the test plants — into every response header,
 * every status's details, every trailer and (API v3) a status message of its own. It can also
 * fail chosen calls itself, so that failure paths carry the echo too.
 */

export interface ProxyFault {
  /** gRPC status code. */
  code: number;
  /** Fail after this many request messages have been forwarded (the settings message counts). */
  afterMessages: number;
}

export interface EchoProxyOptions {
  upstream: string;
  /** More secrets to echo, read at each call (the JWTs and tokens seen so far, key lines). */
  planted: () => readonly string[];
  /** The fault for the call with this 0-based index, if any. */
  fault?: (call: number) => ProxyFault | undefined;
}

export interface EchoProxy {
  readonly address: string;
  /** Calls received so far. */
  readonly calls: number;
  /** Every credential that arrived in an `authorization` header (the scheme removed). */
  readonly credentialsSeen: ReadonlySet<string>;
  close(): Promise<void>;
}

const identity = (b: Buffer) => b;

let v3StatusSerializer: ((value: unknown) => Buffer) | undefined;
function v3Status(message: string): Buffer {
  if (!v3StatusSerializer) {
    const definition = protoLoader.loadSync('yandex/cloud/ai/stt/v3/stt_service.proto', { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] });
    const method = Object.values(definition['speechkit.stt.v3.Recognizer'] as protoLoader.ServiceDefinition)[0]!;
    v3StatusSerializer = method.responseSerialize as (value: unknown) => Buffer;
  }
  return v3StatusSerializer({ status_code: { code_type: 'WARNING', message } });
}

/** Header values must be printable ASCII without outer spaces (else they are dropped); a PEM's line breaks become spaces. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, ' ').trim();
}

export async function startEchoProxy(options: EchoProxyOptions): Promise<EchoProxy> {
  const upstream = new grpc.Client(options.upstream, grpc.credentials.createInsecure());
  const server = new grpc.Server();
  const seen = new Set<string>();
  let calls = 0;

  const handler = (api: 'v2' | 'v3') => (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
    const index = calls++;
    const authorization = String(call.metadata.get('authorization')[0] ?? '');
    const credential = authorization.slice(authorization.indexOf(' ') + 1);
    if (credential) seen.add(credential);
    const planted = options.planted().map(headerSafe);
    // Whole values in the headers that are small, fragments of the large ones everywhere.
    const echo = (tag: string) => headerSafe(`${tag} ${authorization} ${credential} ${planted.join(' ')}`);
    const trailers = () => {
      const md = new grpc.Metadata();
      md.set('x-echo-authorization', headerSafe(authorization));
      md.set('x-request-id', echo('trailer'));
      planted.forEach((value, i) => md.set(`x-echo-planted-${i}`, value));
      return md;
    };
    let headersSent = false;
    const sendHeaders = (from?: grpc.Metadata) => {
      if (headersSent) return;
      headersSent = true;
      const md = from?.clone() ?? new grpc.Metadata();
      md.set('x-request-id', echo(`req-${index}`));
      md.set('x-server-trace-id', echo(`trace-${index}`));
      md.set('x-echo-authorization', headerSafe(authorization));
      call.sendMetadata(md);
    };
    let done = false;
    let statusSent = false;
    const sendStatusMessage = () => {
      if (api !== 'v3' || statusSent) return;
      statusSent = true;
      call.write(v3Status(`proxy warning: ${echo('v3-status')}`));
    };
    const finish = (code: number, details: string) => {
      if (done) return;
      done = true;
      sendHeaders();
      sendStatusMessage();
      const echoed = `${details} [echo: ${echo('status')}]`;
      if (code === grpc.status.OK) call.end(trailers());
      else call.emit('error', { code, details: echoed, metadata: trailers() });
    };

    const forwarded = call.metadata.clone();
    const up = upstream.makeBidiStreamRequest(METHOD_PATHS[api], identity, identity, forwarded);
    up.on('metadata', (md: grpc.Metadata) => {
      sendHeaders(md);
      sendStatusMessage();
    });
    up.on('data', (message: Buffer) => {
      if (!done) call.write(message);
    });
    up.on('status', (status: grpc.StatusObject) => finish(status.code, status.details));
    up.on('error', () => {});
    const fault = options.fault?.(index);
    let received = 0;
    call.on('data', (message: Buffer) => {
      if (done) return;
      received++;
      if (fault && received > fault.afterMessages) {
        up.cancel();
        finish(fault.code, `proxy fault ${grpc.status[fault.code]}`);
        return;
      }
      up.write(message);
    });
    call.on('end', () => up.end());
    call.on('cancelled', () => {
      done = true;
      up.cancel();
    });
    call.on('error', () => up.cancel());
  };

  for (const api of ['v2', 'v3'] as const) {
    server.register(METHOD_PATHS[api], handler(api), identity, identity, 'bidi');
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    address: `127.0.0.1:${port}`,
    get calls() {
      return calls;
    },
    credentialsSeen: seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        upstream.close();
        resolve();
      }),
  };
}

export interface RecordingIam {
  readonly url: string;
  /** Every JWT sent and every token issued, in order. */
  readonly jwts: string[];
  readonly tokens: string[];
  close(): void;
}

/**
 * Forwards IAM token requests to `upstream()` (read per request, so the upstream may start after
 * this, told to expect this URL as the JWTs' audience) and records the JWTs and the issued tokens.
 */
export async function startRecordingIam(upstream: () => string): Promise<RecordingIam> {
  const jwts: string[] = [];
  const tokens: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    const relay = async () => {
      try {
        jwts.push(String(JSON.parse(body).jwt));
        const answer = await fetch(upstream(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await answer.text();
        if (answer.ok) tokens.push(String(JSON.parse(text).iamToken));
        res.statusCode = answer.status;
        res.setHeader('content-type', 'application/json');
        res.end(text);
      } catch {
        res.socket?.destroy();
      }
    };
    req.on('end', () => void relay());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/iam/v1/tokens`,
    jwts,
    tokens,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
