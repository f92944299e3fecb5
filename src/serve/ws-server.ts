import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CallHub } from './hub.js';
import type { ResolvedServeOptions } from './options.js';
import type { ServeProtocol, ServeServer } from './server-types.js';

/** A WebSocket protocol: what to do with each connection, and optionally with plain HTTP requests. */
export interface WsProtocolHandler {
  readonly protocol: ServeProtocol;
  /** Whether to upgrade this request (a missing or wrong credential is answered 401). */
  authorize?: ((request: IncomingMessage) => boolean) | undefined;
  /** Takes a new connection (its messages, its close). */
  connect(ws: WebSocket, request: IncomingMessage, hub: CallHub, options: ResolvedServeOptions): void;
  /** A plain HTTP request; return false to let the server answer 426 Upgrade Required. */
  http?(request: IncomingMessage, response: ServerResponse, options: ResolvedServeOptions): boolean;
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0] ?? '/';
}

/** Listens on HTTP, upgrades requests to `options.path` to WebSocket and hands them to `handler`. */
export async function startWsServer(handler: WsProtocolHandler, options: ResolvedServeOptions): Promise<ServeServer> {
  const hub = new CallHub(options);
  // The peer's subprotocol (mod_audio_fork's audio.drachtio.org, jambonz's audio.jambonz.org) is
  // accepted as offered: ws answers with the first one, which is what those clients check.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, clientTracking: true });
  const sockets = new Set<Socket>();
  const http: Server = createServer((request, response) => {
    if (handler.http?.(request, response, options)) return;
    response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
    response.end(`${handler.protocol}: connect with WebSocket to ${options.path}\n`);
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(request) !== options.path || hub.closing) {
      socket.end(`HTTP/1.1 ${hub.closing ? '503 Service Unavailable' : '404 Not Found'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    if (handler.authorize && !handler.authorize(request)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => handler.connect(ws, request, hub, options));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    protocol: handler.protocol,
    host: address.address,
    port: address.port,
    url: `ws://${host}:${address.port}${options.path}`,
    activeCalls: () => hub.size,
    connections: () => wss.clients.size,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        await hub.close();
        for (const ws of wss.clients) ws.terminate();
        for (const socket of sockets) socket.destroy();
        wss.close();
        await stopped;
      })()),
  };
}
