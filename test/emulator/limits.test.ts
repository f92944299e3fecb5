import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialledDigitsPcm, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { encodeOggOpus } from '../helpers/ogg.js';
import { closeClients, connect, finals, noisePcm, openCall, PCM8K, sleep, splitMs, waitFor } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ limits: { maxAudioMs: 2000, maxBytes: 20000, idleMs: 250 } });
});
afterAll(async () => {
  closeClients();
  await emu.close();
});
beforeEach(() => emu.reset());

describe('session limits', () => {
  it('ends with OUT_OF_RANGE once more than maxAudioMs of audio arrived', async () => {
    const big = await startEmulator({ limits: { maxAudioMs: 2000 } });
    try {
      // '2' would end its utterance at 2400 ms: past the limit, so it must never come back.
      const pcm = dialledDigitsPcm(['1', '2'], { sampleRate: 8000, utteranceGapMs: 1300, trailMs: 1000 });
      const open = openCall(connect(big));
      await open.write({ config: { specification: PCM8K } });
      const messages = splitMs(pcm, 8000, 100);
      for (const m of messages.slice(0, 20)) await open.write({ audio_content: m });
      await sleep(30);
      expect(big.sessions[0]!.status).toBeUndefined();
      await open.write({ audio_content: messages[20]! });
      const s = await open.status;
      expect(s.code).toBe(status.OUT_OF_RANGE);
      expect(s.details).toBe('session limit: audio duration exceeds 2000 ms');
      expect(finals(open.responses)).toEqual(['1']);
      const record = big.sessions[0]!;
      expect(record.audioMs).toBe(2100);
      expect(record.audio.equals(pcm.subarray(0, 21 * 1600))).toBe(true);
      expect(record.status).toEqual({ code: 11, name: 'OUT_OF_RANGE', details: 'session limit: audio duration exceeds 2000 ms' });
    } finally {
      await big.close();
    }
  });

  it('ends with OUT_OF_RANGE once more than maxBytes arrived, for any encoding', async () => {
    // Valid Ogg Opus (the emulator checks it), dense enough to pass 20 000 bytes before 2 s of audio.
    const ogg = encodeOggOpus(noisePcm(48000 * 2, 8000), { sampleRateHertz: 48000, bitrate: 128000 });
    expect(ogg.length).toBeGreaterThan(20001);
    const open = openCall(connect(emu));
    await open.write({ config: { specification: { audio_encoding: 'OGG_OPUS' } } });
    await open.write({ audio_content: ogg.subarray(0, 10000) });
    await open.write({ audio_content: ogg.subarray(10000, 20000) });
    await sleep(30);
    expect(emu.sessions[0]!.status).toBeUndefined();
    await open.write({ audio_content: ogg.subarray(20000, 20001) });
    const s = await open.status;
    expect(s.code).toBe(status.OUT_OF_RANGE);
    expect(s.details).toBe('session limit: audio size exceeds 20000 bytes');
    expect(emu.sessions[0]!.audio.length).toBe(20001);
  });

  it('ends with OUT_OF_RANGE after idleMs without a message, counting from the last one', async () => {
    const open = openCall(connect(emu));
    await open.write({ config: { specification: PCM8K } });
    const t0 = performance.now();
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      await open.write({ audio_content: Buffer.alloc(160) });
    }
    const lastAt = performance.now();
    const s = await open.status;
    const now = performance.now();
    expect(s.code).toBe(status.OUT_OF_RANGE);
    expect(s.details).toBe('session limit: no audio for 250 ms');
    expect(lastAt - t0).toBeGreaterThan(500);
    expect(now - lastAt).toBeGreaterThanOrEqual(200);
    expect(emu.sessions[0]!.messages).toHaveLength(4);
  });

  it('counts idle time from the config, and from call start without one', async () => {
    const configured = openCall(connect(emu));
    await configured.write({ config: { specification: PCM8K } });
    const silent = openCall(connect(emu));
    const [a, b] = await Promise.all([configured.status, silent.status]);
    expect(a.code).toBe(status.OUT_OF_RANGE);
    expect(b.code).toBe(status.OUT_OF_RANGE);
    expect(b.details).toBe('session limit: no audio for 250 ms');
  });

  it('keeps enforcing limits after a single utterance', async () => {
    const open = openCall(connect(emu));
    await open.write({ config: { specification: { ...PCM8K, single_utterance: true } } });
    const pcm = dialledDigitsPcm(['5'], { sampleRate: 8000, leadMs: 0, trailMs: 600 });
    await open.write({ audio_content: pcm.subarray(0, 5600) });
    await open.write({ audio_content: pcm.subarray(5600) });
    await waitFor(() => finals(open.responses).length > 0);
    expect(finals(open.responses)).toEqual(['5']);
    expect(emu.sessions[0]!.status).toBeUndefined();
    await open.write({ audio_content: Buffer.alloc(10000) });
    const s = await open.status;
    expect(s.code).toBe(status.OUT_OF_RANGE);
    expect(s.details).toBe('session limit: audio size exceeds 20000 bytes');
  });

  it('does not time out a session that has half-closed and is ending', async () => {
    const slow = await startEmulator({ limits: { idleMs: 100 }, responseDelayMs: 250 });
    try {
      const open = openCall(connect(slow));
      await open.write({ config: { specification: PCM8K } });
      await open.write({ audio_content: dialledDigitsPcm(['3'], { sampleRate: 8000, trailMs: 100 }) });
      open.end();
      const s = await open.status;
      expect(s.code).toBe(status.OK);
      expect(finals(open.responses)).toEqual(['3']);
    } finally {
      await slow.close();
    }
  });

  it('rejects nonsense limit options', async () => {
    await expect(startEmulator({ limits: { idleMs: 0 } })).rejects.toThrow(RangeError);
    await expect(startEmulator({ limits: { maxBytes: -1 } })).rejects.toThrow(RangeError);
    await expect(startEmulator({ recognizer: { eouSilenceMs: Number.NaN } })).rejects.toThrow(RangeError);
  });
});
