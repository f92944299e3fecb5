import { describe, expect, it } from 'vitest';
import type { RolloverEvent } from '../../src/recognize-stream.js';
import type { SeamEvent } from '../../src/session/seam.js';
import { seededRandom } from '../helpers/dialled.js';
import { DigitService, digitScript, type ScriptOptions, type ServiceOptions } from '../helpers/fake-recognizer.js';
import { fakeStream, flushMicrotasks } from '../helpers/fake-transport.js';

const rate = 16_000;

/** Runs a whole script through a stream on fake time against the digit service; returns what the reader got. */
async function runScript(script: ReturnType<typeof digitScript>, streamOptions: Record<string, unknown>, service: Omit<ServiceOptions, 'rate'>) {
  const { clock, transport, stream, results, errors } = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', ...streamOptions });
  const fake = new DigitService(transport, clock, { rate, ...service });
  const rollovers: RolloverEvent[] = [];
  const seams: SeamEvent[] = [];
  stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
  stream.on('seam', (e: SeamEvent) => seams.push(e));
  let ended = false;
  stream.on('end', () => (ended = true));
  stream.write(script.pcm);
  stream.end();
  for (let t = 0; t < script.durationMs + 20_000 && !ended; t += 10) {
    await flushMicrotasks();
    fake.tick();
    clock.advance(10);
  }
  await flushMicrotasks();
  return { finals: results.filter((r) => r.final).map((r) => r.text), rollovers, seams, errors, ended, transport };
}

const digits: Omit<ScriptOptions, 'seed'> = {
  rate, totalMs: 15_000, digits: [3, 8], toneMs: [80, 150], gapMs: [80, 150], pauseMs: [900, 1_500],
};

describe('finals without word times across hard-cut rollovers (issue 10, item 1)', () => {
  it('v2, 4 s sessions, pace 1: every utterance exactly once, over seeded schedules and final latencies', async () => {
    let cuts = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const script = digitScript({ ...digits, seed });
      const latency = seededRandom(seed * 7919);
      const run = await runScript(script, { pace: 1, sessionLimits: { maxAudioMs: 4_000 } }, { latencyMs: () => latency() * 1_500 });
      expect(run.errors, `seed ${seed}`).toEqual([]);
      expect(run.ended, `seed ${seed}`).toBe(true);
      expect(run.finals, `seed ${seed}`).toEqual(script.utterances);
      expect(run.seams, `seed ${seed}`).toEqual([]);
      cuts += run.rollovers.filter((r) => r.reason === 'limit').length;
    }
    // The schedules do cut inside utterances, the case the issue reported.
    expect(cuts).toBeGreaterThan(5);
  });
});
