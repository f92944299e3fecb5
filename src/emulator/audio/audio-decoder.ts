/**
 * Turns the bytes of one session into PCM samples for the recognizer. One decoder per encoding,
 * behind one interface (LINEAR16_PCM in linear16-decoder.ts, OGG_OPUS in ogg-opus-decoder.ts),
 * picked for a session by `decoderFor`.
 */
export interface AudioDecoder {
  /** Sample rate of the samples `push` returns; null while no recognition is possible. */
  readonly sampleRate: number | null;
  /** Decodes the next bytes; returns the 16-bit samples they complete (possibly none). Throws `AudioRejected`. */
  push(bytes: Buffer): Int16Array;
  /** Audio time covered by the bytes pushed so far, in ms (0 when the format does not say). */
  readonly audioMs: number;
  /** Frees what the decoder holds outside the heap. */
  close?(): void;
}

/** Audio the service would refuse: the session ends with INVALID_ARGUMENT and this message. */
export class AudioRejected extends Error {
  override readonly name = 'AudioRejected';
}
