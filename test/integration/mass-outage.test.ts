import { describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type FaultRule } from '../../src/emulator/index.js';
// @ts-expect-error Plain JavaScript shared with `npm run test:outage` (1,000 streams).
import { mostInAnyWindow, runMassOutage } from '../../benchmarks/lib/mass-outage.js';

interface OutageResult {
  problems: string[];
  sessionsBefore: number;
  reachedAfter: number;
  retriesPerStream: Record<string, number>;
  recovered: { max: number; p50: number };
}

/** Closes the emulator (every session fails with UNAVAILABLE at once) and starts a new one on its port. */
async function restart(old: Emulator, faults: FaultRule[]): Promise<Emulator> {
  const closed = old.close();
  for (let tries = 0; ; tries++) {
    try {
      const next = await startEmulator({ port: old.port, faults, recordAudio: false });
      await closed;
      return next;
    } catch (error) {
      if (tries > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

describe('mass outage over real gRPC', () => {
  it('150 streams whose sessions all fail at once each recover once through the start limiter, digits exact', async () => {
    const streams = 150;
    // The restarted service refuses three of its first sessions: those streams retry again from the
    // back of the start queue (~4 s long at 40 a second), on a retry budget of 2 s.
    const refusals: FaultRule[] = [20, 70, 120].map((session) => ({ action: 'refuse', status: 'UNAVAILABLE', session }));
    const emulators: Emulator[] = [await startEmulator({ recordAudio: false })];
    try {
      const result: OutageResult = await runMassOutage({
        address: emulators[0]!.address,
        streams,
        retry: { maxTotalMs: 2_000 },
        afterOutageMs: 4_000,
        outage: async () => {
          const downAt = Date.now();
          const sessionsBefore = emulators[0]!.sessions.length;
          emulators.push(await restart(emulators[0]!, refusals));
          return { downAt, upAt: Date.now(), sessionsBefore };
        },
      });
      expect(result.problems).toEqual([]);
      const [before, after] = [emulators[0]!.sessions, emulators[1]!.sessions];
      expect(before).toHaveLength(streams);
      // One new session per stream that reached the service, and the three refused ones: no more.
      expect(after).toHaveLength(streams + refusals.length);
      expect(after.filter((s) => s.status?.name === 'UNAVAILABLE')).toHaveLength(refusals.length);
      expect(result.reachedAfter).toBe(after.length);
      expect(result.retriesPerStream['1']! + (result.retriesPerStream['2'] ?? 0)).toBe(streams);
      // The start limiter's rate held, as the service saw the starts, before and after the outage.
      expect(mostInAnyWindow([...before, ...after].map((s) => s.startedAt))).toBeLessThanOrEqual(40);
      // 153 starts at 40 a second need at least 3.8 s: the limiter, not the outage, set the pace.
      expect(result.recovered.max).toBeGreaterThan(3_800);
    } finally {
      await emulators.at(-1)!.close();
    }
  }, 90_000);
});
