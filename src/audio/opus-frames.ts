import type { AudioFrame } from './frame.js';
import { paginate, type PageSlot } from './ogg-writer.js';
import { OPUS_SILENCE, SAMPLES_PER_MS, type OpusPacket } from './opus-packet.js';

/**
 * Decoder warm-up a session gets before its first frame: RFC 7845 §4.6 asks for at least 80 ms of
 * audio decoded and discarded before the point where output starts, so the new session's decoder
 * has converged when the frames that count begin.
 */
export const PREROLL_SAMPLES = 80 * SAMPLES_PER_MS;

/** What the session wire needs to put an Ogg frame into a session's own stream. */
export interface OggFrameInfo {
  /** Position of the frame's first sample, in 48 kHz samples from the stream's first packet. */
  readonly start: number;
  /** Position just after its last sample, after any end trimming. */
  readonly end: number;
  /** The pages in `data`, each with the position its last completed packet ends at. */
  readonly pages: readonly PageSlot[];
  /** The packets just before this frame (up to 80 ms), decoded and discarded by a session that starts here. */
  readonly preroll: readonly OpusPacket[];
  /** The frame ends the stream: its last page carries the end-of-stream flag. */
  readonly eos: boolean;
  /** Keep-alive silence made by the stream, not part of the user's audio. */
  readonly keepalive: boolean;
}

/** A frame of whole Opus packets on Ogg pages laid out once; a session rewrites only page headers. */
export interface OggFrame extends AudioFrame {
  readonly ogg: OggFrameInfo;
}

/** Whether a frame came from an Ogg Opus source (and carries what its session wire needs). */
export function isOggFrame(frame: AudioFrame): frame is OggFrame {
  return (frame as Partial<OggFrame>).ogg !== undefined;
}

interface Queued {
  packet: OpusPacket;
  start: number;
  end: number;
  silent: boolean | undefined;
}

/**
 * Groups Opus packets into frames of at least `chunkMs`, measured in stream time: 48 kHz positions
 * minus the stream's pre-skip, which is decoder delay and not audio. Every frame holds whole
 * packets, so any frame can start a session.
 */
export class OpusFrameAssembler {
  private readonly queue: Queued[] = [];
  private head = 0;
  /** Position where the next pushed packet starts. */
  private position = 0;
  /** The most recent packets already framed, newest last: the next frame's preroll. */
  private recent: OpusPacket[] = [];
  private recentSamples = 0;
  private ended = false;

  constructor(
    readonly chunkMs: number,
    readonly preSkip: number,
    readonly serial: number,
  ) {}

  /** Stream time, in ms, of a 48 kHz position. */
  private ms(position: number): number {
    return Math.max(0, position - this.preSkip) / SAMPLES_PER_MS;
  }

  /** Audio queued and not yet framed, in ms. */
  get bufferedMs(): number {
    if (this.head === this.queue.length) return 0;
    return this.ms(this.queue[this.queue.length - 1]!.end) - this.ms(this.queue[this.head]!.start);
  }

  /** Stream time of the next frame. */
  get positionMs(): number {
    return this.ms(this.head < this.queue.length ? this.queue[this.head]!.start : this.position);
  }

  /**
   * Queues the packets one page (or one encoder step) completed. `trim` samples come off the end
   * (an end-trimmed last page); `eos` says nothing follows.
   */
  push(packets: readonly OpusPacket[], trim = 0, eos = false, silent?: boolean | ((packet: OpusPacket) => boolean)): void {
    for (const packet of packets) {
      const quiet = typeof silent === 'function' ? silent(packet) : silent;
      this.queue.push({ packet, start: this.position, end: this.position + packet.samples, silent: quiet });
      this.position += packet.samples;
    }
    if (trim > 0) {
      const cut = this.position - trim;
      for (let i = this.queue.length - 1; i >= this.head && this.queue[i]!.end > cut; i--) {
        const item = this.queue[i]!;
        item.end = Math.max(item.start, cut);
      }
      this.position = cut;
    }
    if (eos) this.ended = true;
  }

  next(flush: boolean): OggFrame | undefined {
    if (this.head === this.queue.length) return undefined;
    const first = this.queue[this.head]!;
    const startMs = this.ms(first.start);
    let last = this.head;
    while (this.ms(this.queue[last]!.end) - startMs < this.chunkMs) {
      if (last + 1 === this.queue.length) {
        if (!flush) return undefined;
        break;
      }
      last++;
    }
    const items = this.queue.slice(this.head, last + 1);
    this.head = last + 1;
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const end = items[items.length - 1]!.end;
    const run = paginate(items.map((q) => ({ data: q.packet.data, end: q.end })), this.serial);
    const frame: OggFrame = {
      data: run.data,
      streamMs: startMs,
      durationMs: this.ms(end) - startMs,
      ...(items.every((q) => q.silent !== undefined) && { silent: items.every((q) => q.silent) }),
      ogg: {
        start: first.start,
        end,
        pages: run.pages,
        preroll: this.recent.slice(),
        eos: this.ended && this.head === this.queue.length,
        keepalive: false,
      },
    };
    for (const q of items) this.remember(q.packet);
    return frame;
  }

  /** Keep-alive silence of at least `durationMs` (whole 20 ms packets), for any session's wire. */
  silence(durationMs: number): OggFrame {
    const count = Math.max(1, Math.ceil(durationMs / 20));
    const samples = count * OPUS_SILENCE.samples;
    const run = paginate(
      Array.from({ length: count }, (_, i) => ({ data: OPUS_SILENCE.data, end: (i + 1) * OPUS_SILENCE.samples })),
      this.serial,
    );
    return {
      data: run.data,
      streamMs: this.positionMs,
      durationMs: samples / SAMPLES_PER_MS,
      silent: true,
      ogg: { start: 0, end: samples, pages: run.pages, preroll: [], eos: false, keepalive: true },
    };
  }

  private remember(packet: OpusPacket): void {
    this.recent.push(packet);
    this.recentSamples += packet.samples;
    while (this.recent.length > 1 && this.recentSamples - this.recent[0]!.samples >= PREROLL_SAMPLES) {
      this.recentSamples -= this.recent.shift()!.samples;
    }
  }
}
