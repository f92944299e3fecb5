/**
 * G.711 (ITU-T) µ-law and A-law: the 8 kHz, 8-bit telephone codecs Asterisk, FreeSWITCH and Twilio
 * media streams deliver. SpeechKit takes neither, so the stream expands each byte to a 16-bit
 * LINEAR16_PCM sample through a 256-entry table (the standard's decoding, as in the reference
 * `g711.c`), which costs one lookup per sample.
 */

/** The telephone encodings the stream accepts and converts to LINEAR16_PCM at 8 kHz. */
export const G711_ENCODINGS = ['MULAW', 'ALAW'] as const;
export type G711Encoding = (typeof G711_ENCODINGS)[number];
/** G.711 is defined at 8 kHz only. */
export const G711_SAMPLE_RATE = 8000;

function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function table(decode: (byte: number) => number): Int16Array {
  const out = new Int16Array(256);
  for (let byte = 0; byte < 256; byte++) out[byte] = decode(byte);
  return out;
}

/** The 16-bit sample each µ-law byte stands for. */
export const MULAW_TO_LINEAR: Int16Array = table(mulawToLinear);
/** The 16-bit sample each A-law byte stands for. */
export const ALAW_TO_LINEAR: Int16Array = table(alawToLinear);

export function isG711(encoding: unknown): encoding is G711Encoding {
  return encoding === 'MULAW' || encoding === 'ALAW';
}

/** How written bytes become 16-bit little-endian PCM in a frame (see `PcmFramer`). */
export interface SampleDecoder {
  /** Output bytes per input byte: 1 for PCM (a copy), 2 for G.711. */
  readonly expansion: 1 | 2;
  /** Decodes `src[srcStart, srcEnd)` into `dst` from `dstOffset`; `dst` has room for all of it. */
  decode(src: Uint8Array, srcStart: number, srcEnd: number, dst: Buffer, dstOffset: number): void;
}

/** LINEAR16_PCM in, LINEAR16_PCM out: a byte copy (a sample may be split across writes). */
export const PCM_COPY: SampleDecoder = {
  expansion: 1,
  decode(src, srcStart, srcEnd, dst, dstOffset) {
    dst.set(src.subarray(srcStart, srcEnd), dstOffset);
  },
};

/** A G.711 table lookup per byte, written straight into the frame. */
export function g711Decoder(encoding: G711Encoding): SampleDecoder {
  const lookup = encoding === 'MULAW' ? MULAW_TO_LINEAR : ALAW_TO_LINEAR;
  return {
    expansion: 2,
    decode(src, srcStart, srcEnd, dst, dstOffset) {
      let o = dstOffset;
      for (let i = srcStart; i < srcEnd; i++) {
        const v = lookup[src[i]!]!;
        dst[o++] = v & 0xff;
        dst[o++] = (v >> 8) & 0xff;
      }
    },
  };
}
