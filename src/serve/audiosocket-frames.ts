/**
 * Asterisk AudioSocket frames: a one-byte kind, a two-byte big-endian payload length, the payload.
 * Kinds from the protocol's definition: 0x00 hang up, 0x01 the call's UUID (16 bytes), 0x03 a
 * DTMF digit (one ASCII byte), 0x10 signed-linear 16-bit 8 kHz mono audio (little-endian), 0xff an
 * error (an optional application error code).
 */
export const AudioSocketKind = {
  HANGUP: 0x00,
  UUID: 0x01,
  DTMF: 0x03,
  AUDIO: 0x10,
  ERROR: 0xff,
} as const;

export interface AudioSocketFrame {
  kind: number;
  payload: Buffer;
}

const HEADER_BYTES = 3;

/** Cuts a TCP byte stream into frames, whatever the chunking; keeps the unfinished tail. */
export class AudioSocketReader {
  #pending: Buffer = Buffer.alloc(0);

  /** The frames `chunk` completes, in order. */
  push(chunk: Buffer): AudioSocketFrame[] {
    const data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: AudioSocketFrame[] = [];
    let at = 0;
    while (data.length - at >= HEADER_BYTES) {
      const length = data.readUInt16BE(at + 1);
      if (data.length - at - HEADER_BYTES < length) break;
      frames.push({ kind: data[at]!, payload: data.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length) });
      at += HEADER_BYTES + length;
    }
    // The tail is copied, so the frames handed out never share memory with what comes next.
    this.#pending = at === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(at));
    return frames;
  }

  /** Bytes of a frame begun but not finished. */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

/** One frame as bytes (the test's Asterisk, and replies). */
export function audioSocketFrame(kind: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = kind;
  header.writeUInt16BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** The UUID payload as its canonical string, 8-4-4-4-12 lowercase hex. */
export function uuidString(payload: Buffer): string {
  const hex = payload.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** What Asterisk's error codes mean (they are bit flags). */
export function describeAudioSocketError(payload: Buffer): string {
  if (payload.length === 0) return 'an error with no code';
  const code = payload[0]!;
  const meanings = [
    [0x01, 'the calling party hung up'],
    [0x02, 'frame forwarding failed'],
    [0x04, 'memory allocation failed'],
  ] as const;
  const known = meanings.filter(([bit]) => code & bit).map(([, text]) => text);
  return `error 0x${code.toString(16).padStart(2, '0')}${known.length > 0 ? ` (${known.join(', ')})` : ''}`;
}
