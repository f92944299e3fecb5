import { describe, expect, it } from 'vitest';
import { EndFlush, FLUSH_SILENCE_MS, FLUSH_WAIT_MS, MAX_FLUSH_RECOVERIES } from '../../src/session/end-flush.js';

describe('end-of-stream flush', () => {
  it('half-closes at once when a final already covers the last speech, or nothing was said', () => {
    const flush = new EndFlush();
    expect(flush.next(0, 0, 0)).toEqual({ kind: 'half-close' });
    flush.sent(0, 100, true);
    flush.sent(100, 100, false);
    expect(flush.next(0, 50, 200)).toEqual({ kind: 'half-close' });
  });

  it('adds silence up to FLUSH_SILENCE_MS after the last speech, then waits (bounded) for its final', () => {
    const flush = new EndFlush();
    flush.sent(0, 100, true);
    flush.sent(100, 300, false); // the audio's own 300 ms of silence count
    const steps: string[] = [];
    for (let now = 0; ; now += 100) {
      const step = flush.next(now, 0, 400);
      if (step.kind === 'silence') flush.silenceSent(100);
      steps.push(step.kind);
      if (step.kind !== 'silence') {
        expect(step).toEqual({ kind: 'wait', untilMs: FLUSH_WAIT_MS });
        break;
      }
    }
    expect(steps.filter((s) => s === 'silence')).toHaveLength((FLUSH_SILENCE_MS - 300) / 100);
    expect(flush.next(FLUSH_WAIT_MS - 1, 0, 400).kind).toBe('wait');
    expect(flush.next(FLUSH_WAIT_MS, 0, 400).kind).toBe('half-close');
    // The final covering the speech ends the wait at once.
    const other = new EndFlush();
    other.sent(0, 100, true);
    other.next(0, 0, 100);
    expect(other.next(10, 80, 100).kind).toBe('half-close');
  });

  it('audio of unknown level ends as before: no silence, no waiting, no replay', () => {
    const flush = new EndFlush();
    flush.sent(0, 100, true);
    flush.sent(100, 100, undefined);
    expect(flush.next(0, 0, 200).kind).toBe('half-close');
    expect(flush.endedOk(0, 0)).toBe('ok');
  });

  it('an OK with the last speech unconfirmed: a bounded number of replays, then a report', () => {
    const flush = new EndFlush();
    flush.sent(1000, 100, true);
    for (let i = 0; i < MAX_FLUSH_RECOVERIES; i++) {
      expect(flush.endedOk(i, 400)).toBe('recover');
      flush.newSession();
    }
    expect(flush.endedOk(MAX_FLUSH_RECOVERIES, 400)).toEqual({ session: MAX_FLUSH_RECOVERIES, fromMs: 400, toMs: 1100, recoveries: MAX_FLUSH_RECOVERIES });
    expect(flush.endedOk(9, 1050)).toBe('ok');
  });
});
