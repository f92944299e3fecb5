import { describe, expect, it } from 'vitest';
import type { RolloverEvent } from '../../src/recognize-stream.js';
import type { SessionInfo } from '../../src/results.js';
import type { SeamEvent } from '../../src/session/seam.js';
import { seededRandom } from '../helpers/dialled.js';
import { DigitService, digitScript } from '../helpers/fake-recognizer.js';
import { type FakeCall, fakeStream, flushMicrotasks } from '../helpers/fake-transport.js';

const rate = 16_000;

interface Scenario {
  wordTimes: boolean;
  /** Shifts the times of the first final of the repair sessions it picks, ms. */
  bogusRepairFinalMs?: number;
  /** Called every 10 ms with the repair sessions seen so far and their calls. */
  onRepair?: (repair: SessionInfo, call: FakeCall) => void;
}

/**
 * The first session stops answering 1.5 s in: its speech piles up past the 1.6 s replay bound,
 * the hard cut leaves it owning what the next session's replay cannot reach, and then it fails,
 * so a repair session has to hear that speech again.
 */
async function runScenario(seed: number, o: Scenario) {
  const script = digitScript({ rate, seed, totalMs: 15_000, digits: [3, 8], toneMs: [80, 150], gapMs: [80, 150], pauseMs: [900, 1_500] });
  const { clock, transport, stream, results, errors } = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 1, sessionLimits: { maxAudioMs: 4_000 }, retry: { minDelayMs: 5, maxDelayMs: 20 } });
  const latency = seededRandom(seed * 31);
  const rollovers: RolloverEvent[] = [];
  const sessions: SessionInfo[] = [];
  const seams: SeamEvent[] = [];
  const warnings: { code?: string }[] = [];
  // A repair session: its audio starts before the session that replaced the failed one.
  const isRepair = (s: SessionInfo) => rollovers.length > 0 && s.session >= 2 && s.baseOffsetMs < rollovers[0]!.replayFromMs;
  const repairIndex = (index: number) => sessions.some((s) => s.session === index && isRepair(s));
  const service = new DigitService(transport, clock, {
    rate,
    wordTimes: o.wordTimes,
    latencyMs: () => latency() * 300,
    bogusFirstFinal: (index) => (o.bogusRepairFinalMs !== undefined && repairIndex(index) ? o.bogusRepairFinalMs : undefined),
  });
  stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
  stream.on('session', (e: SessionInfo) => sessions.push(e));
  stream.on('seam', (e: SeamEvent) => seams.push(e));
  stream.on('warning', (e: { code?: string }) => warnings.push(e));
  let ended = false;
  stream.on('end', () => (ended = true));
  stream.write(script.pcm);
  stream.end();
  let failed = false;
  for (let t = 0; t < script.durationMs + 30_000 && !ended; t += 10) {
    await flushMicrotasks();
    const first = transport.calls[0];
    if (first && t === 1_500) service.stalled.add(first);
    if (first && !failed && rollovers.length > 0) {
      failed = true;
      first.finish({ code: 14, details: 'gone' });
    }
    for (const s of sessions) {
      const call = transport.calls[s.session];
      if (call && !call.ended && isRepair(s)) o.onRepair?.(s, call);
    }
    service.tick();
    clock.advance(10);
  }
  await flushMicrotasks();
  return { script, results, errors, ended, seams, warnings, repaired: sessions.some(isRepair) };
}

describe('repair sessions: speech a replaced session kept and then did not report', () => {
  it('is heard again by a session of its own and reaches the reader once, in order', async () => {
    let repaired = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const r = await runScenario(seed, { wordTimes: seed % 2 === 0 });
      expect(r.errors, `seed ${seed}`).toEqual([]);
      expect(r.ended, `seed ${seed}`).toBe(true);
      expect(r.results.filter((x) => x.final).map((x) => x.text), `seed ${seed}`).toEqual(r.script.utterances);
      expect(r.seams, `seed ${seed}`).toEqual([]);
      if (r.repaired) repaired++;
    }
    expect(repaired).toBeGreaterThan(2);
  });

  it("places a repair session's final whose times are wrong (an hour ahead) instead of letting it hide the next session's finals", async () => {
    let repaired = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const r = await runScenario(seed, { wordTimes: true, bogusRepairFinalMs: 3_600_000 });
      expect(r.errors, `seed ${seed}`).toEqual([]);
      expect(r.ended, `seed ${seed}`).toBe(true);
      expect(r.results.filter((x) => x.final).map((x) => x.text), `seed ${seed}`).toEqual(r.script.utterances);
      if (r.repaired) {
        repaired++;
        expect(r.warnings.map((w) => w.code), `seed ${seed}`).toContain('SPEECHKIT_ERR_RESULT_TIMES');
      }
    }
    expect(repaired).toBeGreaterThan(2);
  });

  it('a repair the service refuses is tried again after a backoff, without using up its attempts', async () => {
    let refusedRepairs = 0;
    for (let seed = 1; seed <= 6; seed++) {
      // The first three repair sessions are refused as soon as they start (more than REPAIR_ATTEMPTS).
      const refused = new Set<number>();
      const r = await runScenario(seed, {
        wordTimes: seed % 2 === 0,
        onRepair: (s, call) => {
          if (refused.has(s.session) || refused.size >= 3) return;
          refused.add(s.session);
          call.finish({ code: 14, details: 'refused' });
        },
      });
      expect(r.errors, `seed ${seed}`).toEqual([]);
      expect(r.ended, `seed ${seed}`).toBe(true);
      expect(r.results.filter((x) => x.final).map((x) => x.text), `seed ${seed}`).toEqual(r.script.utterances);
      expect(r.seams, `seed ${seed}`).toEqual([]);
      if (refused.size === 3) refusedRepairs++;
    }
    expect(refusedRepairs).toBeGreaterThan(2);
  });
});
