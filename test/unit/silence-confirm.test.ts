import { describe, expect, it } from 'vitest';
import type { RolloverEvent } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { DigitService } from '../helpers/fake-recognizer.js';
import { fakeStream, flushMicrotasks } from '../helpers/fake-transport.js';

const rate = 16_000;
const samples = (ms: number) => (rate / 1000) * ms;

/** PCM of `[value, ms]` pieces (digit d is a tone of value 1000 + 300 d, see DigitService). */
function pcm(pieces: [number, number][]): Buffer {
  const out = Buffer.alloc(pieces.reduce((n, [, ms]) => n + samples(ms) * 2, 0));
  let at = 0;
  for (const [value, ms] of pieces) for (let i = 0; i < samples(ms); i++, at += 2) out.writeInt16LE(value, at);
  return out;
}
const digits = (text: string): [number, number][] => [...text].flatMap((d, i): [number, number][] => [...(i > 0 ? [[0, 100] as [number, number]] : []), [1000 + 300 * Number(d), 120]]);

function setup(options: Record<string, unknown>, latencyMs = 1_500) {
  const s = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', startLimiter: false, ...options });
  const service = new DigitService(s.transport, s.clock, { rate, latencyMs: () => latencyMs });
  const rollovers: RolloverEvent[] = [];
  s.stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
  const finalsAt: { text: string; at: number }[] = [];
  s.stream.on('data', (r: RecognitionResult) => r.final && finalsAt.push({ text: r.text, at: s.clock.now() }));
  let ended = false;
  s.stream.on('end', () => (ended = true));
  return { ...s, service, rollovers, finalsAt, ended: () => ended };
}

describe('silence is confirmed by the stream itself (issue 10, item 4)', () => {
  it('a live source with a 52 s pause: the rollover in it replays under 1 s, the writer is never held, finals come on time', async () => {
    const t = setup({ pace: 1, sessionLimits: { maxAudioMs: 60_000 } });
    const audio = pcm([[0, 300], ...digits('123'), [0, 52_000], ...digits('456'), [0, 1_200], ...digits('789'), [0, 1_200], ...digits('2580'), [0, 2_000]]);
    const chunk = samples(100) * 2;
    let heldMs = 0;
    // A live source: 100 ms of audio every 100 ms of (fake) time; the write callback says when the writer may go on.
    for (let at = 0, t0 = 0; at < audio.length; at += chunk, t0 += 100) {
      while (t.clock.now() < t0) {
        await flushMicrotasks();
        t.service.tick();
        t.clock.advance(10);
      }
      const wroteAt = t.clock.now();
      let done = false;
      t.stream.write(audio.subarray(at, at + chunk), () => (done = true));
      while (!done) {
        await flushMicrotasks();
        if (done) break;
        t.service.tick();
        t.clock.advance(10);
      }
      heldMs = Math.max(heldMs, t.clock.now() - wroteAt);
    }
    t.stream.end();
    for (let i = 0; i < 1_000 && !t.ended(); i++) {
      await flushMicrotasks();
      t.service.tick();
      t.clock.advance(10);
    }
    expect(t.errors).toEqual([]);
    expect(t.finalsAt.map((f) => f.text)).toEqual(['123', '456', '789', '2580']);
    const inPause = t.rollovers.filter((r) => r.atMs > 1_000 && r.atMs < 53_000);
    expect(inPause.length).toBeGreaterThan(0);
    for (const r of inPause) expect(r.atMs - r.replayFromMs).toBeLessThanOrEqual(1_000);
    expect(heldMs).toBeLessThanOrEqual(100);
    // Spoken, then 600 ms of silence to end it and 1.5 s of latency (plus a frame or two): each final within 2.4 s of its utterance's end.
    const ends = { '456': 53_420, '789': 53_420 + 1_200 + 560, '2580': 53_420 + 1_200 + 560 + 1_200 + 780 };
    for (const [text, endMs] of Object.entries(ends)) expect(t.finalsAt.find((f) => f.text === text)!.at - endMs, text).toBeLessThanOrEqual(2_400);
    console.log(`pause rollovers replayed ${inPause.map((r) => r.atMs - r.replayFromMs).join(', ')} ms; writer held at most ${heldMs} ms`);
  });

  it('at pace 0, 10 minutes of silence with 10 s sessions goes through far faster than real time, with little extra audio', async () => {
    const t = setup({ pace: 0, sessionLimits: { maxAudioMs: 10_000 } });
    const streamMs = 600_000;
    t.stream.write(Buffer.alloc(samples(streamMs) * 2));
    t.stream.end();
    while (!t.ended() && t.clock.now() < 2 * streamMs) {
      await flushMicrotasks();
      t.service.tick();
      t.clock.advance(50);
    }
    expect(t.errors).toEqual([]);
    expect(t.ended()).toBe(true);
    const sentMs = t.transport.calls.reduce((ms, c) => ms + c.audio().length / 2 / (rate / 1000), 0);
    console.log(`10 min of silence: ${t.clock.now()} ms of (fake) time, ${t.transport.calls.length} sessions, ${(100 * (sentMs / streamMs - 1)).toFixed(1)} % extra audio`);
    expect(t.clock.now()).toBeLessThan(streamMs / 10);
    // Each rollover replays at most the 500 ms lead-in of silence.
    expect(sentMs).toBeLessThanOrEqual(streamMs + 500 * (t.transport.calls.length - 1) + 1e-6);
  });

  it('never confirms past speech whose final has not come: a failure 1.2 s after it replays it, and it is reported once', async () => {
    const t = setup({ pace: 1 }, 1_500);
    t.stream.write(pcm([[0, 500], ...digits('369'), [0, 5_000]]));
    t.stream.end();
    const spokenEnd = 500 + 3 * 120 + 2 * 100;
    while (t.clock.now() < spokenEnd + 1_200) {
      await flushMicrotasks();
      t.service.tick();
      t.clock.advance(10);
    }
    expect(t.finalsAt).toEqual([]);
    t.transport.calls[0]!.finish({ code: 14, details: 'connection dropped' });
    for (let i = 0; i < 2_000 && !t.ended(); i++) {
      await flushMicrotasks();
      t.service.tick();
      t.clock.advance(10);
    }
    expect(t.errors).toEqual([]);
    expect(t.finalsAt.map((f) => f.text)).toEqual(['369']);
  });
});
