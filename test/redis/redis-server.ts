import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real `redis-server` (Debian's package) for the fleet tests: its own free port on loopback, its
 * own temp dir, no persistence, killed when the test is done.
 */

/** Path of the `redis-server` binary, or undefined if it is not installed. */
export function redisServerBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/** Says so where nobody can miss it: a skipped fleet test is not a passed one. */
export function warnMissingRedis(): void {
  const line = '#'.repeat(96);
  console.warn(
    `\n${line}\n# SKIPPED: the Redis fleet tests need \`redis-server\` (Debian: apt-get install redis-server; .ci/run installs it).\n` +
      `# The shared start limiter (speechkit-stream/redis) was NOT tested against a real Redis.\n${line}\n`,
  );
}

/**
 * A free port below Linux's ephemeral range (32768–60999). The server is restarted on the same
 * port after a kill, and a port inside that range can meanwhile be taken by an outgoing connection
 * (a client reconnecting to the dead port can even connect to itself), so the restart found it
 * in use.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!free) continue;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }
}

export interface RedisServer {
  readonly port: number;
  /** `redis://[:password@]127.0.0.1:port`. */
  readonly url: string;
  readonly running: boolean;
  /** SIGKILL: the server is gone at once, with its data (nothing is persisted). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty). */
  start(): Promise<void>;
  /** Kills it and removes its dir. */
  stop(): Promise<void>;
}

/** Sends one command in RESP and resolves with the first line of the answer. */
function ask(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\r\n')));
      }
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (!binary) throw new Error('redis-server is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'speechkit-redis-'));
  let child: ChildProcess | undefined;
  const log: string[] = [];
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
    if (options.password !== undefined) args.push('--requirepass', options.password);
    const started = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout!.on('data', (c: Buffer) => log.push(c.toString()));
    started.stderr!.on('data', (c: Buffer) => log.push(c.toString()));
    const exited = new Promise<never>((_, reject) => started.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log.join('')}`))));
    exited.catch(() => {});
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const answer = await Promise.race([ask(port, ['PING']), exited]);
        // With a password the server answers NOAUTH: it is up all the same.
        if (answer === '+PONG' || answer.startsWith('-NOAUTH')) return;
      } catch (error) {
        if (started.exitCode !== null || Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    get running() {
      return child !== undefined && child.exitCode === null;
    },
    kill,
    start,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
