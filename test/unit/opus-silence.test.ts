import { describe, expect, it } from 'vitest';
import { isSilentOpusPacket } from '../../src/audio/opus-packet.js';
import { encodeOggOpus, pagesOf } from '../helpers/ogg.js';

/** The audio packets of an Ogg Opus stream (header pages skipped). */
function packetsOf(ogg: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  for (const page of pagesOf(ogg).slice(2)) {
    let at = 0;
    let size = 0;
    for (const lace of page.lacing) {
      size += lace;
      if (lace < 255) {
        packets.push(page.body.subarray(at, at + size));
        at += size;
        size = 0;
      }
    }
  }
  return packets;
}

describe('silence in Ogg Opus, from packet sizes alone', () => {
  it('tells digital silence from a tone, 20 ms packet by packet', () => {
    const rate = 16_000;
    const pcm = Buffer.alloc(rate * 2 * 2);
    // Second 1 is a 697 Hz tone at -12 dBFS; second 0 is digital silence.
    for (let i = rate; i < 2 * rate; i++) pcm.writeInt16LE(Math.round(8_000 * Math.sin((2 * Math.PI * 697 * i) / rate)), i * 2);
    const packets = packetsOf(encodeOggOpus(pcm, { sampleRateHertz: rate }));
    const silent = packets.map((data) => isSilentOpusPacket({ data, samples: 960 }));
    // The encoder's look-ahead smears a packet or two at the edge.
    expect(silent.slice(2, 45).every(Boolean)).toBe(true);
    expect(silent.slice(55, 95).some(Boolean)).toBe(false);
  });

  it('counts the frames of a code 3 packet (several frames in one packet)', () => {
    expect(isSilentOpusPacket({ data: Buffer.from([0xfb, 0x03, 0, 0, 0, 0, 0, 0]), samples: 2880 })).toBe(true);
    const loud = Buffer.alloc(40, 0x55);
    loud[0] = 0xfb;
    loud[1] = 0x03;
    expect(isSilentOpusPacket({ data: loud, samples: 2880 })).toBe(false);
  });
});
