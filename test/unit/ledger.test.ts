import { describe, expect, it } from 'vitest';
import type { RecognitionResult } from '../../src/results.js';
import { Ledger } from '../../src/session/ledger.js';
import { DEFAULT_ROLLOVER } from '../../src/session/rollover.js';

const options = { maxReplayMs: 30_000, stallTimeoutMs: 5_000, rollover: DEFAULT_ROLLOVER, sessionLimits: { maxAudioMs: 300_000, maxBytes: 10_000_000 } };

/** Sends 100 ms frames: one character per frame, 's' speech, '.' silence. */
function send(ledger: Ledger, pattern: string): void {
  for (let i = 0; i < pattern.length; i++) ledger.sent({ data: Buffer.alloc(3_200), streamMs: i * 100, durationMs: 100 }, pattern[i] === '.', 0);
}

const final = (finalIndex: number, times?: [number, number]) =>
  ({ type: 'final', text: 'x', final: true, endOfUtterance: false, finalIndex, alternatives: [], session: 0, channelTag: '0', ...(times && { startMs: times[0], endMs: times[1] }) }) as RecognitionResult & { type: 'final' };

describe('Ledger', () => {
  it('a final that lost its times, coming while a timed final still waits for its refinement, confirms its own speech', () => {
    // v3, refinements on: two utterances (200-400 ms, 1 000-1 200 ms). The first one's final is
    // timed; its refinement is late. The second one's final lost its (absurd) times.
    const ledger = new Ledger(options, { refinement: true, endOfUtterance: false });
    send(ledger, '..ss......ss......');
    ledger.final(final(0, [200, 400]), 1_800);
    ledger.final(final(1), 1_800);
    expect(ledger.confirmedMs).toBe(0);
    ledger.followUp({ type: 'refinement', finalIndex: 0 } as RecognitionResult);
    ledger.followUp({ type: 'refinement', finalIndex: 1 } as RecognitionResult);
    // Both utterances are confirmed: a rollover now must not replay (and repeat) the second.
    expect(ledger.confirmedMs).toBeGreaterThanOrEqual(1_200);
  });
});
