import { invalidAudio } from '../errors.js';
import { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, NO_GRANULE, parsePage, type OggPage } from './ogg-page.js';
import { isOpusTags, opusPacketSamples, opusTagsVendor, parseOpusHead, type OpusHead, type OpusPacket } from './opus-packet.js';

/** Where the reader delivers what it reads. */
export interface OggOpusSink {
  header(head: OpusHead, vendor: string | undefined, serial: number): void;
  /** The audio packets one page completed; `trim` samples come off their end; `eos`: the last page. */
  packets(packets: OpusPacket[], trim: number, eos: boolean): void;
}

/** Far above any real Opus packet (at most 120 ms of 1275-byte frames): a bound on memory, not a format rule. */
const MAX_PACKET_BYTES = 256 * 1024;
/** Only the vendor string at the start of OpusTags is kept; cover art and the like are not audio. */
const MAX_TAGS_KEPT = 64 * 1024;

type State = 'head' | 'tags' | 'audio' | 'ended';

/**
 * Reads an Ogg Opus stream incrementally, in whatever pieces it arrives: pages with their CRC
 * checked, in sequence, from one logical stream; the OpusHead and OpusTags headers; then audio
 * packets, reassembled across pages, whose sample counts must agree with the pages' granule
 * positions (RFC 7845 §4). Anything else is a typed INVALID_AUDIO error naming the page.
 */
export class OggOpusReader {
  private rest: Buffer = Buffer.alloc(0);
  private pageIndex = 0;
  private state: State = 'head';
  private serial: number | undefined;
  private nextSequence = 0;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private partialKept = 0;
  /** Granule position where the audio starts (non-zero for a stream captured from the middle). */
  private origin: bigint | undefined;
  /** Samples of the packets delivered so far. */
  private samples = 0n;
  private head: OpusHead | undefined;

