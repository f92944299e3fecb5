import { describe, expect, it } from 'vitest';
import { PROVIDER_TIMEOUT_MS, providerCredentials, type IamTokenRequest } from '../../src/auth/token-provider.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { flushMicrotasks } from '../helpers/fake-transport.js';

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe('getIamToken credentials', () => {
  it('asks the provider at every session start, and after a refusal once with forceRefresh', async () => {
    const requests: IamTokenRequest[] = [];
    let n = 0;
    const credentials = providerCredentials(async (request) => {
      requests.push(request);
      return `token-${n++}`;
    }, new FakeClock());
    expect(await credentials.authorization()).toBe('Bearer token-0');
    expect(await credentials.authorization()).toBe('Bearer token-1');
    await credentials.refresh!();
    expect(await credentials.authorization()).toBe('Bearer token-2');
    expect(await credentials.authorization()).toBe('Bearer token-3');
    expect(requests.map((r) => r.forceRefresh)).toEqual([false, false, true, false]);
    expect(credentials.secrets()).toEqual(['token-0', 'token-1', 'token-2', 'token-3']);
  });

  it('takes a synchronous provider too', async () => {
    const credentials = providerCredentials(() => 'sync-token', new FakeClock());
    expect(await credentials.authorization()).toBe('Bearer sync-token');
  });

  it.each([
    ['the scheme included', 'Bearer secret-value-123456', /without the "Bearer " scheme/],
    ['an empty string', '   ', /unusable token/],
    ['a token with a space', 'secret value-123456', /unusable token/],
    ['a token with a newline', 'secret-value\n123456', /unusable token/],
    ['an object', { token: 'secret-value-123456' }, /got object/],
    ['undefined', undefined, /got undefined/],
  ])('fails with SPEECHKIT_ERR_AUTH for %s, without repeating it', async (_name, value, message) => {
    const credentials = providerCredentials(async () => value as string, new FakeClock());
    const error = await failure(credentials.authorization());
    expect(error.code).toBe('SPEECHKIT_ERR_AUTH');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('secret');
  });

  it('reports a provider failure with its message, scrubbed of every token it returned before', async () => {
    let calls = 0;
    const credentials = providerCredentials(async () => {
      if (calls++ === 0) return 'first-token-abcdefghijklmnop';
      throw new Error('vault said no; the old token first-token-abcdefghijklmnop was revoked');
    }, new FakeClock());
    await credentials.authorization();
    const error = await failure(credentials.authorization());
    expect(error.code).toBe('SPEECHKIT_ERR_AUTH');
    expect(error.message).toMatch(/^getIamToken failed: vault said no/);
    expect(error.message).not.toContain('first-token');
  });

  it('fails a provider that never answers after the timeout, on the injected clock', async () => {
    const clock = new FakeClock();
    const credentials = providerCredentials(() => new Promise<string>(() => {}), clock);
    const outcome = failure(credentials.authorization());
    await flushMicrotasks();
    clock.advance(PROVIDER_TIMEOUT_MS - 1);
    await flushMicrotasks();
    let settled = false;
    void outcome.then(() => (settled = true));
    await flushMicrotasks();
    expect(settled).toBe(false);
    clock.advance(1);
    const error = await outcome;
    expect(error.code).toBe('SPEECHKIT_ERR_AUTH');
    expect(error.message).toMatch(/did not settle within 30000 ms/);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a failed forced refresh fails the next session start with SPEECHKIT_ERR_AUTH', async () => {
    let calls = 0;
    const credentials = providerCredentials(async ({ forceRefresh }) => {
      calls++;
      if (forceRefresh) throw new Error('cannot refresh');
      return 'tok-1234';
    }, new FakeClock());
    await credentials.authorization();
    await credentials.refresh!(); // never rejects
    const error = await failure(credentials.authorization());
    expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_AUTH', message: 'getIamToken failed: cannot refresh' });
    expect(calls).toBe(2);
  });
});
