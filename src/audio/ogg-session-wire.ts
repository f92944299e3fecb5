import type { AudioFrame, SessionWire } from './frame.js';
import { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, NO_GRANULE, patchPage } from './ogg-page.js';
import { paginate } from './ogg-writer.js';
import { buildOpusTags, withPreSkip, type OpusHead } from './opus-packet.js';
import { isOggFrame, type OggFrame } from './opus-frames.js';

/** OpusHead stores the pre-skip in 16 bits. */
const MAX_PRE_SKIP = 0xffff;

/** The stream-wide facts every session's header pages are made from. */
export interface OggStreamHeader {
  head: OpusHead;
  vendor: string;
  serial: number;
}

/**
 * How one session sees an Ogg Opus stream: a complete Ogg Opus stream of its own. It opens with
 * OpusHead (beginning of stream, page 0) and OpusTags, then the audio pages renumbered from there,
 * with granule positions counted from the session's first sample, so the service decodes and times
 * the session exactly as if it were a file starting at that point.
 *
 * A session that starts mid-stream first gets up to 80 ms of the packets before its first frame and
 * a pre-skip that discards them: its decoder starts warm, and session time 0 is the first frame's
 * first sample, which keeps the whole-stream timeline exact.
 */
export class OggSessionWire implements SessionWire {
  readonly prelude: Buffer | undefined;
  private sequence = 0;
  /** Granule position after the last page sent. */
  private granule = 0;
  private started = false;

  constructor(
    private readonly header: () => OggStreamHeader | undefined,
    first: AudioFrame | undefined,
  ) {
    this.prelude = first && isOggFrame(first) && !first.ogg.keepalive ? this.open(first) : undefined;
  }

  encode(frame: AudioFrame): Buffer {
    if (!isOggFrame(frame)) throw new TypeError('internal: an Ogg session got a frame that is not Ogg');
    const opening = this.started ? undefined : this.open(frame.ogg.keepalive ? undefined : frame);
    const { ogg } = frame;
    // Granules follow the session's own count, so silence or a gap never makes them go back.
    const base = ogg.keepalive ? this.granule : this.granule - ogg.start;
    const data = Buffer.from(frame.data);
    ogg.pages.forEach((slot, i) => {
      const last = i === ogg.pages.length - 1;
      patchPage(data, slot.offset, {
        flags: (data[slot.offset + 5]! & FLAG_CONTINUED) | (last && ogg.eos ? FLAG_EOS : 0),
        granule: slot.end === undefined ? NO_GRANULE : BigInt(slot.end + base),
        serial: this.header()!.serial,
        sequence: this.sequence++,
      });
    });
    this.granule = ogg.end + base;
    return opening ? Buffer.concat([opening, data]) : data;
  }

  /** Header pages, and the preroll page when the session starts mid-stream. */
  private open(first: OggFrame | undefined): Buffer {
    this.started = true;
    const header = this.header();
    if (!header) throw new TypeError('internal: an Ogg session opened before the stream header was read');
    const { head, vendor, serial } = header;
    // The stream's own pre-skip still applies where the session starts inside it (the first frame).
    const ownSkip = first ? Math.max(0, head.preSkip - first.ogg.start) : 0;
    let preroll = first?.ogg.preroll ?? [];
    let prerollSamples = 0;
    for (const packet of preroll) prerollSamples += packet.samples;
    if (ownSkip + prerollSamples > MAX_PRE_SKIP) {
      preroll = [];
      prerollSamples = 0;
    }
    const preSkip = ownSkip + prerollSamples;
    const parts = [
      this.page(withPreSkip(head, preSkip), FLAG_BOS, serial),
      this.page(buildOpusTags(vendor), 0, serial),
    ];
    if (preroll.length > 0) {
      let end = 0;
      const run = paginate(preroll.map((p) => ({ data: p.data, end: (end += p.samples) })), serial);
      for (const slot of run.pages) {
        patchPage(run.data, slot.offset, {
          flags: run.data[slot.offset + 5]! & FLAG_CONTINUED,
          granule: slot.end === undefined ? NO_GRANULE : BigInt(slot.end),
          serial,
          sequence: this.sequence++,
        });
      }
      parts.push(run.data);
    }
    this.granule = prerollSamples;
    return Buffer.concat(parts);
  }

  private page(packet: Buffer, flags: number, serial: number): Buffer {
    const run = paginate([{ data: packet, end: 0 }], serial);
    for (const slot of run.pages) {
      patchPage(run.data, slot.offset, { flags: flags | (run.data[slot.offset + 5]! & FLAG_CONTINUED), granule: 0n, serial, sequence: this.sequence++ });
    }
    return run.data;
  }
}
