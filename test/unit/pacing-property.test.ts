import { describe, expect, it } from 'vitest';
import { createSessionStartLimiter } from '../../src/session/start-limiter.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { seededRandom } from '../helpers/dialled.js';
import { fakeStream, flushMicrotasks, v2Final, type FakeCall } from '../helpers/fake-transport.js';

const rate = 8000;
const bytesPerMs = (rate * 2) / 1000;
const loud = (ms: number) => Buffer.alloc(Math.round(ms) * bytesPerMs, 0x11);

/** Audio messages of one call: when each went out and how much audio (keep-alive silence included) it held. */
function sends(call: FakeCall): { at: number; ms: number }[] {
  return call.writes
    .filter((w) => w.message.audio_content !== undefined)
    .map((w) => ({ at: w.at, ms: (w.message.audio_content as Buffer).length / bytesPerMs }));
}

/**
 * The pacing rule, checked over every pair of send times in a session: the audio sent in [t, t')
 * is at most rate × (t' − t) + one chunk. Returns the worst excess found (≤ 0 when the rule holds).
 */
function worstExcess(list: { at: number; ms: number }[], maxRate: number, chunkMs: number): { excess: number; from: number; to: number } {
  let worst = { excess: -Infinity, from: 0, to: 0 };
  for (let i = 0; i < list.length; i++) {
    let audio = 0;
    for (let j = i; j < list.length; j++) {
      // Everything sent before t_j, from t_i on (messages sharing t_i all count; those at t_j do not).
      if (list[j]!.at > list[i]!.at || j === i) {
        const excess = audio - maxRate * (list[j]!.at - list[i]!.at) - chunkMs;
        if (excess > worst.excess) worst = { excess, from: list[i]!.at, to: list[j]!.at };
      }
      audio += list[j]!.ms;
    }
  }
  return worst;
}

interface Scenario {
  seed: number;
  pace: number;
  chunkMs: number;
  afterMs: number;
  maxAudioMs: number;
  live: boolean;
  /** Session starts per second through a limiter that others crowd now and then; 0: no limiter. */
  startsPerSecond: number;
}

