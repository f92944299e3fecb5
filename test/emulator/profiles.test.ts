import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  dialledDigitsLayout,
  dialledDigitsPcm,
  resolveProfile,
  SERVICE_PROFILES,
  startEmulator,
  type EmulatorOptions,
} from '../../src/emulator/index.js';
import { Recognizer } from '../../src/emulator/recognition/recognizer.js';
import { DTMF_SYMBOLS } from '../../src/emulator/recognition/dtmf-keypad.js';
import { chunks, connect, durationMs, emulatorsForFile, finals, openCall, runSession, sleep, splitMs, type Response, type Spec } from './helpers.js';

const PCM16K: Spec = { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: 16000, partial_results: true };
const emulator = emulatorsForFile();

/** "12" then "345": finals at ~1.2 s and ~2.6 s of audio; 3.6 s in all. */
const pcm = dialledDigitsPcm(['12', '345'], { sampleRate: 16000 });
const layout = dialledDigitsLayout(['12', '345'], { sampleRate: 16000 });
const messages = splitMs(pcm, 16000, 100);
const finalChunks = (responses: Response[]) => responses.flatMap((r) => r.chunks).filter((c) => c.final);

describe('service profiles: presets and resolution', () => {
  it('lenient is the emulator as it was; strict is the demanding reading; objects complete from their base', () => {
    expect(resolveProfile()).toEqual(SERVICE_PROFILES.lenient);
    expect(resolveProfile('lenient')).toEqual({
      wordTimes: true,
      pacing: false,
      halfClose: 'flush',
      finalLatencyMs: [0, 0],
      partialEveryMs: 300,
      cutToneHeard: false,
      v3: { cursorLagMs: 0, refinement: 'on-time', eouUpdate: 'on-time', lateMs: 0 },
    });
    expect(resolveProfile('strict')).toMatchObject({
      wordTimes: false,
      pacing: { maxRatio: 2, leadMs: 1500 },
      halfClose: 'ok-early',
      finalLatencyMs: [0, 1500],
      cutToneHeard: true,
    });
    const mixed = resolveProfile({ base: 'strict', wordTimes: true, v3: { refinement: 'missing' } });
    expect(mixed).toMatchObject({ wordTimes: true, halfClose: 'ok-early', v3: { refinement: 'missing', eouUpdate: 'late', lateMs: 1000 } });
    // A resolved profile is a copy: changing it leaves the preset alone.
    mixed.finalLatencyMs[1] = 9;
    expect(SERVICE_PROFILES.strict.finalLatencyMs).toEqual([0, 1500]);
  });

  it('refuses a bad profile before listening, naming the field', async () => {
    expect(() => resolveProfile('harsh' as 'strict')).toThrow(/profile must be one of lenient, strict/);
    expect(() => resolveProfile({ halfClose: 'maybe' as 'flush' })).toThrow(/profile\.halfClose/);
    expect(() => resolveProfile({ finalLatencyMs: [5, 1] })).toThrow(/finalLatencyMs/);
    expect(() => resolveProfile({ pacing: { maxRatio: 0, leadMs: 1 } })).toThrow(/pacing\.maxRatio/);
    expect(() => resolveProfile({ v3: { lateMs: -1 } })).toThrow(/v3\.lateMs/);
    await expect(startEmulator({ profile: { wordTimes: 'yes' as unknown as boolean } })).rejects.toThrow(/profile\.wordTimes/);
  });
});

