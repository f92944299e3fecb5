import * as grpc from '@grpc/grpc-js';
import type { ApiMethod, CallHandlers, SttCall, Transport } from './call.js';
import { methodCodec } from './proto.js';
import { trustedRoots, type TrustedCa } from './tls.js';

export interface ChannelTarget {
  endpoint: string;
  tls: boolean;
  /** CA certificates trusted in addition to the default roots. */
  ca?: TrustedCa | undefined;
}

/**
 * HTTP/2 servers commonly allow 100 concurrent streams per connection; staying under that keeps a
 * busy process from queueing calls behind a full connection.
 */
export const MAX_CALLS_PER_CHANNEL = 90;
/** Keep an unused channel briefly, so back-to-back streams skip a new TLS handshake. */
const CHANNEL_LINGER_MS = 2_000;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Each pooled client gets its own connection instead of grpc-js's process-wide subchannel.
  'grpc.use_local_subchannel_pool': 1,
  // Detects a silently dead connection during long calls.
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  // The service's responses are small, but its docs warn about the 4 MB default.
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
};

interface PooledChannel {
  key: string;
  client: grpc.Client;
  calls: number;
  linger: NodeJS.Timeout | undefined;
}

const pools = new Map<string, PooledChannel[]>();

function acquire(target: ChannelTarget): PooledChannel {
  const key = `${target.tls ? 'tls' : 'plain'}|${target.ca?.id ?? ''}|${target.endpoint}`;
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = []));
  let channel = pool.find((c) => c.calls < MAX_CALLS_PER_CHANNEL);
  if (!channel) {
    const credentials = !target.tls
      ? grpc.credentials.createInsecure()
      : grpc.credentials.createSsl(target.ca ? Buffer.from(trustedRoots(target.ca)) : null);
    channel = { key, client: new grpc.Client(target.endpoint, credentials, CHANNEL_OPTIONS), calls: 0, linger: undefined };
    pool.push(channel);
  }
  if (channel.linger) clearTimeout(channel.linger);
  channel.linger = undefined;
  channel.calls++;
  return channel;
}

function release(channel: PooledChannel): void {
  channel.calls--;
  if (channel.calls > 0) return;
  channel.linger = setTimeout(() => {
    if (channel.calls > 0) return;
    channel.client.close();
    const pool = pools.get(channel.key);
    if (pool) {
      pool.splice(pool.indexOf(channel), 1);
      if (pool.length === 0) pools.delete(channel.key);
    }
  }, CHANNEL_LINGER_MS);
  channel.linger.unref();
}

export function createGrpcTransport(target: ChannelTarget): Transport {
  const open = new Set<grpc.ClientDuplexStream<unknown, unknown>>();
  return {
    open(method: ApiMethod, metadata: Record<string, string>, handlers: CallHandlers): SttCall {
      const codec = methodCodec(method);
      const channel = acquire(target);
      const md = new grpc.Metadata();
      for (const [key, value] of Object.entries(metadata)) md.set(key, value);
      const call = channel.client.makeBidiStreamRequest(codec.path, codec.serialize, codec.deserialize, md, {});
      open.add(call);
      let finished = false;
      const finish = (code: number, details: string) => {
        if (finished) return;
        finished = true;
        open.delete(call);
        release(channel);
        handlers.onStatus({ code, details });
      };
      call.on('metadata', (headers: grpc.Metadata) => {
        const flat: Record<string, string> = {};
        for (const [key, value] of Object.entries(headers.getMap())) flat[key] = String(value);
        handlers.onHeaders(flat);
      });
      call.on('data', (message: unknown) => handlers.onResponse(message));
      call.on('drain', () => handlers.onDrain());
      call.on('status', (status: grpc.StatusObject) => finish(status.code, status.details));
      // grpc-js emits 'error' before 'status' for a failed call; the status carries the same facts.
      call.on('error', (error: grpc.ServiceError) => finish(error.code ?? grpc.status.UNKNOWN, error.details ?? error.message));
      return {
        write: (message) => call.write(message),
        end: () => call.end(),
        cancel: () => call.cancel(),
        pause: () => call.pause(),
        resume: () => call.resume(),
      };
    },
    close() {
      for (const call of open) call.cancel();
      open.clear();
    },
  };
}