/** Plays one random schedule of writes, pauses, bursts, finals, failures and rollovers on fake time. */
async function play(s: Scenario) {
  const random = seededRandom(s.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const clock = new FakeClock();
  const limiter = s.startsPerSecond > 0 ? createSessionStartLimiter({ perSecond: s.startsPerSecond, clock }) : undefined;
  const { transport, stream, errors } = fakeStream({
    sampleRateHertz: rate,
    audioEncoding: 'LINEAR16_PCM',
    pace: s.pace,
    chunkMs: s.chunkMs,
    idle: { policy: 'keepalive', afterMs: s.afterMs },
    sessionLimits: { maxAudioMs: s.maxAudioMs },
    maxBufferedMs: 60_000,
    retry: { retries: 50, minDelayMs: 50, maxDelayMs: 400, maxTotalMs: 600_000 },
    startLimiter: limiter ?? false,
  }, clock);
  const seen = { rollovers: 0, retries: 0 };
  stream.on('rollover', () => seen.rollovers++);
  stream.on('retry', () => seen.retries++);
  const totalMs = 12_000 + Math.floor(random() * 12_000);
  let written = 0;
  let nextWriteAt = 0;
  const stepMs = 10;
  for (let t = 0; t < 200_000 && !(written >= totalMs && transport.calls.every((c) => c.ended)); t += stepMs) {
    if (written < totalMs && t >= nextWriteAt) {
      if (s.live) {
        // A live source: real-time pieces of random size, now and then a pause or a burst of held-back audio.
        const roll = random();
        const size = roll < 0.1 ? 1_000 + random() * 2_000 : pick([10, 20, 50, 100, 300, 1_000]);
        const piece = Math.min(totalMs - written, size);
        stream.write(loud(piece));
        written += piece;
        const pause = random() < 0.08 ? 500 + random() * 5_500 : 0;
        nextWriteAt = t + (roll < 0.1 ? 0 : piece) + pause + Math.floor(random() * 3) * stepMs;
      } else {
        // A file: written ahead in chunks of random size, with the writer now and then busy elsewhere.
        const piece = Math.min(totalMs - written, pick([100, 700, 3_000, 8_000]));
        stream.write(loud(piece));
        written += piece;
        nextWriteAt = t + (random() < 0.3 ? random() * 4_000 : 0);
      }
      if (written >= totalMs) stream.end();
    }
    const call = transport.calls.at(-1);
    if (call && !call.ended) {
      const sentMs = sends(call).reduce((sum, x) => sum + x.ms, 0);
      const roll = random();
      if (call.halfClosed) {
        if (roll < 0.02) call.finish();
      } else if (roll < 0.004 && sentMs > 0) {
        call.finish({ code: 14, details: 'unavailable' });
      } else if (roll < 0.03 && sentMs > 200) {
        call.respond(v2Final('x', sentMs - 200, sentMs - 100));
      }
    }
    // Other streams' sessions queue for starts: a rollover may wait several seconds for its slot.
    if (limiter && random() < 0.002) for (let i = Math.floor(random() * 8); i > 0; i--) limiter.acquire(() => {});
    for (const c of transport.calls) if (c !== call && c.halfClosed && !c.ended && random() < 0.05) c.finish();
    await flushMicrotasks();
    clock.advance(stepMs);
  }
  await flushMicrotasks();
  return { transport, errors, written, seen };
}

const paces = [1, 2, 3, 0.5] as const;

describe('pacing: one absolute bound per session', () => {
  it('never feeds a session faster than max(pace, 2) × real time plus one chunk, over random writes, failures and rollovers', async () => {
    const random = seededRandom(2026);
    const failures: string[] = [];
    let sessions = 0;
    let messages = 0;
    let keepAlives = 0;
    let rollovers = 0;
    let retries = 0;
    for (let k = 0; k < 48; k++) {
      const scenario: Scenario = {
        seed: 1_000 + k,
        pace: paces[k % paces.length]!,
        chunkMs: [20, 100, 100, 250, 500, 1_000][Math.floor(random() * 6)]!,
        afterMs: [100, 300, 1_000, 3_500][Math.floor(random() * 4)]!,
        maxAudioMs: [3_000, 6_000, 10_000][Math.floor(random() * 3)]!,
        live: random() < 0.5,
        startsPerSecond: [0, 0, 1, 5][Math.floor(random() * 4)]!,
      };
      const { transport, errors, seen } = await play(scenario);
      rollovers += seen.rollovers;
      retries += seen.retries;
      expect(errors, JSON.stringify(scenario)).toEqual([]);
      const bound = Math.max(scenario.pace, 2);
      transport.calls.forEach((call, index) => {
        const list = sends(call);
        sessions++;
        messages += list.length;
        keepAlives += call.writes.filter((w) => (w.message.audio_content as Buffer | undefined)?.every((b) => b === 0)).length;
        const worst = worstExcess(list, bound, scenario.chunkMs);
        if (worst.excess > 1e-6) {
          failures.push(`${JSON.stringify(scenario)} session ${index}: ${worst.excess.toFixed(1)} ms over in [${worst.from}, ${worst.to})`);
        }
      });
    }
    // The schedules really did go through many sessions (rollovers and recoveries), not one each.
    console.info(`[pacing] ${sessions} sessions, ${messages} audio messages, ${keepAlives} keep-alives, ${rollovers} rollovers, ${retries} recoveries`);
    expect(sessions).toBeGreaterThan(48 * 2);
    expect(messages).toBeGreaterThan(5_000);
    expect(keepAlives).toBeGreaterThan(100);
    expect(rollovers).toBeGreaterThan(48);
    expect(retries).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  }, 60_000);
});
