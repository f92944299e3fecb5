import prism from 'prism-media';
// The emulator imports no client code; this is a repair of opusscript itself, shared on purpose.
import { repairOpusScript } from '../../vendor/opusscript-memory.js';
import { AudioRejected, type AudioDecoder } from './audio-decoder.js';

/**
 * The emulator's Ogg Opus input, written apart from the client's Ogg code on purpose: it is the
 * independent check that what the client sends is a valid Ogg Opus stream in every session.
 *
 * Each session's bytes must form a complete stream from its first byte: a beginning-of-stream page
 * holding OpusHead (mono), then OpusTags, then audio pages, all from one logical stream, in
 * sequence, with correct CRCs, and granule positions that agree with the packets' durations. A
 * session that starts with anything else (for instance audio pages cut from the middle of a
 * stream, the classic broken reconnect) is rejected with INVALID_ARGUMENT.
 *
 * Packets are decoded with prism-media's Opus decoder (opusscript) to 8 kHz PCM for the
 * recognizer; the pre-skip is discarded and an end-trimmed last page is honoured, so audio time
 * is the stream's own.
 */

/**
 * Rate the recognizer hears Ogg Opus at. DTMF lives below 1.7 kHz; 8 kHz is the cheapest rate to
 * decode and recognize, and at 8 kHz even a 120 ms packet fits opusscript's output buffer.
 */
export const OGG_DECODE_RATE = 8_000;
const GRANULE_RATE = 48_000;
const DECIMATION = GRANULE_RATE / OGG_DECODE_RATE;
const HEADER_BYTES = 27;
const FLAG_CONTINUED = 1;
const FLAG_BOS = 2;
const FLAG_EOS = 4;
/** Opus's longest frame is 120 ms; a partial packet beyond this is not Opus. */
const MAX_PACKET_BYTES = 256 * 1024;

const CRC = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crcOf(page: Buffer): number {
  let c = 0;
  for (let i = 0; i < page.length; i++) {
    const b = i >= 22 && i < 26 ? 0 : page[i]!;
    c = ((c << 8) ^ CRC[((c >>> 24) ^ b) & 0xff]!) >>> 0;
  }
  return c;
}

/** 48 kHz samples in one Opus packet (RFC 6716 §3.1), or a reason it is not one. */
function packetSamples(packet: Buffer): number | string {
  if (packet.length === 0) return 'an empty Opus packet';
  const config = packet[0]! >> 3;
  const frame = config < 12 ? [480, 960, 1920, 2880][config & 3]! : config < 16 ? [480, 960][config & 1]! : [120, 240, 480, 960][config & 3]!;
  const code = packet[0]! & 3;
  let count = code === 0 ? 1 : 2;
  if (code === 3) {
    if (packet.length < 2 || (packet[1]! & 0x3f) === 0) return 'a code-3 Opus packet without a frame count';
    count = packet[1]! & 0x3f;
  }
  if (count * frame > 5760) return 'an Opus packet longer than 120 ms';
  return count * frame;
}

type Stage = 'head' | 'tags' | 'audio' | 'ended';

/** One session's Ogg Opus bytes in, 8 kHz PCM out; throws `AudioRejected` where the service would refuse the stream. */
export class OggOpusDecoder implements AudioDecoder {
  readonly sampleRate = OGG_DECODE_RATE;
  #rest: Buffer = Buffer.alloc(0);
  #stage: Stage = 'head';
  #serial = 0;
  #sequence = 0;
  #pages = 0;
  #partial: Buffer[] = [];
  #partialBytes = 0;
  #preSkip = 0;
  /** Granule position of the first audio sample (non-zero when the stream starts mid-way). */
  #origin: bigint | undefined;
  #packetSamples = 0n;
  /** 48 kHz samples decoded so far (pre-skip included), and of audio after pre-skip and trimming. */
  #decoded = 0;
  #audioSamples = 0;
  #decoder: InstanceType<typeof prism.opus.Decoder> | undefined;

