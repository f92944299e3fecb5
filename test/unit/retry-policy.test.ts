import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { backoffDelay, classify, DEFAULT_RETRY, RETRY_TABLE } from '../../src/session/retry-policy.js';

describe('retry table', () => {
  it('retries transient failures and fails fast on the rest', () => {
    expect(classify(ErrorCodes.UNAVAILABLE)).toBe('retry');
    expect(classify(ErrorCodes.INTERNAL)).toBe('retry');
    expect(classify(ErrorCodes.DEADLINE_EXCEEDED)).toBe('retry');
    expect(classify(ErrorCodes.SESSION_ENDED)).toBe('retry');
    expect(classify(ErrorCodes.RESOURCE_EXHAUSTED)).toBe('retry-slow');
    expect(classify(ErrorCodes.SESSION_LIMIT)).toBe('rollover');
    for (const code of [ErrorCodes.INVALID_ARGUMENT, ErrorCodes.PERMISSION_DENIED, ErrorCodes.UNAUTHENTICATED, ErrorCodes.SERVICE, ErrorCodes.INVALID_AUDIO]) {
      expect(classify(code)).toBe('fail');
    }
    expect(classify('SOMETHING_NEW')).toBe('fail');
    expect(Object.isFrozen(RETRY_TABLE)).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially to the cap, with full jitter between 0 and the ceiling', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(DEFAULT_RETRY, 'retry', n, 0.999999));
    expect(ceilings).toEqual([250, 500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(backoffDelay(DEFAULT_RETRY, 'retry', 5, 0)).toBe(0);
    expect(backoffDelay(DEFAULT_RETRY, 'retry', 3, 0.5)).toBe(500);
  });

  it('waits longer for a quota error', () => {
    expect(backoffDelay(DEFAULT_RETRY, 'retry-slow', 1, 0)).toBe(1000);
    expect(backoffDelay(DEFAULT_RETRY, 'retry-slow', 1, 0.999999)).toBe(2000);
    expect(backoffDelay(DEFAULT_RETRY, 'retry-slow', 3, 0.999999)).toBe(8000);
  });
});
