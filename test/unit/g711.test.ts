import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ALAW_TO_LINEAR, g711Decoder, MULAW_TO_LINEAR } from '../../src/audio/g711.js';
import { PcmFramer } from '../../src/audio/pcm-framer.js';
import { pcmToG711 } from '../../src/emulator/index.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!hasFfmpeg) console.warn('SKIPPED: G.711 cross-check against ffmpeg needs ffmpeg on PATH (apt-get install ffmpeg)');

const allCodes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

function ffmpegDecode(format: 'mulaw' | 'alaw', bytes: Buffer): Buffer {
  const out = spawnSync('ffmpeg', ['-v', 'error', '-f', format, '-ar', '8000', '-ac', '1', '-i', '-', '-f', 's16le', '-'], { input: bytes });
  if (out.status !== 0) throw new Error(`ffmpeg failed: ${out.stderr}`);
  return out.stdout;
}

function asBuffer(table: Int16Array): Buffer {
  const b = Buffer.alloc(table.length * 2);
  table.forEach((v, i) => b.writeInt16LE(v, i * 2));
  return b;
}

describe('G.711 decoding', () => {
  it('maps the standard reference points', () => {
    expect([MULAW_TO_LINEAR[0xff], MULAW_TO_LINEAR[0x7f], MULAW_TO_LINEAR[0x80], MULAW_TO_LINEAR[0x00]]).toEqual([0, 0, 32124, -32124]);
    expect([ALAW_TO_LINEAR[0xd5], ALAW_TO_LINEAR[0x55], ALAW_TO_LINEAR[0xaa], ALAW_TO_LINEAR[0x2a]]).toEqual([8, -8, 32256, -32256]);
  });

  it.skipIf(!hasFfmpeg)('expands every code exactly as ffmpeg does', () => {
    expect(ffmpegDecode('mulaw', allCodes).equals(asBuffer(MULAW_TO_LINEAR))).toBe(true);
    expect(ffmpegDecode('alaw', allCodes).equals(asBuffer(ALAW_TO_LINEAR))).toBe(true);
  });

  it('undoes the emulator\'s encoder: every sample comes back as one of the two levels around it', () => {
    const pcm = Buffer.alloc(65536 * 2);
    for (let v = -32768; v < 32768; v++) pcm.writeInt16LE(v, (v + 32768) * 2);
    for (const [law, table] of [['MULAW', MULAW_TO_LINEAR], ['ALAW', ALAW_TO_LINEAR]] as const) {
      const levels = [...new Set(table)].sort((a, b) => a - b);
      const codes = pcmToG711(pcm, law);
      let level = 0;
      for (let i = 0; i < codes.length; i++) {
        const v = i - 32768;
        while (level + 1 < levels.length && levels[level + 1]! <= v) level++;
        const around = v < levels[0]! ? [levels[0]] : [levels[level], levels[Math.min(level + 1, levels.length - 1)]];
        const back = table[codes[i]!]!;
        if (!around.includes(back)) throw new Error(`${law}: ${v} came back as ${back}, not one of ${around.join(', ')}`);
      }
      // Every code but µ-law's negative zero survives decode → encode.
      const decoded = Buffer.alloc(512);
      for (let c = 0; c < 256; c++) decoded.writeInt16LE(table[c]!, c * 2);
      const again = pcmToG711(decoded, law);
      const changed = [...again].map((c, i) => (c === i ? -1 : i)).filter((i) => i >= 0);
      expect(changed).toEqual(law === 'MULAW' ? [0x7f] : []);
    }
  });

  it('frames G.711 writes of any size into exact 16-bit frames', () => {
    const ulaw = Buffer.from(Array.from({ length: 8000 * 0.35 + 3 }, (_, i) => (i * 31) & 0xff));
    const expected = Buffer.alloc(ulaw.length * 2);
    for (let i = 0; i < ulaw.length; i++) expected.writeInt16LE(MULAW_TO_LINEAR[ulaw[i]!]!, i * 2);
    for (const size of [1, 7, 160, 161, 800, 5000]) {
      const framer = new PcmFramer(8000, 100, g711Decoder('MULAW'));
      const frames = [];
      for (let at = 0; at < ulaw.length; at += size) {
        framer.append(ulaw.subarray(at, at + size));
        for (let f = framer.next(false); f; f = framer.next(false)) frames.push(f);
      }
      for (let f = framer.next(true); f; f = framer.next(true)) frames.push(f);
      expect(frames.map((f) => f.data.length)).toEqual([1600, 1600, 1600, 806]);
      expect(frames.map((f) => f.streamMs)).toEqual([0, 100, 200, 300]);
      expect(Buffer.concat(frames.map((f) => f.data)).equals(expected)).toBe(true);
    }
  });
});
