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
  // No grpc-js call retries: the stream replays audio itself. With retries on, grpc-js keeps up to
  // 1 MB per call (~33 s of 16 kHz PCM) in a retry buffer and acknowledges those writes at once,
  // so a dead connection swallowed half a minute of audio that looked sent. With the buffer at 0
  // a write is acknowledged only once it has gone to the HTTP/2 stream (gated by flow control),
  // which is what stall detection and `blocked` need.
  'grpc.enable_retries': 0,
  'grpc.per_rpc_retry_buffer_size': 0,
};

interface PooledChannel {
  key: string;
  client: grpc.Client;
  calls: number;
  linger: NodeJS.Timeout | undefined;
  /** Its connection was found dead: out of the pool, closed when its last call ends. */
  evicted: boolean;
  /** What its calls name as their connection (see `SttCall.connection`). */
  token: object;
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
    channel = { key, client: new grpc.Client(target.endpoint, credentials, CHANNEL_OPTIONS), calls: 0, linger: undefined, evicted: false, token: {} };
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
  if (channel.evicted) {
    channel.client.close();
    return;
  }
  channel.linger = setTimeout(() => {
    if (channel.calls > 0) return;
    channel.client.close();
    unpool(channel);
  }, CHANNEL_LINGER_MS);
  channel.linger.unref();
}

function unpool(channel: PooledChannel): void {
  const pool = pools.get(channel.key);
  const at = pool?.indexOf(channel) ?? -1;
  if (!pool || at < 0) return;
  pool.splice(at, 1);
  if (pool.length === 0) pools.delete(channel.key);
}

/** A stalled call's connection may be dead (no RST ever came): new calls dial a fresh one. */
function evict(channel: PooledChannel): void {
  if (channel.evicted) return;
  channel.evicted = true;
  unpool(channel);
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
        write: (message, onWritten) => call.write(message, onWritten),
        end: () => call.end(),
        cancel: (deadConnection) => {
          if (deadConnection) evict(channel);
          call.cancel();
        },
        pause: () => call.pause(),
        resume: () => call.resume(),
        connection: channel.token,
      };
    },
    close() {
      for (const call of open) call.cancel();
      open.clear();
    },
  };
}
