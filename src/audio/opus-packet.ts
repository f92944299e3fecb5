import { invalidAudio } from '../errors.js';

/**
 * What the Ogg layer needs to know about Opus (RFC 6716, RFC 7845): how long a packet plays, and
 * the two header packets that open every Ogg Opus stream.
 */

/** Opus time is counted in 48 kHz samples, whatever the input rate (RFC 7845 §4). */
export const OPUS_RATE = 48_000;
/** 48 kHz samples per millisecond. */
export const SAMPLES_PER_MS = OPUS_RATE / 1000;
/** The longest packet RFC 6716 allows: 120 ms. */
const MAX_PACKET_SAMPLES = 120 * SAMPLES_PER_MS;

/** One Opus packet and how many 48 kHz samples it decodes to. */
export interface OpusPacket {
  readonly data: Buffer;
  readonly samples: number;
}

/** Frame size of each of the 32 TOC configurations, in 48 kHz samples (RFC 6716 §3.1, table 2). */
const FRAME_SAMPLES = [
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, // SILK NB, MB, WB: 10, 20, 40, 60 ms
  480, 960, 480, 960, // Hybrid SWB, FB: 10, 20 ms
  120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, // CELT: 2.5, 5, 10, 20 ms
];

/**
 * Samples (48 kHz) in one Opus packet, from its TOC byte and, for code 3, its frame count.
 * Returns a reason string instead when the packet cannot be Opus.
 */
export function opusPacketSamples(packet: Uint8Array): number | string {
  if (packet.length === 0) return 'an empty packet (an Opus packet has at least its TOC byte)';
  const toc = packet[0]!;
  const frame = FRAME_SAMPLES[toc >> 3]!;
  let frames: number;
  switch (toc & 0x03) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default:
      if (packet.length < 2) return 'a code-3 packet without its frame count byte';
      frames = packet[1]! & 0x3f;
      if (frames === 0) return 'a code-3 packet with zero frames';
  }
  const samples = frames * frame;
  if (samples > MAX_PACKET_SAMPLES) return `a packet of ${samples / SAMPLES_PER_MS} ms (Opus allows at most 120 ms)`;
  return samples;
}

/** The identification header (RFC 7845 §5.1), with the fields that matter to a sender. */
export interface OpusHead {
  readonly channels: number;
  /** Samples (48 kHz) to discard from the decoder's output at the start. */
  readonly preSkip: number;
  readonly inputSampleRate: number;
  /** The packet as it was read; rewritten headers start from it. */
  readonly raw: Buffer;
}

const OPUS_HEAD = Buffer.from('OpusHead', 'latin1');
const OPUS_TAGS = Buffer.from('OpusTags', 'latin1');
const HEAD_MIN_BYTES = 19;

/** Whether a packet is the OpusHead identification header. */
export function isOpusHead(packet: Buffer): boolean {
  return packet.length >= 8 && packet.subarray(0, 8).equals(OPUS_HEAD);
}

/** Whether a packet is the OpusTags comment header. */
export function isOpusTags(packet: Buffer): boolean {
  return packet.length >= 8 && packet.subarray(0, 8).equals(OPUS_TAGS);
}

/** Parses OpusHead; throws INVALID_AUDIO for a header SpeechKit cannot take (not Opus, not mono). */
export function parseOpusHead(packet: Buffer): OpusHead {
  if (!isOpusHead(packet)) {
    const what = packet.subarray(1, 7).toString('latin1') === 'vorbis' ? 'Ogg Vorbis' : 'not Opus';
    throw invalidAudio(
      `The Ogg stream is ${what}: its first packet is not an OpusHead header. SpeechKit takes Ogg Opus; ` +
        'convert other formats with decodeAudio() or ffmpeg',
    );
  }
  if (packet.length < HEAD_MIN_BYTES) throw invalidAudio(`OpusHead is ${packet.length} bytes; it has at least ${HEAD_MIN_BYTES}`);
  const version = packet[8]!;
  if (version >> 4 !== 0) throw invalidAudio(`OpusHead version ${version} is not one this library reads (major version 0)`);
  const channels = packet[9]!;
  const mappingFamily = packet[18]!;
  if (channels !== 1 || mappingFamily !== 0) {
    throw invalidAudio(
      `The Ogg Opus stream has ${channels} channels; SpeechKit takes mono audio (downmix with ffmpeg -ac 1, or decodeAudio())`,
    );
  }
  return { channels, preSkip: packet.readUInt16LE(10), inputSampleRate: packet.readUInt32LE(12), raw: packet };
}

/** A copy of `head` with another pre-skip. */
export function withPreSkip(head: OpusHead, preSkip: number): Buffer {
  const raw = Buffer.from(head.raw);
  raw.writeUInt16LE(preSkip, 10);
  return raw;
}

/** A mono OpusHead for an encoder of this library (RFC 7845 §5.1, channel mapping family 0). */
export function buildOpusHead(preSkip: number, inputSampleRate: number): Buffer {
  const head = Buffer.alloc(HEAD_MIN_BYTES);
  OPUS_HEAD.copy(head, 0);
  head[8] = 1;
  head[9] = 1;
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(inputSampleRate, 12);
  head.writeInt16LE(0, 16);
  head[18] = 0;
  return head;
}

/** The vendor string of an OpusTags packet, or undefined when the packet is too short to hold it. */
export function opusTagsVendor(packet: Buffer): string | undefined {
  if (packet.length < 12) return undefined;
  const length = packet.readUInt32LE(8);
  if (12 + length > packet.length) return undefined;
  return packet.toString('utf8', 12, 12 + length);
}

/** An OpusTags packet with a vendor string and no user comments (RFC 7845 §5.2). */
export function buildOpusTags(vendor: string): Buffer {
  const text = Buffer.from(vendor, 'utf8');
  const tags = Buffer.alloc(8 + 4 + text.length + 4);
  OPUS_TAGS.copy(tags, 0);
  tags.writeUInt32LE(text.length, 8);
  text.copy(tags, 12);
  tags.writeUInt32LE(0, 12 + text.length);
  return tags;
}

/**
 * A 20 ms mono CELT packet that decodes to digital silence in any decoder: TOC 0xF8 (config 31,
 * one frame), then a range-coded frame whose silence flag is set.
 */
export const OPUS_SILENCE: OpusPacket = { data: Buffer.from([0xf8, 0xff, 0xfe]), samples: 20 * SAMPLES_PER_MS };

/**
 * Whether a packet is silence, from its size alone: encoders spend a byte or two per frame on
 * digital silence (a CELT frame with nothing to code, or DTX), while sound costs tens of bytes per
 * frame at any usable bitrate. A noise floor costs more and counts as sound, as it does for PCM
 * above the PCM silence level. Nothing is decoded: this runs for every packet of every stream.
 */
export function isSilentOpusPacket(packet: OpusPacket): boolean {
  const { data } = packet;
  if (data.length === 0) return true;
  const code = data[0]! & 0x03;
  const frames = code === 0 ? 1 : code === 3 ? (data[1] ?? 0) & 0x3f : 2;
  const header = code === 3 ? 2 : 1;
  return data.length <= header + 2 * Math.max(1, frames);
}
