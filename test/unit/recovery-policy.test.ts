import { describe, expect, it } from 'vitest';
import { ErrorCodes, SpeechKitError } from '../../src/errors.js';
import { RecoveryPolicy, type RecoveryDecision } from '../../src/session/recovery-policy.js';
import { DEFAULT_RETRY, type RetryOptions } from '../../src/session/retry-policy.js';
import { seededRandom } from '../helpers/dialled.js';

const failure = (code: string, session = 0) => new SpeechKitError(code as never, code, { session });
const options = (over: Partial<RetryOptions> = {}): RetryOptions => ({ ...DEFAULT_RETRY, ...over });

describe('RecoveryPolicy: the one place deciding whether a failed session is followed by a new one', () => {
  it('retries up to `retries` failures per episode, then gives up with RETRIES_EXHAUSTED carrying the last failure', () => {
    const policy = new RecoveryPolicy(options({ retries: 3 }), () => 0.5, false);
    const decisions = [1, 2, 3, 4].map((k) => policy.onFailure(failure(ErrorCodes.UNAVAILABLE, k), k * 1000));
    expect(decisions.map((d) => d.action)).toEqual(['retry', 'retry', 'retry', 'fail']);
    expect(decisions.slice(0, 3).map((d) => (d.action === 'retry' ? d.event.attempt : 0))).toEqual([1, 2, 3]);
    const last = decisions[3] as Extract<RecoveryDecision, { action: 'fail' }>;
    expect(last.error.code).toBe(ErrorCodes.RETRIES_EXHAUSTED);
    expect((last.error.cause as SpeechKitError).session).toBe(4);
  });

  it('a healthy session ends the episode: the next failure starts with the whole budget', () => {
    const policy = new RecoveryPolicy(options({ retries: 1 }), () => 0.5, false);
    expect(policy.onFailure(failure(ErrorCodes.UNAVAILABLE), 0).action).toBe('retry');
    expect(policy.recovering).toBe(true);
    policy.onHealthy();
    expect(policy.recovering).toBe(false);
    expect(policy.onFailure(failure(ErrorCodes.UNAVAILABLE), 50_000).action).toBe('retry');
    expect(policy.onFailure(failure(ErrorCodes.UNAVAILABLE), 50_100).action).toBe('fail');
  });

  it('fails fast, with the failure itself, on what the retry table calls fatal, and on everything with `retry: false`', () => {
    const policy = new RecoveryPolicy(options(), () => 0.5, false);
    const decision = policy.onFailure(failure(ErrorCodes.INVALID_ARGUMENT), 0);
    expect(decision).toMatchObject({ action: 'fail', error: { code: ErrorCodes.INVALID_ARGUMENT } });
    const off = new RecoveryPolicy(false, () => 0.5, false);
    expect(off.onFailure(failure(ErrorCodes.UNAVAILABLE), 0)).toMatchObject({ action: 'fail', error: { code: ErrorCodes.UNAVAILABLE } });
  });

  it('gives up once an episode has lasted maxTotalMs, not counting time queued for a start slot', () => {
    const policy = new RecoveryPolicy(options({ retries: 100, maxTotalMs: 10_000 }), () => 0, false);
    expect(policy.onFailure(failure(ErrorCodes.UNAVAILABLE), 0).action).toBe('retry');
    policy.queued(1_000);
    policy.granted(30_000); // 29 s in the quota's queue
    expect(policy.onFailure(failure(ErrorCodes.UNAVAILABLE), 35_000).action).toBe('retry'); // 6 s of its own
    expect(policy.onFailure(failure(ErrorCodes.UNAVAILABLE), 39_001).action).toBe('fail'); // 10.001 s
  });

  it('an UNAUTHENTICATED refusal is worth one new session after a forced refresh per healthy stretch, outside the budget (also with retry: false)', () => {
    const policy = new RecoveryPolicy(options({ retries: 0 }), () => 0.5, true);
    expect(policy.onFailure(failure(ErrorCodes.UNAUTHENTICATED), 0)).toMatchObject({ action: 'retry', refresh: true, delayMs: 0 });
    expect(policy.onFailure(failure(ErrorCodes.UNAUTHENTICATED), 10)).toMatchObject({ action: 'fail', error: { code: ErrorCodes.UNAUTHENTICATED } });
    policy.onHealthy();
    expect(policy.onFailure(failure(ErrorCodes.UNAUTHENTICATED), 20)).toMatchObject({ action: 'retry', refresh: true });
    const off = new RecoveryPolicy(false, () => 0.5, true);
    expect(off.onFailure(failure(ErrorCodes.UNAUTHENTICATED), 0)).toMatchObject({ action: 'retry', refresh: true });
    const cannot = new RecoveryPolicy(options(), () => 0.5, false);
    expect(cannot.onFailure(failure(ErrorCodes.UNAUTHENTICATED), 0).action).toBe('fail');
  });

  it('a session limit hit despite the margins is a new session at once; quota waits longer', () => {
    const policy = new RecoveryPolicy(options(), () => 0.999, false);
    expect(policy.onFailure(failure(ErrorCodes.SESSION_LIMIT), 0)).toMatchObject({ action: 'retry', delayMs: 0 });
    const quota = policy.onFailure(failure(ErrorCodes.RESOURCE_EXHAUSTED), 0);
    expect(quota.action === 'retry' && quota.delayMs).toBeGreaterThanOrEqual(DEFAULT_RETRY.slowMinDelayMs);
  });

  it('over random schedules: never more than `retries` new sessions between healthy ones, delays within the jittered ceilings, one refresh per stretch', () => {
    const codes = [ErrorCodes.UNAVAILABLE, ErrorCodes.STALLED, ErrorCodes.RESOURCE_EXHAUSTED, ErrorCodes.SESSION_LIMIT, ErrorCodes.UNAUTHENTICATED, ErrorCodes.INTERNAL];
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const retry = options({ retries: Math.floor(random() * 8), maxTotalMs: 5_000 + random() * 60_000 });
      const policy = new RecoveryPolicy(retry, random, random() < 0.5);
      let now = 0;
      let retries = 0;
      let refreshes = 0;
      let episodeStart: number | undefined;
      let queued = 0;
      for (let step = 0; step < 60; step++) {
        now += random() * 3_000;
        const roll = random();
        if (roll < 0.15) {
          policy.onHealthy();
          retries = 0;
          refreshes = 0;
          episodeStart = undefined;
          queued = 0;
          continue;
        }
        if (roll < 0.25 && episodeStart !== undefined) {
          const wait = random() * 20_000;
          policy.queued(now);
          now += wait;
          policy.granted(now);
          queued += wait;
          continue;
        }
        const code = codes[Math.floor(random() * codes.length)]!;
        episodeStart ??= now;
        const decision = policy.onFailure(failure(code), now);
        if (decision.action === 'fail') {
          // A give-up ends the stream: the schedule of this stream is over.
          break;
        }
        if (decision.refresh) {
          refreshes++;
          expect(refreshes).toBe(1);
          continue;
        }
        retries++;
        expect(retries).toBeLessThanOrEqual(retry.retries);
        expect(now - episodeStart - queued).toBeLessThan(retry.maxTotalMs);
        const base = code === ErrorCodes.RESOURCE_EXHAUSTED ? retry.slowMinDelayMs : retry.minDelayMs;
        const ceiling = Math.min(retry.maxDelayMs, base * retry.factor ** (retries - 1));
        if (code === ErrorCodes.SESSION_LIMIT) expect(decision.delayMs).toBe(0);
        else expect(decision.delayMs).toBeLessThanOrEqual(ceiling);
        expect(decision.delayMs).toBeGreaterThanOrEqual(0);
        expect(decision.event).toMatchObject({ attempt: retries, code, delayMs: decision.delayMs });
      }
    }
  });
});
