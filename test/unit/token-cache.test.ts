import { describe, expect, it, vi } from 'vitest';
import { ExchangeFailure, type IssuedToken } from '../../src/auth/iam-exchange.js';
import { TokenCache, type CredentialsEvent, type TokenSource } from '../../src/auth/token-cache.js';
import { SpeechKitError } from '../../src/errors.js';
import { systemClock, type Clock, type TimerHandle } from '../../src/timing/clock.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { flushMicrotasks } from '../helpers/fake-transport.js';

const HOUR = 3_600_000;
const WALL0 = Date.UTC(2030, 0, 1);
const KEY_SECRET = '-----private-key-material-0123456789abcdef-----';

interface PendingFetch {
  background: boolean;
  resolve(token: IssuedToken): void;
  reject(error: Error): void;
}

function setup(clock: Clock = new FakeClock()) {
  const fetches: PendingFetch[] = [];
  const wall = () => WALL0 + clock.now();
  const source: TokenSource = {
    label: 'service account sa1 (key k1)',
    secrets: () => [KEY_SECRET],
    fetch: (background) => new Promise<IssuedToken>((resolve, reject) => fetches.push({ background, resolve, reject })),
  };
  const cache = new TokenCache(source, clock, wall);
  const events: CredentialsEvent[] = [];
  const release = cache.acquire((e) => events.push(e));
  const issue = (k: number, token: string, lifetimeMs = 12 * HOUR) => fetches[k]!.resolve({ token, expiresAtMs: wall() + lifetimeMs });
  return { clock: clock as FakeClock, cache, fetches, events, release, issue };
}

async function settle(clock: FakeClock, ms = 0): Promise<void> {
  await flushMicrotasks();
  clock.advance(ms);
  await flushMicrotasks();
}

