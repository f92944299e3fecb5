import type { Cluster, Redis } from 'ioredis';
import { describe, expect, test } from 'tstyche';
import { createRecognizeStream } from 'speechkit-stream';
import * as redis from 'speechkit-stream/redis';
import { createRedisStartLimiter, type RedisFallbackEvent, type RedisStartLimiter } from 'speechkit-stream/redis';

declare const client: Redis;
declare const cluster: Cluster;

describe('speechkit-stream/redis', () => {
  test('exports exactly these values', () => {
    expect<keyof typeof redis>().type.toBe<'createRedisStartLimiter'>();
  });

  test('takes an ioredis client, a cluster or a URL', () => {
    expect(createRedisStartLimiter).type.toBeCallableWith({ redis: client });
    expect(createRedisStartLimiter).type.toBeCallableWith({ redis: cluster, perSecond: 100, maxConcurrent: 60 });
    expect(createRedisStartLimiter).type.toBeCallableWith({ redis: 'redis://localhost:6379', key: 'cloud-a' });
    expect(createRedisStartLimiter).type.not.toBeCallableWith({ redis: 42 });
    expect(createRedisStartLimiter).type.not.toBeCallableWith({ perSecond: 40 });
  });

  test('is a start limiter streams take, with typed events', () => {
    const starts = createRedisStartLimiter({ redis: client });
    expect(createRecognizeStream).type.toBeCallableWith({ auth: { apiKey: 'key' }, startLimiter: starts });
    expect<RedisStartLimiter['mode']>().type.toBe<'shared' | 'fallback' | 'closed'>();
    starts.on('fallback', (event) => expect(event).type.toBe<RedisFallbackEvent>());
    starts.on('shared', (event) => expect(event.downMs).type.toBe<number>());
    expect(starts.on).type.not.toBeCallableWith('nope', () => {});
  });
});
