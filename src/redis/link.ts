import { createRequire } from 'node:module';
import { ErrorCodes, invalidOption, redact, SpeechKitError } from '../errors.js';
import type { Scheduler } from '../timing/scheduler.js';
import { isRedisClient, type RedisClientLike } from './options.js';
import { FLEET_SCRIPT, FLEET_SCRIPT_SHA, fleetKeys, parseReply, type ScriptReply } from './script.js';

/** A command failed or did not answer in time; its message holds no secret. */
export class LinkError extends Error {
  override readonly name = 'RedisLinkError';
}

/**
 * A timeout whose timer fires this much after its time means the process was paused, not that
 * Redis was slow: the answer may be waiting, unread, so it gets one more turn of the event loop.
 */
const PAUSED_GRACE_MS = 25;
const MAX_REASON_CHARS = 200;

interface Connection {
  client: RedisClientLike;
  /** The last error the connection reported (own connections only), already redacted. */
  lastError: () => string | undefined;
  /** Ends the connection politely (QUIT); `disconnect` after it, whatever happened. */
  quit: () => Promise<unknown>;
  disconnect: () => void;
}

/**
 * Everything the limiter sends to Redis, each command bounded by `timeoutMs` on the injected
 * clock. The client and any secret of the URL live in `#private` fields: nothing handed out (the
 * limiter, its events, errors) can walk to them.
 */
export class RedisLink {
  readonly #connection: Promise<Connection>;
  readonly #secrets: readonly string[];
  readonly #keys: [string, string];
  readonly #scheduler: Scheduler;
  readonly #timeoutMs: number;
  #closed = false;
  /** Whether the server has the script: 'send' when it may not be loaded (its text goes with each call). */
  #script: 'unknown' | 'loaded' | 'send' = 'unknown';
  #loading: Promise<unknown> | undefined;

  constructor(redis: RedisClientLike | string, key: string, scheduler: Scheduler, timeoutMs: number) {
    this.#keys = fleetKeys(key);
    this.#scheduler = scheduler;
    this.#timeoutMs = timeoutMs;
    if (typeof redis === 'string') {
      this.#secrets = secretsOf(redis);
      if (!ioredisInstalled()) {
        throw new SpeechKitError(
          ErrorCodes.INVALID_OPTION,
          'Invalid option `redis`: a URL needs the optional peer dependency ioredis (npm install ioredis), or pass your own client',
          { option: 'redis' },
        );
      }
      const secrets = this.#secrets;
      this.#connection = ownConnection(redis, timeoutMs, secrets);
      // Rejections are read by every command that awaits it; this keeps an early one from being unhandled.
      this.#connection.catch(() => {});
    } else if (isRedisClient(redis)) {
      this.#secrets = [];
      this.#connection = Promise.resolve({ client: redis, lastError: () => undefined, quit: async () => {}, disconnect: () => {} });
    } else {
      throw invalidOption('redis', 'an ioredis client or a redis:// / rediss:// URL');
    }
  }

  /** The start script (see `FLEET_SCRIPT`). `onLate` gets a reply that came after the timeout. */
  script(args: (string | number)[], onLate?: (reply: ScriptReply) => void): Promise<ScriptReply> {
    return this.#bounded(
      async () => parseReply(await this.#evalScript(args)),
      onLate,
    );
  }

  /** Frees concurrency leases at once (instead of when they lapse). */
  release(leases: readonly string[]): Promise<unknown> {
    return this.#bounded(async () => (await this.#connection).client.call('ZREM', [this.#keys[1], ...leases]));
  }

