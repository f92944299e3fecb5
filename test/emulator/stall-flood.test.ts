import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { dialledDigitsLayout, dialledDigitsPcm, FAULT_HEADER } from '../../src/emulator/index.js';
import { BEARER, chunks, connect, durationMs, finals, openCall, PCM8K, runSession, sharedEmulator, sleep, splitMs, waitFor, type Response } from './helpers.js';

const shared = sharedEmulator();

/** "1" final at ~1000 ms of audio, "2" at ~2300 ms; 2700 ms in all. */
const pcm = dialledDigitsPcm(['1', '2'], { sampleRate: 8000, utteranceGapMs: 1200 });
const layout = dialledDigitsLayout(['1', '2'], { sampleRate: 8000, utteranceGapMs: 1200 });
const messages = splitMs(pcm, 8000, 100);

describe('fault actions: stall, stall-reads, flood, bogus-times', () => {
  it('stall: the call stays open and takes audio, but nothing comes back, not even a status after the half-close', async () => {
    shared.emu.addFault({ action: 'stall', afterAudioMs: 200 });
    const open = openCall(connect(shared.emu));
    let settled = false;
    void open.status.then(() => (settled = true));
    await open.write({ config: { specification: { ...PCM8K, partial_results: true } } });
    for (const m of messages) await open.write({ audio_content: m });
    open.end();
    await sleep(800);
    const s = shared.emu.sessions[0]!;
    expect(s.faults).toEqual(['stall']);
    expect(s.audioMs).toBe(2700);
    expect(settled).toBe(false);
    expect(s.status).toBeUndefined();
    expect(open.responses).toEqual([]);
    // What the recognizer made after the stall is recorded as unsent.
    expect(s.unsent.filter((r) => r.final).map((r) => r.text)).toEqual(['1', '2']);
    open.call.cancel();
    await s.ended;
    expect(s.status?.name).toBe('CANCELLED');
  });

  it('stall-reads: the server stops reading, so the client writes back up (flow control); plain stall keeps reading', async () => {
    const second = Buffer.alloc(16000 * 2, 1); // 1 s of 16 kHz near-silence
    const flood = async (action: 'stall' | 'stall-reads') => {
      shared.emu.reset();
      shared.emu.addFault({ action, afterAudioMs: 1000 });
      const open = openCall(connect(shared.emu));
      await open.write({ config: { specification: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: 16000 } } });
      let acknowledged = 0;
      for (let i = 0; i < 120; i++) open.call.write({ audio_content: second }, () => acknowledged++);
      await sleep(1500);
      const s = shared.emu.sessions[0]!;
      const seen = { acknowledged, bytes: s.bytes };
      open.call.cancel();
      await s.ended;
      return seen;
    };
    const reading = await flood('stall');
    expect(reading.acknowledged).toBe(120);
    expect(reading.bytes).toBe(120 * second.length);
    const blocked = await flood('stall-reads');
    expect(blocked.acknowledged).toBeLessThan(60);
    expect(blocked.bytes).toBeLessThan(30 * second.length);
    expect(shared.emu.sessions[0]!.faults).toEqual(['stall-reads']);
  });

  it('flood: partials as fast as the transport takes them for durationMs; the finals are untouched', async () => {
    shared.emu.addFault({ action: 'flood', afterAudioMs: 200, durationMs: 300 });
    const open = openCall(connect(shared.emu));
    await open.write({ config: { specification: PCM8K } });
    await open.write({ audio_content: pcm.subarray(0, 3200) });
    await sleep(500);
    for (const m of splitMs(pcm.subarray(3200), 8000, 100)) await open.write({ audio_content: m });
    open.end();
    expect((await open.status).code).toBe(status.OK);
    expect(finals(open.responses)).toEqual(['1', '2']);
    const s = shared.emu.sessions[0]!;
    expect(s.faults).toEqual(['flood']);
    const flooded = chunks(open.responses).filter((c) => c.text === 'flood');
    expect(flooded.every((c) => !c.final && !c.eou)).toBe(true);
    expect(flooded.length).toBe(s.floodResponses);
    expect(s.floodResponses).toBeGreaterThan(200);
    expect(s.results.map((r) => r.text)).toEqual(['1', '2']);
  });

  it('flood: a client that stops reading stops the flood (bounded on the server), until it ends the call', async () => {
    const open = openCall(connect(shared.emu), { ...BEARER, [FAULT_HEADER]: 'action=flood' });
    open.call.pause();
    await open.write({ config: { specification: PCM8K } });
    await waitFor(() => (shared.emu.sessions[0]?.floodResponses ?? 0) > 0);
    await sleep(600);
    const s = shared.emu.sessions[0]!;
    const first = s.floodResponses;
    await sleep(400);
    expect(s.floodResponses).toBe(first);
    expect(first).toBeLessThan(200_000);
    open.call.cancel();
    await s.ended;
    expect(s.status?.name).toBe('CANCELLED');
  });

  it('bogus-times: the next final is timed an hour ahead (even without word times), later finals are normal', async () => {
    const run = async (header: string) => {
      shared.emu.reset();
      const out = await runSession(shared.emu, { spec: PCM8K, chunks: messages, headers: { ...BEARER, [FAULT_HEADER]: header } });
      return out.responses
        .flatMap((r: Response) => r.chunks)
        .filter((c) => c.final)
        .map((c) => c.alternatives[0]!.words.map((w) => durationMs(w.start_time)));
    };
    const [one, two] = layout.tones;
    expect(await run('action=bogus-times;afterAudioMs=100')).toEqual([[one!.startMs + 3_600_000], [two!.startMs]]);
    expect(await run('action=bogus-times;afterAudioMs=1500;shiftMs=-1000')).toEqual([[one!.startMs], [two!.startMs - 1000]]);
    expect(shared.emu.sessions[0]!.faults).toEqual(['bogus-times']);
  });

  it('bogus-times with wordTimes off still carries the shifted times on that final', async () => {
    const { startEmulator } = await import('../../src/emulator/index.js');
    const emu = await startEmulator({ profile: 'strict' });
    try {
      emu.addFault({ action: 'bogus-times', afterAudioMs: 100 });
      // Strict paces and drops the last final at half-close: send at real time with trailing silence.
      const open = openCall(connect(emu));
      await open.write({ config: { specification: PCM8K } });
      for (const m of messages) {
        await open.write({ audio_content: m });
        await sleep(100);
      }
      await sleep(1700);
      open.end();
      expect((await open.status).code).toBe(status.OK);
      const words = open.responses.flatMap((r) => r.chunks).filter((c) => c.final).map((c) => c.alternatives[0]!.words.map((w) => durationMs(w.start_time)));
      expect(words).toEqual([[layout.tones[0]!.startMs + 3_600_000], []]);
    } finally {
      await emu.close();
    }
  }, 15_000);

  it('rejects bad new fault fields, naming them', async () => {
    expect(() => shared.emu.addFault({ action: 'flood', durationMs: -1 })).toThrow(/durationMs/);
    expect(() => shared.emu.addFault({ action: 'bogus-times', shiftMs: Number.NaN })).toThrow(/shiftMs/);
    const out = await runSession(shared.emu, { spec: PCM8K, headers: { ...BEARER, [FAULT_HEADER]: 'action=stall;shiftMs=x' } });
    expect(out.status.code).toBe(status.INVALID_ARGUMENT);
    expect(out.status.details).toMatch(/shiftMs/);
  });
});