  constructor(private readonly sink: OggOpusSink) {}

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const buf = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    let offset = 0;
    for (;;) {
      if (offset < buf.length && this.state === 'ended') {
        throw invalidAudio(`Ogg data follows the end-of-stream page (page ${this.pageIndex}): chained Ogg streams are not supported`);
      }
      const page = parsePage(buf, offset, this.pageIndex);
      if (!page) break;
      this.onPage(page);
      offset += page.length;
    }
    // Copied: the caller may reuse its buffer once the write has called back.
    this.rest = Buffer.from(buf.subarray(offset));
  }

  /** The input is complete: anything left over is a truncated stream. */
  finish(): void {
    if (this.rest.length > 0) throw invalidAudio(`The Ogg stream ended inside page ${this.pageIndex} (${this.rest.length} trailing bytes): it is truncated`);
    if (this.partialBytes > 0) throw invalidAudio(`The Ogg stream ended inside a packet that continues past page ${this.pageIndex - 1}: it is truncated`);
    if (this.state === 'head' && this.pageIndex > 0) throw invalidAudio('The Ogg stream ended before its OpusHead header');
    if (this.state === 'tags') throw invalidAudio('The Ogg stream ended before its OpusTags header');
  }

  private onPage(page: OggPage): void {
    const index = this.pageIndex++;
    if (this.serial === undefined) {
      if (!(page.flags & FLAG_BOS)) throw invalidAudio('The first Ogg page is not marked as the beginning of a stream: the stream is cut or corrupt');
      this.serial = page.serial;
      this.nextSequence = page.sequence;
    } else if (page.serial !== this.serial || page.flags & FLAG_BOS) {
      throw invalidAudio(`Ogg page ${index} belongs to another logical stream: multiplexed or chained Ogg streams are not supported`);
    }
    if (page.sequence !== this.nextSequence) {
      throw invalidAudio(`Ogg page ${index} has sequence number ${page.sequence} where ${this.nextSequence} was due: pages are missing or out of order`);
    }
    this.nextSequence = (page.sequence + 1) >>> 0;
    const continued = (page.flags & FLAG_CONTINUED) !== 0;
    if (continued && this.partialBytes === 0) throw invalidAudio(`Ogg page ${index} continues a packet that no earlier page started`);
    if (!continued && this.partialBytes > 0) throw invalidAudio(`Ogg page ${index} starts a new packet while the previous one is unfinished`);

    const packets: Buffer[] = [];
    let at = 0;
    for (const value of page.lacing) {
      this.take(page.body.subarray(at, at + value), index);
      at += value;
      if (value < 255) packets.push(this.completePacket());
    }
    const eos = (page.flags & FLAG_EOS) !== 0;
    if (this.state === 'head') this.readHead(packets, index);
    else if (this.state === 'tags') this.readTags(packets, index);
    if (this.state === 'audio') this.readAudio(packets, page, index, eos);
    if (eos) {
      if (this.state !== 'audio' && this.state !== 'ended') throw invalidAudio(`The Ogg stream ends (page ${index}) before its headers are complete`);
      if (this.partialBytes > 0) throw invalidAudio(`The Ogg stream ends (page ${index}) inside a packet`);
      this.state = 'ended';
    }
  }

  private take(segment: Buffer, index: number): void {
    this.partialBytes += segment.length;
    if (this.state === 'tags') {
      if (this.partialKept >= MAX_TAGS_KEPT) return;
      segment = segment.subarray(0, MAX_TAGS_KEPT - this.partialKept);
    } else if (this.partialBytes > MAX_PACKET_BYTES) {
      throw invalidAudio(`Ogg page ${index} continues a packet past ${MAX_PACKET_BYTES} bytes: not Opus audio`);
    }
    this.partial.push(segment);
    this.partialKept += segment.length;
  }

  private completePacket(): Buffer {
    const packet = Buffer.concat(this.partial, this.partialKept);
    this.partial = [];
    this.partialBytes = 0;
    this.partialKept = 0;
    return packet;
  }

  private readHead(packets: Buffer[], index: number): void {
    if (packets.length === 0) throw invalidAudio(`Ogg page ${index} should hold the whole OpusHead header`);
    const head = parseOpusHead(packets[0]!);
    if (packets.length > 1 || this.partialBytes > 0) throw invalidAudio(`Ogg page ${index} holds more than the OpusHead header; RFC 7845 puts it alone on the first page`);
    packets.length = 0;
    this.head = head;
    this.state = 'tags';
  }

  private readTags(packets: Buffer[], index: number): void {
    const tags = packets.shift();
    if (!tags) return;
    if (!isOpusTags(tags)) throw invalidAudio(`Ogg page ${index} should start the OpusTags header, which must follow OpusHead`);
    this.sink.header(this.head!, opusTagsVendor(tags), this.serial!);
    this.state = 'audio';
  }

  private readAudio(packets: Buffer[], page: OggPage, index: number, eos: boolean): void {
    if (packets.length === 0) return;
    const opus: OpusPacket[] = [];
    let pageSamples = 0;
    for (const data of packets) {
      const samples = opusPacketSamples(data);
      if (typeof samples === 'string') throw invalidAudio(`Ogg page ${index} holds ${samples}: the stream is not valid Opus`);
      opus.push({ data, samples });
      pageSamples += samples;
    }
    const granule = page.granule;
    if (granule === NO_GRANULE || granule < 0n) throw invalidAudio(`Ogg page ${index} ends packets but has no valid granule position`);
    let trim = 0n;
    if (this.origin === undefined) {
      const origin = granule - BigInt(pageSamples);
      if (origin < 0n) {
        if (!eos) throw invalidAudio(`Ogg page ${index}: granule position ${granule} is less than the ${pageSamples} samples the stream's first audio page holds`);
        trim = -origin;
      }
      this.origin = origin < 0n ? 0n : origin;
    }
    const due = this.origin + this.samples + BigInt(pageSamples) - trim;
    if (granule !== due) {
      const short = due - granule;
      if (granule > due || !eos || short > BigInt(pageSamples) - trim) {
        throw invalidAudio(`Ogg page ${index}: granule position ${granule} does not match the ${pageSamples} samples its packets hold (expected ${due}): the stream is corrupt or spliced`);
      }
      trim += short;
    }
    this.samples += BigInt(pageSamples);
    this.sink.packets(opus, Number(trim), eos);
  }
}