  /** Closes the connection the limiter opened (a client passed in is left alone). */
  async close(): Promise<void> {
    if (this.#closed) return;
    let connection: Connection;
    try {
      connection = await this.#connection;
    } catch {
      this.#closed = true;
      return; // It never connected: nothing to close.
    }
    try {
      await this.#bounded(() => connection.quit());
    } catch {
      // Redis is away or slow: the connection is dropped below all the same.
    } finally {
      this.#closed = true;
      connection.disconnect();
    }
  }

  async #evalScript(args: (string | number)[]): Promise<unknown> {
    const { client } = await this.#connection;
    const call = [2, ...this.#keys, ...args];
    // Loaded once, before the first call (a burst of starts must not all miss it and send it again).
    if (this.#script === 'unknown') await (this.#loading ??= this.#load(client));
    if (this.#script === 'send') return client.call('EVAL', [FLEET_SCRIPT, ...call]);
    try {
      return await client.call('EVALSHA', [FLEET_SCRIPT_SHA, ...call]);
    } catch (error) {
      // A server that restarted (or a cluster node that never saw it) asks for the text.
      if (!/NOSCRIPT/.test(messageOf(error))) throw error;
      if (this.#script === 'loaded') this.#script = 'unknown';
      return client.call('EVAL', [FLEET_SCRIPT, ...call]);
    }
  }

  /** SCRIPT LOAD, settled within the timeout whatever happens (a load that hangs must not hold every later call). */
  #load(client: RedisClientLike): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        cancel();
        this.#loading = undefined;
        resolve();
      };
      const cancel = this.#scheduler.at(this.#scheduler.clock.now() + this.#timeoutMs, done);
      client.call('SCRIPT', ['LOAD', FLEET_SCRIPT]).then(
        () => (this.#script = 'loaded'),
        (error: unknown) => {
          // Not allowed (an ACL without SCRIPT): the text goes with every call instead.
          if (/NOPERM|unknown command/i.test(messageOf(error))) this.#script = 'send';
        },
      ).finally(done);
    });
  }

  #bounded<T>(work: () => Promise<T>, onLate?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#closed) {
        reject(new LinkError('the limiter was closed'));
        return;
      }
      let settled = false;
      let graced = false;
      const due = this.#scheduler.clock.now() + this.#timeoutMs;
      const expire = () => {
        const now = this.#scheduler.clock.now();
        if (!graced && now - due > PAUSED_GRACE_MS) {
          graced = true;
          cancel = this.#scheduler.at(now + PAUSED_GRACE_MS, expire);
          return;
        }
        settled = true;
        void this.#connection.then(
          (connection) => reject(new LinkError(this.#reason(`no answer from Redis within ${this.#timeoutMs} ms`, connection.lastError()))),
          (error: unknown) => reject(new LinkError(this.#reason(messageOf(error)))),
        );
      };
      let cancel = this.#scheduler.at(due, expire);
      let running: Promise<T>;
      try {
        running = work();
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (value) => {
          if (!settled) {
            settled = true;
            cancel();
            resolve(value);
          } else {
            onLate?.(value);
          }
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          cancel();
          reject(new LinkError(this.#reason(messageOf(error))));
        },
      );
    });
  }

  #reason(message: string, lastError?: string): string {
    const text = lastError && !message.includes(lastError) ? `${message} (last connection error: ${lastError})` : message;
    const clean = redact(text, this.#secrets);
    return clean.length > MAX_REASON_CHARS ? `${clean.slice(0, MAX_REASON_CHARS)}…` : clean;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The URL's password (and the URL itself): what no message may repeat. */
function secretsOf(url: string): string[] {
  if (!/^rediss?:\/\//i.test(url) || !URL.canParse(url)) {
    // Never quote the value: it may hold the password.
    throw invalidOption('redis', 'an ioredis client or a redis:// / rediss:// URL (the value given is not one; it is not repeated here)');
  }
  const parsed = new URL(url);
  const secrets = [url, parsed.password, decodeURIComponentSafe(parsed.password), parsed.searchParams.get('password') ?? ''];
  return [...new Set(secrets.filter((s) => s.length > 0))];
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const requireHere = createRequire(import.meta.url);

/** Whether the optional peer dependency can be loaded (checked before anything is created). */
function ioredisInstalled(): boolean {
  try {
    requireHere.resolve('ioredis');
    return true;
  } catch {
    return false;
  }
}

/** ioredis reconnects at most this long after a failure, so a restarted Redis is used again soon. */
const MAX_RECONNECT_MS = 1_000;

async function ownConnection(url: string, timeoutMs: number, secrets: readonly string[]): Promise<Connection> {
  const { Redis } = await import('ioredis');
  let lastError: string | undefined;
  const client = new Redis(url, {
    // A command that cannot be sent fails after one reconnect attempt instead of queueing for
    // ages: the limiter has its local fallback, and a stale reservation sent late is a slot lost.
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(1_000, timeoutMs),
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 5), MAX_RECONNECT_MS),
  });
  // Without a listener ioredis prints every connection error to the console.
  client.on('error', (error: unknown) => {
    lastError = redact(messageOf(error), secrets).slice(0, MAX_REASON_CHARS);
  });
  return {
    client: { call: (command, args) => client.call(command, args) },
    lastError: () => lastError,
    // Not connected, there is nobody to say goodbye to (and QUIT would wait for a reconnect).
    quit: async () => (client.status === 'ready' ? client.quit() : undefined),
    disconnect: () => client.disconnect(),
  };
}
