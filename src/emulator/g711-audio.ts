/**
 * G.711 encoding for test audio: what a telephone line or a media server (Asterisk, FreeSWITCH,
 * Twilio media streams) would deliver. The emulator's own implementation (the ITU-T reference
 * `g711.c` algorithm), independent of the client's decoder, so tests of one check the other.
 */

/** The two G.711 laws. */
export type G711Law = 'MULAW' | 'ALAW';

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;
const SEGMENT_ENDS = [0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff, 0x3fff, 0x7fff];

function segmentOf(value: number, ends: readonly number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= ends[i]!) return i;
  return ends.length;
}

function linearToMulaw(sample: number): number {
  let magnitude = sample;
  let mask = 0xff;
  if (magnitude < 0) {
    magnitude = -magnitude;
    mask = 0x7f;
  }
  magnitude = Math.min(magnitude, MULAW_CLIP) + MULAW_BIAS;
  const segment = segmentOf(magnitude, SEGMENT_ENDS);
  if (segment >= 8) return 0x7f ^ mask;
  return (((segment << 4) | ((magnitude >> (segment + 3)) & 0x0f)) ^ mask) & 0xff;
}

function linearToAlaw(sample: number): number {
  let mask: number;
  let magnitude = sample >> 3; // A-law works on 13-bit samples
  if (magnitude >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    magnitude = -magnitude - 1;
  }
  const segment = segmentOf(magnitude, [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff]);
  if (segment >= 8) return 0x7f ^ mask;
  const low = segment < 2 ? (magnitude >> 1) & 0x0f : (magnitude >> segment) & 0x0f;
  return ((segment << 4) | low) ^ mask;
}

/**
 * Encodes 16-bit signed little-endian mono PCM as G.711 µ-law (`MULAW`) or A-law (`ALAW`), one byte
 * per sample. Feed it 8 kHz PCM: G.711 is an 8 kHz codec.
 *
 * @example
 * const ulaw = pcmToG711(dialledDigitsPcm(['123'], { sampleRate: 8000 }), 'MULAW');
 */
export function pcmToG711(pcm: Buffer, law: G711Law): Buffer {
  if (law !== 'MULAW' && law !== 'ALAW') throw new RangeError(`law must be MULAW or ALAW, got ${String(law)}`);
  if (pcm.length % 2 !== 0) throw new RangeError('16-bit PCM must have an even number of bytes');
  const encode = law === 'MULAW' ? linearToMulaw : linearToAlaw;
  const out = Buffer.allocUnsafe(pcm.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = encode(pcm.readInt16LE(2 * i));
  return out;
}
