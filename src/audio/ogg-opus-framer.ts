import type { AudioFrame, FrameSource, SessionWire } from './frame.js';
import { OggOpusReader } from './ogg-opus-reader.js';
import { OggSessionWire, type OggStreamHeader } from './ogg-session-wire.js';
import { OpusFrameAssembler, type OggFrame } from './opus-frames.js';
import { isSilentOpusPacket } from './opus-packet.js';

/** Vendor string for sessions of a stream whose OpusTags had none readable. */
export const VENDOR = 'speechkit-stream';

/**
 * Ogg Opus written by the user: pages are read and checked, their packets regrouped into frames of
 * at least `chunkMs` (durations from the packets, checked against granule positions, pre-skip
 * honoured), and every session gets a valid Ogg Opus stream of its own (see `OggSessionWire`).
 */
export class OggOpusFramer implements FrameSource {
  private readonly reader: OggOpusReader;
  private assembler: OpusFrameAssembler | undefined;
  private header: OggStreamHeader | undefined;
  private finished = false;

  constructor(readonly chunkMs: number) {
    this.reader = new OggOpusReader({
      header: (head, vendor, serial) => {
        this.header = { head, vendor: vendor ?? VENDOR, serial };
        this.assembler = new OpusFrameAssembler(chunkMs, head.preSkip, serial);
      },
      packets: (packets, trim, eos) => this.assembler!.push(packets, trim, eos, isSilentOpusPacket),
    });
  }

  get bufferedMs(): number {
    return this.assembler?.bufferedMs ?? 0;
  }

  get positionMs(): number {
    return this.assembler?.positionMs ?? 0;
  }

  append(chunk: Buffer): void {
    this.reader.append(chunk);
  }

  next(flush: boolean): OggFrame | undefined {
    if (flush && !this.finished) {
      this.finished = true;
      this.reader.finish();
    }
    return this.assembler?.next(flush);
  }

  openSession(first?: AudioFrame): SessionWire {
    return new OggSessionWire(() => this.header, first);
  }

  silence(durationMs: number): OggFrame {
    if (!this.assembler) throw new TypeError('internal: keep-alive before the Ogg header was read');
    return this.assembler.silence(durationMs);
  }
}