describe('token cache', () => {
  it('shares one exchange among concurrent requests and serves later ones from the cache', async () => {
    const { cache, fetches, issue, clock } = setup();
    const a = cache.token();
    const b = cache.token();
    await settle(clock);
    expect(fetches).toHaveLength(1);
    expect(fetches[0]!.background).toBe(false);
    issue(0, 'T1');
    expect(await Promise.all([a, b])).toEqual(['T1', 'T1']);
    expect(await cache.token()).toBe('T1');
    expect(fetches).toHaveLength(1);
  });

  it('refreshes a 12-hour token after an hour, in the background, while sessions keep getting the current one', async () => {
    const { cache, fetches, issue, clock, events } = setup();
    const first = cache.token();
    await settle(clock);
    issue(0, 'T1');
    await first;
    await settle(clock, HOUR - 1);
    expect(fetches).toHaveLength(1);
    await settle(clock, 1);
    expect(fetches).toHaveLength(2);
    expect(fetches[1]!.background).toBe(true);
    // The exchange is still running: a new session is not held up.
    expect(await cache.token()).toBe('T1');
    issue(1, 'T2');
    await settle(clock);
    expect(await cache.token()).toBe('T2');
    expect(events).toEqual([
      { type: 'token', expiresAt: new Date(WALL0 + 12 * HOUR).toISOString(), refreshInMs: HOUR },
      { type: 'token', expiresAt: new Date(WALL0 + 13 * HOUR).toISOString(), refreshInMs: HOUR },
    ]);
  });

  it('refreshes a short-lived token at half its life, again and again', async () => {
    const { cache, fetches, issue, clock } = setup();
    const first = cache.token();
    await settle(clock);
    issue(0, 'T0', 2_000);
    await first;
    for (let k = 1; k <= 3; k++) {
      await settle(clock, 999);
      expect(fetches).toHaveLength(k);
      await settle(clock, 1);
      expect(fetches).toHaveLength(k + 1);
      issue(k, `T${k}`, 2_000);
      await settle(clock);
      expect(await cache.token()).toBe(`T${k}`);
    }
  });

  it('keeps the current token through failed background refreshes, reports them, and retries with backoff', async () => {
    const { cache, fetches, issue, clock, events } = setup();
    const first = cache.token();
    await settle(clock);
    issue(0, 'T1');
    await first;
    await settle(clock, HOUR);
    fetches[1]!.reject(new ExchangeFailure('IAM answered HTTP 403', false));
    await settle(clock);
    expect(await cache.token()).toBe('T1');
    const failed = events.filter((e) => e.type === 'refresh-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code: 'SPEECHKIT_ERR_AUTH', retryInMs: 1_000 });
    expect((failed[0] as { message: string }).message).toMatch(/HTTP 403/);
    expect((failed[0] as { validForMs: number }).validForMs).toBe(11 * HOUR - 5 * 60_000);
    await settle(clock, 999);
    expect(fetches).toHaveLength(2);
    await settle(clock, 1);
    expect(fetches).toHaveLength(3);
    fetches[2]!.reject(new ExchangeFailure('IAM answered HTTP 403', false));
    await settle(clock);
    expect(events.at(-1)).toMatchObject({ type: 'refresh-failed', retryInMs: 2_000 });
    await settle(clock, 2_000);
    issue(3, 'T2');
    await settle(clock);
    expect(await cache.token()).toBe('T2');
  });

  it('tries a transient failure three times (after 500 ms and 2 s), then fails with SPEECHKIT_ERR_AUTH', async () => {
    // The waits between attempts are p-retry's, on the global timers.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { cache, fetches, clock } = setup();
      const outcome = cache.token().then(() => undefined, (error: unknown) => error);
      await settle(clock);
      fetches[0]!.reject(new ExchangeFailure('could not reach https://iam.example: ECONNREFUSED', true));
      await vi.advanceTimersByTimeAsync(499);
      expect(fetches).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetches).toHaveLength(2);
      fetches[1]!.reject(new ExchangeFailure('no answer within 15000 ms', true));
      await vi.advanceTimersByTimeAsync(1_999);
      expect(fetches).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetches).toHaveLength(3);
      fetches[2]!.reject(new ExchangeFailure(`IAM answered HTTP 503: ${KEY_SECRET}`, true));
      const error = (await outcome) as SpeechKitError;
      expect(error).toBeInstanceOf(SpeechKitError);
      expect(error.code).toBe('SPEECHKIT_ERR_AUTH');
      expect(error.message).toMatch(/service account sa1 \(key k1\).*HTTP 503/);
      expect(error.message).not.toContain(KEY_SECRET);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails at once on a permanent failure', async () => {
    const { cache, fetches, clock } = setup();
    const outcome = cache.token().then(() => undefined, (error: unknown) => error);
    await settle(clock);
    fetches[0]!.reject(new ExchangeFailure('IAM answered HTTP 401', false));
    expect(await outcome).toMatchObject({ code: 'SPEECHKIT_ERR_AUTH' });
    expect(fetches).toHaveLength(1);
  });

  it('after a refusal gets one new token for all the streams that saw it refused, and none for a stale refusal', async () => {
    const { cache, fetches, issue, clock } = setup();
    const first = cache.token();
    await settle(clock);
    issue(0, 'T1');
    await first;
    const refreshes = [cache.forceRefresh('T1'), cache.forceRefresh('T1'), cache.forceRefresh('T1')];
    await settle(clock);
    expect(fetches).toHaveLength(2);
    issue(1, 'T2');
    expect(await Promise.all(refreshes)).toEqual(['T2', 'T2', 'T2']);
    // A stream that started with T1 and is refused late: T2 is already here.
    expect(await cache.forceRefresh('T1')).toBe('T2');
    expect(fetches).toHaveLength(2);
    expect(await cache.token()).toBe('T2');
  });

  it('does not hand out a token in its last minutes: a new session then waits for a new one', async () => {
    const { cache, fetches, issue, clock } = setup();
    const first = cache.token();
    await settle(clock);
    issue(0, 'T1');
    await first;
    // Every background refresh fails until the token is nearly gone.
    let k = 1;
    while (clock.now() < 12 * HOUR - 5 * 60_000) {
      await settle(clock, 1_000);
      while (fetches.length > k) fetches[k++]!.reject(new ExchangeFailure('HTTP 403', false));
    }
    await settle(clock);
    const next = cache.token();
    await settle(clock);
    expect(fetches.length).toBe(k + 1);
    expect(fetches[k]!.background).toBe(false);
    issue(k, 'T2');
    expect(await next).toBe('T2');
  });

  it('stops refreshing when the last holder releases it, and resumes for the next one', async () => {
    const { cache, fetches, issue, clock, release } = setup();
    const second = cache.acquire();
    const first = cache.token();
    await settle(clock);
    issue(0, 'T1');
    await first;
    expect(clock.pendingTimers).toBe(1);
    release();
    release(); // idempotent
    expect(cache.holders).toBe(1);
    expect(clock.pendingTimers).toBe(1);
    second();
    expect(cache.holders).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    await settle(clock, 3 * HOUR);
    expect(fetches).toHaveLength(1);
    // Two hours past its refresh point the token is still good: a new holder gets it and a refresh starts.
    cache.acquire();
    expect(clock.pendingTimers).toBe(1);
    expect(await cache.token()).toBe('T1');
    await settle(clock);
    expect(fetches).toHaveLength(2);
    expect(fetches[1]!.background).toBe(true);
  });

  it('unrefs its refresh timer so that it never keeps the process alive', async () => {
    const fake = new FakeClock();
    const unrefs: TimerHandle[] = [];
    const clock: Clock = {
      now: () => fake.now(),
      setTimeout: (fn, ms) => {
        const handle = fake.setTimeout(fn, ms) as { unref?: () => void };
        handle.unref = () => unrefs.push(handle);
        return handle;
      },
      clearTimeout: (h) => fake.clearTimeout(h),
    };
    const { cache, fetches, issue } = setup(clock);
    const first = cache.token();
    await flushMicrotasks();
    issue(0, 'T1');
    await first;
    expect(unrefs).toHaveLength(1);
    expect(fetches).toHaveLength(1);
  });

  it('with real timers, the scheduled refresh does not keep the event loop alive', async () => {
    const handles: NodeJS.Timeout[] = [];
    const clock: Clock = {
      now: () => systemClock.now(),
      setTimeout: (fn, ms) => {
        const handle = systemClock.setTimeout(fn, ms) as NodeJS.Timeout;
        handles.push(handle);
        return handle;
      },
      clearTimeout: (h) => systemClock.clearTimeout(h),
    };
    const source: TokenSource = { label: 'sa', secrets: () => [], fetch: async () => ({ token: 'T', expiresAtMs: Date.now() + 12 * HOUR }) };
    const cache = new TokenCache(source, clock);
    const release = cache.acquire();
    expect(await cache.token()).toBe('T');
    expect(handles).toHaveLength(1);
    expect(handles[0]!.hasRef()).toBe(false);
    release();
  });

  it('refuses a token that has already expired by the local clock, pointing at the system time', async () => {
    const { cache, fetches, clock } = setup();
    const outcome = cache.token().then(() => undefined, (error: unknown) => error);
    await settle(clock);
    fetches[0]!.resolve({ token: 'T1', expiresAtMs: WALL0 - 1_000 });
    expect(await outcome).toMatchObject({ code: 'SPEECHKIT_ERR_AUTH', message: expect.stringMatching(/system time/) });
  });

  it('rejects a forced refresh that fails, with the reason', async () => {
    const { cache, fetches, issue, clock } = setup();
    const first = cache.token();
    await settle(clock);
    issue(0, 'T1');
    await first;
    const forced = cache.forceRefresh('T1').then(() => undefined, (error: unknown) => error);
    await settle(clock);
    fetches[1]!.reject(new ExchangeFailure('IAM answered HTTP 403', false));
    expect(await forced).toMatchObject({ code: 'SPEECHKIT_ERR_AUTH', message: expect.stringMatching(/HTTP 403/) });
  });

  it('knows its secrets: the key material and the last few tokens', async () => {
    const { cache, fetches, issue, clock } = setup();
    for (let k = 0; k < 6; k++) {
      const pending = cache.forceRefresh(undefined);
      await settle(clock);
      issue(k, `token-${k}`);
      expect(await pending).toBe(`token-${k}`);
    }
    expect(fetches).toHaveLength(6);
    expect(cache.secrets()).toEqual([KEY_SECRET, 'token-2', 'token-3', 'token-4', 'token-5']);
  });
});
