import { describe, expect, it } from 'vitest';
import { SpeechKitError } from '../../src/errors.js';
import { OggOpusFramer } from '../../src/audio/ogg-opus-framer.js';
import { patchPage } from '../../src/audio/ogg-page.js';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { AudioRejected } from '../../src/emulator/audio/audio-decoder.js';
import { OggOpusDecoder } from '../../src/emulator/audio/ogg-opus-decoder.js';
import { seededRandom } from '../helpers/dialled.js';
import { encodeOggOpus, pagesOf } from '../helpers/ogg.js';

/**
 * Property: whatever bytes arrive, the client's Ogg reader either reads them or throws a typed
 * INVALID_AUDIO error; the emulator's reader either decodes or rejects with AudioRejected. Never
 * another exception, and never a hang (the test's timeout would catch one). Seeded, so a failure
 * reproduces.
 */
const valid = encodeOggOpus(dialledDigitsPcm(['31', '4'], { sampleRate: 16000, leadMs: 100, trailMs: 200 }), { sampleRateHertz: 16000 });
const validPages = pagesOf(valid);

type Outcome = 'ok' | 'typed';

function throughClient(bytes: Buffer, pieces: number[]): Outcome {
  const framer = new OggOpusFramer(100);
  try {
    let at = 0;
    for (const size of pieces) {
      framer.append(bytes.subarray(at, at + size));
      at += size;
      while (framer.next(false));
    }
    framer.append(bytes.subarray(at));
    for (let f = framer.next(true); f; f = framer.next(true)) {
      if (!(Number.isFinite(f.durationMs) && f.durationMs >= 0 && f.data.length > 0)) throw new Error('malformed frame');
    }
    return 'ok';
  } catch (error) {
    if (error instanceof SpeechKitError && error.code === 'SPEECHKIT_ERR_INVALID_AUDIO') return 'typed';
    throw error;
  }
}

function throughEmulator(bytes: Buffer, pieces: number[]): Outcome {
  const decoder = new OggOpusDecoder();
  try {
    let at = 0;
    for (const size of [...pieces, bytes.length]) {
      decoder.push(bytes.subarray(at, at + size));
      at += size;
    }
    return 'ok';
  } catch (error) {
    if (error instanceof AudioRejected) return 'typed';
    throw error;
  } finally {
    decoder.close();
  }
}

function splits(random: () => number, length: number): number[] {
  const out: number[] = [];
  for (let left = length; left > 0 && out.length < 12; ) {
    const n = 1 + Math.floor(random() * Math.min(left, 2000));
    out.push(n);
    left -= n;
  }
  return out;
}

const mutations: Record<string, (random: () => number) => Buffer> = {
  'random bytes after "OggS"': (random) => Buffer.concat([Buffer.from('OggS'), Buffer.from(Array.from({ length: Math.floor(random() * 3000) }, () => Math.floor(random() * 256)))]),
  'random bytes': (random) => Buffer.from(Array.from({ length: Math.floor(random() * 500) }, () => Math.floor(random() * 256))),
  truncation: (random) => valid.subarray(0, Math.floor(random() * valid.length)),
  'bit flips': (random) => {
    const out = Buffer.from(valid);
    for (let n = 1 + Math.floor(random() * 8); n > 0; n--) out[Math.floor(random() * out.length)]! ^= 1 << Math.floor(random() * 8);
    return out;
  },
  // Flips with every CRC made right again, so they reach the parsing behind the checksum.
  'bit flips under a valid CRC': (random) => {
    const out = Buffer.from(valid);
    const page = validPages[Math.floor(random() * validPages.length)]!;
    for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
      const at = page.offset + (random() < 0.5 ? Math.floor(random() * 27) : Math.floor(random() * page.length));
      if (at >= page.offset + 22 && at < page.offset + 26) continue;
      out[at]! ^= 1 << Math.floor(random() * 8);
    }
    try {
      patchPage(out, page.offset, { flags: out[page.offset + 5]!, granule: out.readBigInt64LE(page.offset + 6), serial: out.readUInt32LE(page.offset + 14), sequence: out.readUInt32LE(page.offset + 18) });
    } catch {
      // A flipped segment count can push the page past the buffer's end: leave the CRC wrong then.
    }
    return out;
  },
  'pages shuffled, dropped or repeated': (random) => {
    const picks = Array.from({ length: validPages.length }, () => validPages[Math.floor(random() * validPages.length)]!);
    return Buffer.concat(picks.map((p) => valid.subarray(p.offset, p.offset + p.length)));
  },
};

describe('Ogg reader fuzz: only typed errors, never a crash or a hang', () => {
  for (const [name, make] of Object.entries(mutations)) {
    it(name, () => {
      const random = seededRandom(name.length * 7919);
      const outcomes = { client: { ok: 0, typed: 0 }, emulator: { ok: 0, typed: 0 } };
      for (let i = 0; i < 300; i++) {
        const bytes = make(random);
        const pieces = splits(random, bytes.length);
        outcomes.client[throughClient(bytes, pieces)]++;
        outcomes.emulator[throughEmulator(bytes, pieces)]++;
      }
      expect(outcomes.client.ok + outcomes.client.typed).toBe(300);
      expect(outcomes.emulator.ok + outcomes.emulator.typed).toBe(300);
      // The cases must reach the error paths, not just the happy one.
      expect(outcomes.client.typed).toBeGreaterThan(0);
    });
  }
  it('the unmutated stream reads cleanly through both', () => {
    expect(throughClient(valid, [1, 2, 3, 50, 700])).toBe('ok');
    expect(throughEmulator(valid, [1, 2, 3, 50, 700])).toBe('ok');
  });
});
