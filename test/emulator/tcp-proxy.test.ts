import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../src/emulator/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Echo {
  server: net.Server;
  port: number;
  /** What the server side of each connection received, and its events. */
  peers: { socket: net.Socket; received: Buffer[]; events: string[] }[];
}

async function startEcho(): Promise<Echo> {
  const peers: Echo['peers'] = [];
  const server = net.createServer((socket) => {
    const peer = { socket, received: [] as Buffer[], events: [] as string[] };
    peers.push(peer);
    socket.on('data', (chunk: Buffer) => {
      peer.received.push(chunk);
      socket.write(chunk);
    });
    socket.on('end', () => peer.events.push('end'));
    socket.on('error', (error: NodeJS.ErrnoException) => peer.events.push(`error:${error.code}`));
    socket.on('close', () => peer.events.push('close'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, peers };
}

interface Client {
  socket: net.Socket;
  received: () => string;
  events: string[];
}

async function dial(proxy: TcpProxy): Promise<Client> {
  const socket = net.connect(proxy.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  const events: string[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('end', () => events.push('end'));
  socket.on('error', (error: NodeJS.ErrnoException) => events.push(`error:${error.code}`));
  socket.on('close', () => events.push('close'));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => Buffer.concat(chunks).toString(), events };
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(5);
  }
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup(): Promise<{ echo: Echo; proxy: TcpProxy }> {
  const echo = await startEcho();
  const proxy = await startTcpProxy({ target: `127.0.0.1:${echo.port}` });
  cleanup.push(async () => {
    await proxy.close();
    for (const peer of echo.peers) peer.socket.destroy();
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
  });
  return { echo, proxy };
}

describe('tcp proxy', () => {
  it('forwards both ways and counts connections', async () => {
    const { proxy } = await setup();
    expect(proxy.address).toBe(`127.0.0.1:${proxy.port}`);
    const client = await dial(proxy);
    client.socket.write('hello');
    await until(() => client.received() === 'hello');
    expect(proxy.connections).toBe(1);
    client.socket.destroy();
    await until(() => proxy.connections === 0);
  });

  it('blackhole: nothing is delivered either way, no FIN, no RST, sockets stay open; restore forwards again', async () => {
    const { echo, proxy } = await setup();
    const client = await dial(proxy);
    client.socket.write('a');
    await until(() => client.received() === 'a');
    proxy.blackhole();
    client.socket.write('lost-upstream');
    // The server's own writes towards the client are dropped too.
    echo.peers[0]!.socket.write('lost-downstream');
    // A large burst must not back up into either peer's socket either.
    const big = Buffer.alloc(4 * 1024 * 1024, 0x61);
    echo.peers[0]!.socket.write(big);
    await sleep(300);
    expect(client.received()).toBe('a');
    expect(Buffer.concat(echo.peers[0]!.received).toString()).toBe('a');
    expect(client.events).toEqual([]);
    expect(echo.peers[0]!.events).toEqual([]);
    expect(client.socket.destroyed).toBe(false);
    expect(proxy.connections).toBe(1);
    expect(echo.peers[0]!.socket.writableLength).toBe(0);
    // A half-close is swallowed too.
    client.socket.end();
    await sleep(100);
    expect(echo.peers[0]!.events).toEqual([]);

    // New connections are unaffected by a blackhole of the old ones.
    const fresh = await dial(proxy);
    fresh.socket.write('new');
    await until(() => fresh.received() === 'new');
    fresh.socket.destroy();
  });

  it('restore: a blackholed connection forwards again, what it dropped stays lost', async () => {
    const { proxy } = await setup();
    const client = await dial(proxy);
    proxy.blackhole();
    client.socket.write('dropped');
    await sleep(100);
    proxy.restore();
    client.socket.write('kept');
    await until(() => client.received() === 'kept');
    client.socket.destroy();
  });

  it('reset: every connection gets an RST on both sides', async () => {
    const { echo, proxy } = await setup();
    const one = await dial(proxy);
    const two = await dial(proxy);
    one.socket.write('x');
    two.socket.write('y');
    await until(() => echo.peers.length === 2 && one.received() === 'x' && two.received() === 'y');
    proxy.reset();
    await until(() => one.events.includes('close') && two.events.includes('close'));
    expect(one.events).toContain('error:ECONNRESET');
    expect(two.events).toContain('error:ECONNRESET');
    await until(() => echo.peers.every((peer) => peer.events.includes('close')));
    expect(echo.peers[0]!.events).toContain('error:ECONNRESET');
    expect(proxy.connections).toBe(0);
  });

  it('rejects a target that is not host:port', async () => {
    await expect(startTcpProxy({ target: 'nowhere' })).rejects.toThrow(/host:port/);
  });
});
