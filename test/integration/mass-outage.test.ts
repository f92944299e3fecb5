import { describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type FaultRule } from '../../src/emulator/index.js';
import { createGrpcTransport } from '../../src/transport/grpc-transport.js';
// @ts-expect-error Plain JavaScript shared with `npm run test:outage` (1,000 streams).
import { mostInAnyWindow, runMassOutage } from '../../benchmarks/lib/mass-outage.js';

interface OutageResult {
  problems: string[];
  sessionsBefore: number;
  reachedAfter: number;
  opens: number[];
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
        createTransport: createGrpcTransport,
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
      // The start limiter's rate held: never more than 40 calls opened in any second, before or
      // after the outage (where the emulator stamps starts, its own event-loop delay can squeeze
      // 41 evenly spaced ones into a second on a loaded machine: `npm run test:outage` checks
      // its view over 10 s windows).
      expect(result.opens.length).toBeGreaterThanOrEqual(before.length + after.length);
      expect(mostInAnyWindow(result.opens)).toBeLessThanOrEqual(40);
      // As the emulator saw them: 153 starts at 40 a second need 3.9 s (less its event-loop delay).
      const afterStarts = after.map((s) => s.startedAt);
      expect(Math.max(...afterStarts) - Math.min(...afterStarts)).toBeGreaterThan(3_500);
    } finally {
      await emulators.at(-1)!.close();
    }
  }, 90_000);
});
