import * as net from 'node:net';

/**
 * A TCP forwarder that tests put between a client and the emulator to play a hostile network:
 * `blackhole()` stops forwarding on every open connection while both sockets stay open (no FIN,
 * no RST), as a dead NAT entry or a partitioned link does; `reset()` aborts every connection with
 * an RST, as a crashed middlebox does.
 */
export interface TcpProxy {
  /** `host:port` to dial instead of the target. */
  readonly address: string;
  readonly port: number;
  /** Open client connections. */
  readonly connections: number;
  /**
   * Every current connection stops forwarding both ways. Bytes that arrive are dropped, never
   * delivered, even after `restore()`; the sockets stay open. New connections still forward.
   */
  blackhole(): void;
  /** Connections blackholed so far forward again from now on (what they dropped stays lost). */
  restore(): void;
  /** Aborts every current connection with an RST on both sides. */
  reset(): void;
  /** Stops accepting and destroys every connection. */
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** `host:port` of the server to forward to. */
  target: string;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
}

interface Pair {
  client: net.Socket;
  server: net.Socket;
  holed: boolean;
}

function splitTarget(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(':');
  const port = Number(target.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new TypeError(`startTcpProxy: target must be "host:port", got ${JSON.stringify(target)}`);
  }
  return { host: target.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port };
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const target = splitTarget(options.target);
  const host = options.host ?? '127.0.0.1';
  const pairs = new Set<Pair>();

  // Data is forwarded by hand (not pipe) so a blackholed pair can keep reading and drop, which
  // keeps the kernel buffers from filling and so never signals anything to either peer.
  const forward = (pair: Pair, from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (pair.holed || to.destroyed) return;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
  };

  // Half-open on both sides, so a FIN is forwarded as a FIN (or swallowed by a blackhole) and
  // never turned into a close of the other leg.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ port: target.port, host: target.host, allowHalfOpen: true });
    const pair: Pair = { client, server: upstream, holed: false };
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    forward(pair, client, upstream);
    forward(pair, upstream, client);
    const drop = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    // A half-close is forwarded as one, unless the pair is blackholed (then it is swallowed too).
    client.on('end', () => (pair.holed ? undefined : upstream.end()));
    upstream.on('end', () => (pair.holed ? undefined : client.end()));
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    get connections() {
      return pairs.size;
    },
    blackhole() {
      for (const pair of pairs) {
        pair.holed = true;
        // A paused side may be waiting for a 'drain' that never comes; keep reading to drop.
        pair.client.resume();
        pair.server.resume();
      }
    },
    restore() {
      for (const pair of pairs) pair.holed = false;
    },
    reset() {
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        pair.client.resetAndDestroy();
        pair.server.resetAndDestroy();
      }
    },
    close() {
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        pair.client.destroy();
        pair.server.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
