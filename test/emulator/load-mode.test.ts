import { afterAll, describe, expect, it } from 'vitest';
import { dialledDigitsPcm, startEmulator } from '../../src/emulator/index.js';
import { closeClients, finals, PCM8K, runSession, splitMs } from './helpers.js';

afterAll(() => closeClients());

describe('emulator for load runs', () => {
  it('with recordAudio: false keeps no audio bytes but still counts, times and recognizes them', async () => {
    const emu = await startEmulator({ recordAudio: false });
    try {
      const pcm = dialledDigitsPcm(['42', '7'], { sampleRate: 8000 });
      const out = await runSession(emu, { spec: PCM8K, chunks: splitMs(pcm, 8000, 100) });
      expect(out.status.code).toBe(0);
      expect(finals(out.responses)).toEqual(['42', '7']);
      const record = emu.sessions[0]!;
      expect(record.audio.length).toBe(0);
      expect(record.messages.reduce((n, m) => n + m.bytes, 0)).toBe(pcm.length);
      expect(record.audioMs).toBeCloseTo((pcm.length / 16000) * 1000, 6);
    } finally {
      await emu.close();
    }
  });

  it('recognizes odd-sized messages the same as whole samples (the decoder carries the odd byte)', async () => {
    const emu = await startEmulator();
    try {
      const pcm = dialledDigitsPcm(['1#9'], { sampleRate: 8000 });
      const out = await runSession(emu, { spec: PCM8K, chunks: [pcm.subarray(0, 1), ...splitMs(pcm.subarray(1), 8000, 33)] });
      expect(finals(out.responses)).toEqual(['1#9']);
      expect(emu.sessions[0]!.audio.equals(pcm)).toBe(true);
    } finally {
      await emu.close();
    }
  });
});
