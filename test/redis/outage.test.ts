import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialledDigitsPcm, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { createRedisStartLimiter, type RedisFallbackEvent, type RedisSharedEvent, type RedisStartLimiter } from '../../src/redis/index.js';
import { EMULATOR_IAM_TOKEN } from '../helpers/emulator.js';
import { everyRendering, expectGraphClean, expectNoFragment, SecretFragments } from '../helpers/secret-crawl.js';
import { Heartbeat, mostSurelyInAnyWindow } from './fleet-process.js';
import { redisServerBinary, startRedisServer, warnMissingRedis, type RedisServer } from './redis-server.js';

/**
 * Redis goes away and comes back while streams start: they keep starting at the local rate, the
 * limiter says so, and goes back to the shared schedule when Redis answers again. A real
 * redis-server with a password, which must not show anywhere.
 */

const installed = redisServerBinary() !== undefined;
if (!installed) warnMissingRedis();

const PASSWORD = 'fleet-Redis-pa55word-d0-not-log';

/** Everything written to stdout and stderr, and every console call, while `fn` runs. */
async function capturingOutput<T>(lines: string[], fn: () => Promise<T>): Promise<T> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const methods = ['log', 'warn', 'error', 'info', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (lines.push(String(chunk)), out(chunk as string, ...(rest as [])))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (lines.push(String(chunk)), err(chunk as string, ...(rest as [])))) as typeof process.stderr.write;
  for (const m of methods) console[m] = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  try {
    return await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    methods.forEach((m, i) => (console[m] = saved[i]!));
  }
}

const sharedAt: number[] = [];

function recordEvents(limiter: RedisStartLimiter) {
  const events: (['fallback', RedisFallbackEvent] | ['shared', RedisSharedEvent])[] = [];
  limiter.on('fallback', (e) => events.push(['fallback', e]));
  limiter.on('shared', (e) => {
    events.push(['shared', e]);
    sharedAt.push(Date.now());
  });
  return events;
}

const until = async (check: () => boolean, ms: number) => {
  for (const t0 = Date.now(); !check() && Date.now() - t0 < ms; ) await new Promise((resolve) => setTimeout(resolve, 10));
  return check();
};