  get audioMs(): number {
    return (this.#audioSamples / GRANULE_RATE) * 1000;
  }

  push(bytes: Buffer): Int16Array {
    const buf = this.#rest.length === 0 ? bytes : Buffer.concat([this.#rest, bytes]);
    const out: Int16Array[] = [];
    let offset = 0;
    while (buf.length - offset >= HEADER_BYTES || (this.#stage === 'ended' && offset < buf.length)) {
      if (this.#stage === 'ended') throw new AudioRejected('audio_content: data after the Ogg end-of-stream page');
      if (buf.toString('latin1', offset, offset + 4) !== 'OggS') {
        throw new AudioRejected(
          this.#pages === 0
            ? 'audio_content: an OGG_OPUS session must start with an Ogg page ("OggS") holding OpusHead; send the stream\'s header pages first in every session'
            : `audio_content: Ogg page ${this.#pages} does not start with "OggS"`,
        );
      }
      const segments = buf[offset + 26]!;
      if (buf.length - offset < HEADER_BYTES + segments) break;
      let size = HEADER_BYTES + segments;
      for (let i = 0; i < segments; i++) size += buf[offset + HEADER_BYTES + i]!;
      if (buf.length - offset < size) break;
      const samples = this.#page(buf.subarray(offset, offset + size));
      if (samples) out.push(samples);
      offset += size;
    }
    this.#rest = Buffer.from(buf.subarray(offset));
    if (this.#pages === 0 && this.#rest.length >= 4 && this.#rest.toString('latin1', 0, 4) !== 'OggS') {
      throw new AudioRejected('audio_content: an OGG_OPUS session must start with an Ogg page ("OggS") holding OpusHead');
    }
    return out.length === 1 ? out[0]! : concat(out);
  }

  close(): void {
    this.#decoder?.destroy();
    this.#decoder = undefined;
  }

  #page(page: Buffer): Int16Array | null {
    const index = this.#pages++;
    const where = `audio_content: Ogg page ${index}`;
    if (page[4] !== 0) throw new AudioRejected(`${where} has an unknown version`);
    if (page.readUInt32LE(22) !== crcOf(page)) throw new AudioRejected(`${where} fails its CRC check`);
    const flags = page[5]!;
    const serial = page.readUInt32LE(14);
    const sequence = page.readUInt32LE(18);
    if (index === 0) {
      if (!(flags & FLAG_BOS)) throw new AudioRejected(`${where}: the session's first page must begin the stream (BOS) and hold OpusHead`);
      this.#serial = serial;
      this.#sequence = sequence;
    } else if (serial !== this.#serial || flags & FLAG_BOS) {
      throw new AudioRejected(`${where} belongs to another logical stream`);
    }
    if (sequence !== this.#sequence) throw new AudioRejected(`${where} has sequence ${sequence}, expected ${this.#sequence}`);
    this.#sequence = (sequence + 1) >>> 0;
    if (!!(flags & FLAG_CONTINUED) !== this.#partialBytes > 0) throw new AudioRejected(`${where}: its continuation flag does not match the packet before it`);

    const segments = page[26]!;
    let at = HEADER_BYTES + segments;
    const packets: Buffer[] = [];
    for (let i = 0; i < segments; i++) {
      const value = page[HEADER_BYTES + i]!;
      this.#partial.push(page.subarray(at, at + value));
      this.#partialBytes += value;
      if (this.#partialBytes > MAX_PACKET_BYTES) throw new AudioRejected(`${where}: a packet grows past ${MAX_PACKET_BYTES} bytes`);
      at += value;
      if (value < 255) {
        packets.push(Buffer.concat(this.#partial, this.#partialBytes));
        this.#partial = [];
        this.#partialBytes = 0;
      }
    }
    const eos = (flags & FLAG_EOS) !== 0;
    let result: Int16Array | null = null;
    if (this.#stage === 'head') {
      const head = packets[0];
      if (packets.length !== 1 || this.#partialBytes > 0 || !head || head.toString('latin1', 0, 8) !== 'OpusHead' || head.length < 19) {
        throw new AudioRejected(`${where}: the first page of an OGG_OPUS session must hold exactly the OpusHead packet`);
      }
      if (head[9] !== 1) throw new AudioRejected(`audio_content: the Ogg Opus stream has ${head[9]} channels; only mono audio is supported`);
      this.#preSkip = head.readUInt16LE(10);
      this.#stage = 'tags';
    } else if (this.#stage === 'tags') {
      const tags = packets.shift();
      if (tags) {
        if (tags.toString('latin1', 0, 8) !== 'OpusTags') throw new AudioRejected(`${where}: OpusTags must follow OpusHead`);
        this.#stage = 'audio';
      }
    }
    if (this.#stage === 'audio' && packets.length > 0) result = this.#audio(packets, page.readBigInt64LE(6), eos, where);
    if (eos) {
      if (this.#stage !== 'audio' || this.#partialBytes > 0) throw new AudioRejected(`${where} ends the stream before its headers or inside a packet`);
      this.#stage = 'ended';
    }
    return result;
  }

  #audio(packets: Buffer[], granule: bigint, eos: boolean, where: string): Int16Array {
    let samples = 0;
    for (const packet of packets) {
      const n = packetSamples(packet);
      if (typeof n === 'string') throw new AudioRejected(`${where} holds ${n}`);
      samples += n;
    }
    if (granule < 0n) throw new AudioRejected(`${where} ends packets but carries no granule position`);
    this.#origin ??= granule - BigInt(samples) < 0n && eos ? 0n : granule - BigInt(samples);
    if (this.#origin < 0n) throw new AudioRejected(`${where}: granule position ${granule} is below the samples it holds`);
    this.#packetSamples += BigInt(samples);
    const due = this.#origin + this.#packetSamples;
    if (granule > due || (granule < due && !eos)) {
      throw new AudioRejected(`${where}: granule position ${granule} does not match its packets (expected ${due})`);
    }
    // Where the audio ends: a trimmed last page ends before its packets do.
    const end = Number(granule - this.#origin);
    const pcm: Int16Array[] = [];
    for (const packet of packets) {
      const decoded = this.#decode(packet, where);
      const from = this.#decoded;
      this.#decoded += decoded.length * DECIMATION;
      const keepFrom = Math.max(from, this.#preSkip);
      const keepTo = Math.min(this.#decoded, end);
      if (keepTo > keepFrom) pcm.push(decoded.subarray(Math.floor((keepFrom - from) / DECIMATION), Math.floor((keepTo - from) / DECIMATION)));
      this.#audioSamples += Math.max(0, keepTo - keepFrom);
    }
    return concat(pcm);
  }

  #createDecoder(): InstanceType<typeof prism.opus.Decoder> {
    const decoder = new prism.opus.Decoder({ rate: OGG_DECODE_RATE, channels: 1, frameSize: OGG_DECODE_RATE / 50 });
    repairOpusScript(decoder.encoder);
    // A packet that fails to decode ends the Transform with 'error'; #decode sees no PCM and reports it.
    decoder.on('error', () => {});
    return decoder;
  }

  #decode(packet: Buffer, where: string): Int16Array {
    const decoder = (this.#decoder ??= this.#createDecoder());
    let pcm: Buffer | null = null;
    try {
      // prism's Decoder decodes inside write(); the PCM is ready to read at once.
      decoder.write(packet);
      pcm = decoder.read() as Buffer | null;
    } catch (error) {
      throw new AudioRejected(`${where} holds an Opus packet that does not decode (${(error as Error).message})`);
    }
    if (!pcm) throw new AudioRejected(`${where} holds an Opus packet that does not decode`);
    return new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length));
  }
}

function concat(parts: Int16Array[]): Int16Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Int16Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
