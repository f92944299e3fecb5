import { Transform, type TransformCallback } from 'node:stream';
import { invalidOption } from '../errors.js';
import { resolveEncode } from './encode-options.js';
import type { SessionWire } from './frame.js';
import { OpusEncodingFramer } from './opus-encoding-framer.js';

/** Options of {@link createOggOpusEncoder} and {@link encodeOggOpus}. */
export interface OggOpusEncoderOptions {
  /** Rate of the 16-bit mono PCM written: 8000, 16000 or 48000. */
  sampleRateHertz: number;
  /** Target bitrate, bits per second (6000–510000). Default: libopus's choice for the rate. */
  bitrate?: number;
  /** Encoder effort, 0–10 (default 5). */
  complexity?: number;
}

/** One page per second of audio, as ffmpeg and opusenc write files. */
const PAGE_MS = 1_000;
const RATES = [8000, 16000, 48000];

function framerFor(options: OggOpusEncoderOptions): OpusEncodingFramer {
  if (options === null || typeof options !== 'object') throw invalidOption('options', 'an object', options);
  const { sampleRateHertz, bitrate, complexity } = options;
  if (!RATES.includes(sampleRateHertz)) throw invalidOption('sampleRateHertz', 'one of 8000, 16000, 48000', sampleRateHertz);
  const encode = resolveEncode({ codec: 'opus', ...(bitrate !== undefined && { bitrate }), ...(complexity !== undefined && { complexity }) })!;
  return new OpusEncodingFramer(sampleRateHertz, PAGE_MS, encode);
}

/**
 * A Transform from 16-bit little-endian mono PCM to an Ogg Opus file (the same encoder and muxer
 * `encode: 'opus'` uses). The output's duration is exactly the input's: the encoder's delay is
 * declared as pre-skip and the last page is trimmed.
 */
export function createOggOpusEncoder(options: OggOpusEncoderOptions): Transform {
  const framer = framerFor(options);
  let wire: SessionWire | undefined;
  const drain = (stream: Transform, flush: boolean) => {
    for (let frame = framer.next(flush); frame; frame = framer.next(flush)) {
      if (!wire) {
        wire = framer.openSession(frame);
        if (wire.prelude) stream.push(wire.prelude);
      }
      stream.push(wire.encode(frame));
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        framer.append(chunk);
        drain(this, false);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        drain(this, true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    destroy(error, callback) {
      framer.close();
      callback(error);
    },
  });
}

/** Encodes a whole PCM buffer to an Ogg Opus file in memory. */
export function encodeOggOpus(pcm: Buffer, options: OggOpusEncoderOptions): Buffer {
  const framer = framerFor(options);
  try {
    framer.append(pcm);
    const out: Buffer[] = [];
    let wire: SessionWire | undefined;
    for (let frame = framer.next(true); frame; frame = framer.next(true)) {
      if (!wire) {
        wire = framer.openSession(frame);
        if (wire.prelude) out.push(wire.prelude);
      }
      out.push(wire.encode(frame));
    }
    return Buffer.concat(out);
  } finally {
    framer.close();
  }
}