describe.skipIf(!installed)('Redis killed and restarted while streams start (real redis-server)', () => {
  let redis: RedisServer;
  let emulator: Emulator;

  beforeAll(async () => {
    [redis, emulator] = await Promise.all([startRedisServer({ password: PASSWORD }), startEmulator({ recordAudio: false })]);
  });
  afterAll(async () => {
    await emulator?.close();
    await redis?.stop();
  });

  /** `count` streams at once, each with its own digits; resolves with the streams, once every one has ended. */
  function startStreams(limiter: RedisStartLimiter, prefix: string, count: number) {
    const ids = new Set<string>();
    const results = Array.from({ length: count }, (_, i) => {
      const digits = `${prefix}${String(i).padStart(2, '0')}`;
      const stream = new RecognizeStream({
        endpoint: emulator.address,
        tls: false,
        auth: { iamToken: EMULATOR_IAM_TOKEN },
        sampleRateHertz: 8000,
        audioEncoding: 'LINEAR16_PCM',
        pace: 0,
        startLimiter: limiter,
      });
      const finals: string[] = [];
      stream.on('session', (info: { clientRequestId: string }) => ids.add(info.clientRequestId));
      stream.on('data', (r: { final: boolean; text: string }) => r.final && finals.push(r.text));
      const done = new Promise<string>((resolve) => {
        stream.on('error', (error: Error & { code?: string }) => resolve(`${digits}: ${error.code} ${error.message}`));
        stream.on('end', () => resolve(finals.join(' ') === digits ? 'exact' : `${digits}: heard ${JSON.stringify(finals)}`));
      });
      stream.end(dialledDigitsPcm([digits], { sampleRate: 8000, toneMs: 60, toneGapMs: 60, leadMs: 50, trailMs: 100 }));
      return { stream, done };
    });
    return { streams: results.map((r) => r.stream), done: Promise.all(results.map((r) => r.done)), ids };
  }

  it('keeps starting streams at the local rate while Redis is away, says so, and shares the schedule again when it is back', async () => {
    const output: string[] = [];
    const heartbeat = new Heartbeat();
    const limiter = createRedisStartLimiter({
      redis: redis.url,
      key: 'outage-test',
      perSecond: 40,
      fallbackPerSecond: 8,
      maxConcurrent: 100,
      commandTimeoutMs: 500,
      probeEveryMs: 300,
    });
    const events = recordEvents(limiter);
    const streams: RecognizeStream[] = [];
    try {
      await capturingOutput(output, async () => {
        const a = startStreams(limiter, '1', 30);
        streams.push(...a.streams);
        // Redis dies while the first ones are still waiting for their (already reserved) slots.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await redis.kill();
        const b = startStreams(limiter, '2', 16);
        streams.push(...b.streams);
        expect(await until(() => events.length >= 1, 5_000)).toBe(true);
        expect(events[0]![0]).toBe('fallback');
        expect(limiter.mode).toBe('fallback');
        expect(await a.done).toEqual(Array(30).fill('exact'));
        // Back after a second of the fallback; the limiter notices within a probe or two.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await redis.start();
        expect(await until(() => events.length >= 2, 5_000)).toBe(true);
        expect(events[1]![0]).toBe('shared');
        expect(limiter.mode).toBe('shared');
        const c = startStreams(limiter, '3', 20);
        streams.push(...c.streams);
        expect(await b.done).toEqual(Array(16).fill('exact'));
        expect(await c.done).toEqual(Array(20).fill('exact'));
        expect(emulator.sessions).toHaveLength(66);

        // Those asked for while Redis was away went at the local 8 a second (as the emulator saw
        // them) until it was back; the rest then took shared slots.
        const local = emulator.sessions
          .filter((s) => b.ids.has(s.clientRequestId!) && s.startedAt < sharedAt[0]!)
          .map((s) => ({ earliest: heartbeat.earliest(s.startedAt), at: s.startedAt }));
        expect(local.length).toBeGreaterThanOrEqual(6);
        expect(mostSurelyInAnyWindow(local)).toBeLessThanOrEqual(8);
        const span = Math.max(...local.map((s) => s.at)) - Math.min(...local.map((s) => s.at));
        expect(span).toBeGreaterThanOrEqual(((local.length - 1) * 1_000) / 8);
        // Back on the restarted Redis (empty: nothing persisted): its script ran there, and every
        // concurrency place taken there was given back when its session ended.
        const inspect = new Redis(redis.url);
        try {
          const stats = String(await inspect.info('commandstats'));
          expect(stats).toMatch(/cmdstat_eval(sha)?:calls=\d+/);
          expect(await inspect.exists('{outage-test}:rate')).toBe(1);
          expect(await inspect.zcard('{outage-test}:leases')).toBe(0);
        } finally {
          inspect.disconnect();
        }
        expect(limiter.held).toBe(0);
        expect(events).toHaveLength(2);
      });
    } finally {
      heartbeat.stop();
      await limiter.close();
    }
    // The password is nowhere: not in the limiter, the streams that hold it, the events, or any output.
    const secrets = new SecretFragments().add(PASSWORD);
    expectGraphClean(limiter, secrets, 'the limiter');
    for (const stream of streams) expectGraphClean(stream, secrets, 'a stream');
    expectNoFragment(JSON.stringify(events), secrets, 'the events');
    expectNoFragment(everyRendering(limiter), secrets, 'the limiter printed');
    expectNoFragment(output.join('\n'), secrets, 'the output');
  }, 60_000);

  it('a wrong password: fallback with a reason that does not repeat it, and nothing reachable holds it', async () => {
    const wrong = 'not-the-Right-pa55word-either';
    const url = `redis://:${wrong}@127.0.0.1:${redis.port}`;
    const output: string[] = [];
    const limiter = createRedisStartLimiter({ redis: url, key: 'wrong-password', commandTimeoutMs: 1_000 });
    const events = recordEvents(limiter);
    let granted = false;
    await capturingOutput(output, async () => {
      limiter.acquire(() => (granted = true));
      expect(await until(() => granted, 5_000)).toBe(true);
    });
    await limiter.close();
    expect(events[0]![0]).toBe('fallback');
    expect((events[0]![1] as RedisFallbackEvent).reason).toMatch(/WRONGPASS|NOAUTH|no answer/);
    const secrets = new SecretFragments().add(wrong);
    expectGraphClean(limiter, secrets, 'the limiter');
    expectNoFragment(JSON.stringify(events), secrets, 'the events');
    expectNoFragment(everyRendering(limiter), secrets, 'the limiter printed');
    expectNoFragment(output.join('\n'), secrets, 'the output');
  }, 30_000);
});