describe('service profiles over gRPC (API v2)', () => {
  it('wordTimes: lenient finals carry timed words; without word times finals and partials carry none', async () => {
    const lenient = await emulator({});
    const timed = await runSession(lenient, { spec: PCM16K, chunks: messages });
    expect(finalChunks(timed.responses).map((c) => c.alternatives[0]!.words.map((w) => durationMs(w.start_time)))).toEqual([
      layout.tones.slice(0, 2).map((t) => t.startMs),
      layout.tones.slice(2).map((t) => t.startMs),
    ]);

    const bare = await emulator({ profile: { wordTimes: false } });
    const out = await runSession(bare, { spec: PCM16K, chunks: messages });
    expect(finals(out.responses)).toEqual(['12', '345']);
    expect(out.responses.flatMap((r) => r.chunks).every((c) => c.alternatives[0]!.words.length === 0)).toBe(true);
    expect(chunks(out.responses).some((c) => !c.final)).toBe(true);
  });

  it('pacing: audio far ahead of real time ends the session with INVALID_ARGUMENT and is not recognized', async () => {
    const emu = await emulator({ profile: { pacing: { maxRatio: 2, leadMs: 1000 } } });
    // 3.6 s of audio as fast as the socket takes it: the bucket (1 s + 2x wall) runs dry early.
    const out = await runSession(emu, { spec: PCM16K, chunks: messages });
    expect(out.status.code).toBe(status.INVALID_ARGUMENT);
    expect(out.status.details).toMatch(/^audio runs ahead of real time: \d+ ms more than 2x wall time plus 1000 ms lead/);
    const s = emu.sessions[0]!;
    expect(s.pacingBreach).toBeDefined();
    expect(s.pacingBreach!.excessMs).toBeGreaterThan(0);
    expect(s.pacingBreach!.audioMs).toBeLessThan(2000);
    expect(finals(out.responses)).toEqual([]);

    // The same audio at real time passes (slower than real time always does).
    const open = openCall(connect(emu));
    await open.write({ config: { specification: PCM16K } });
    for (const m of messages) {
      await open.write({ audio_content: m });
      await sleep(100);
    }
    open.end();
    expect((await open.status).code).toBe(status.OK);
    expect(finals(open.responses)).toEqual(['12', '345']);
    expect(emu.sessions[1]!.pacingBreach).toBeUndefined();
  });

  it('pacing: lenient takes any burst', async () => {
    const emu = await emulator({});
    const out = await runSession(emu, { spec: PCM16K, chunks: [pcm] });
    expect(out.status.code).toBe(status.OK);
    expect(finals(out.responses)).toEqual(['12', '345']);
  });

  /** "12" done, "345" still open (no trailing silence): what the half-close does with it. */
  const open345 = pcm.subarray(0, Math.round((layout.tones.at(-1)!.endMs + 100) * 16) * 2);

  it("halfClose 'no-flush': OK after what was queued, without the open utterance's final", async () => {
    const flush = await emulator({});
    expect(finals((await runSession(flush, { spec: PCM16K, chunks: [open345] })).responses)).toEqual(['12', '345']);
    const emu = await emulator({ profile: { halfClose: 'no-flush' } });
    const out = await runSession(emu, { spec: PCM16K, chunks: [open345] });
    expect(out.status.code).toBe(status.OK);
    expect(finals(out.responses)).toEqual(['12']);
    expect(emu.sessions[0]!.halfClosed).toBe(true);
  });

  it("halfClose 'ok-early': OK within a few ms of the half-close, even the final waiting out its latency is lost", async () => {
    const emu = await emulator({ profile: { halfClose: 'ok-early', finalLatencyMs: [1000, 1000] } });
    const open = openCall(connect(emu));
    await open.write({ config: { specification: PCM16K } });
    await open.write({ audio_content: open345 });
    // "12" has been recognized and waits out its 1 s latency.
    const t0 = performance.now();
    open.end();
    const st = await open.status;
    const elapsed = performance.now() - t0;
    expect(st.code).toBe(status.OK);
    expect(elapsed).toBeLessThan(800);
    expect(finals(open.responses)).toEqual([]);
    const s = emu.sessions[0]!;
    expect(s.unsent.filter((r) => r.final).map((r) => r.text)).toEqual(['12']);
    expect(s.results.filter((r) => r.final)).toEqual([]);
  });

  it('finalLatencyMs: each final goes out that long after its utterance ended, in order, from a seeded draw', async () => {
    const emu = await emulator({ profile: { finalLatencyMs: [400, 400] } });
    const open = openCall(connect(emu));
    const arrivals: { at: number; final: boolean }[] = [];
    open.call.on('data', (r: Response) => arrivals.push({ at: performance.now(), final: r.chunks[0]!.final }));
    await open.write({ config: { specification: PCM16K } });
    // Up to the end of utterance "12" (its final is made at this point), in one message.
    const upToFirstFinal = pcm.subarray(0, Math.round((layout.tones[1]!.endMs + 600 + 20) * 16) * 2);
    await open.write({ audio_content: upToFirstFinal });
    const sentAt = performance.now();
    await open.write({ audio_content: pcm.subarray(upToFirstFinal.length) });
    open.end();
    expect((await open.status).code).toBe(status.OK);
    expect(finals(open.responses)).toEqual(['12', '345']);
    const firstFinal = arrivals.find((a) => a.final)!;
    expect(firstFinal.at - sentAt).toBeGreaterThanOrEqual(380);
    // Order kept: every partial of "345" comes after the delayed "12".
    const kinds = chunks(open.responses).map((c) => (c.final ? c.text : c.text.startsWith('3') ? 'p345' : 'p12'));
    expect(kinds.indexOf('12')).toBeLessThan(kinds.indexOf('p345'));
    expect(emu.sessions[0]!.finalDelaysMs).toEqual([400, 400]);

    const draws = async (seed: number) => {
      const e = await emulator({ profile: { finalLatencyMs: [0, 1500], seed } });
      await runSession(e, { spec: PCM16K, chunks: [pcm] });
      return e.sessions[0]!.finalDelaysMs;
    };
    const a = await draws(7);
    expect(a).toHaveLength(2);
    for (const d of a) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1500);
    }
    expect(await draws(7)).toEqual(a);
    expect(await draws(8)).not.toEqual(a);
  }, 20_000);

  it('partialEveryMs: the cadence of partials follows the profile (an explicit recognizer option wins)', async () => {
    const long = dialledDigitsPcm(['1111'], { sampleRate: 16000, toneGapMs: 500 });
    const partials = async (options: EmulatorOptions) => {
      const emu = await emulator(options);
      const out = await runSession(emu, { spec: PCM16K, chunks: [long] });
      return chunks(out.responses).filter((c) => !c.final).length;
    };
    const slow = await partials({});
    const fast = await partials({ profile: { partialEveryMs: 100 } });
    expect(fast).toBeGreaterThanOrEqual(slow + 6);
    expect(await partials({ profile: { partialEveryMs: 100 }, recognizer: { partialEveryMs: 300 } })).toBe(slow);
  });

  it('cutToneHeard: a tone cut by a session boundary is heard on both sides; lenient hears only the longer part', async () => {
    const five = dialledDigitsPcm(['5'], { sampleRate: 16000 }); // tone at 300-400 ms
    const across = async (options: EmulatorOptions, cutMs: number) => {
      const emu = await emulator(options);
      const at = cutMs * 16 * 2;
      const a = await runSession(emu, { spec: PCM16K, chunks: [five.subarray(0, at)] });
      const b = await runSession(emu, { spec: PCM16K, chunks: [five.subarray(at)] });
      return [finals(a.responses), finals(b.responses)];
    };
    expect(await across({}, 325)).toEqual([[], ['5']]);
    expect(await across({}, 375)).toEqual([['5'], []]);
    expect(await across({ profile: { cutToneHeard: true } }, 325)).toEqual([['5'], ['5']]);
    expect(await across({ profile: { cutToneHeard: true } }, 375)).toEqual([['5'], ['5']]);
  });

  it('cutToneHeard: every symbol cut 10-90 ms from either edge is heard on both sides, and uncut audio is heard as before', () => {
    for (const rate of [8000, 16000, 48000] as const) {
      for (const symbol of DTMF_SYMBOLS) {
        const tone = dialledDigitsPcm([symbol], { sampleRate: rate });
        const samples = new Int16Array(tone.buffer, tone.byteOffset, tone.length / 2);
        for (let cutMs = 310; cutMs <= 390; cutMs += 10) {
          const at = Math.round((cutMs * rate) / 1000);
          for (const part of [samples.subarray(0, at), samples.subarray(at)]) {
            const r = new Recognizer({ sampleRate: rate, eouSilenceMs: 600, partialEveryMs: 300, cutToneHeard: true });
            const heard = [...r.push(part), ...r.flush()].filter((e) => e.type === 'final').map((e) => e.tokens.map((t) => t.text).join(''));
            expect(heard, `${symbol} at ${rate} Hz cut at ${cutMs} ms`).toEqual([symbol]);
          }
        }
      }
      const many = dialledDigitsPcm(['1234567890', '*#ABCD', '55', '0'], { sampleRate: rate });
      const all = new Int16Array(many.buffer, many.byteOffset, many.length / 2);
      const heard = (cutToneHeard: boolean) => {
        const r = new Recognizer({ sampleRate: rate, eouSilenceMs: 600, partialEveryMs: 300, cutToneHeard });
        return [...r.push(all), ...r.flush()].filter((e) => e.type === 'final').map((e) => e.tokens.map((t) => `${t.text}@${t.startMs}`).join(' '));
      };
      expect(heard(true)).toEqual(heard(false));
    }
  });
});
