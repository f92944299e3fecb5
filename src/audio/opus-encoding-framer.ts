import { randomInt } from 'node:crypto';
import type { ResolvedEncode } from './encode-options.js';
import type { AudioFrame, FrameSource, SessionWire } from './frame.js';
import { isSilentPcm } from './level.js';
import { OggSessionWire, type OggStreamHeader } from './ogg-session-wire.js';
import { OPUS_ENCODER_DELAY, OPUS_FRAME_MS, OpusPacketEncoder } from './opus-encoder.js';
import { OpusFrameAssembler, type OggFrame } from './opus-frames.js';
import { VENDOR } from './ogg-opus-framer.js';
import { buildOpusHead, parseOpusHead, SAMPLES_PER_MS } from './opus-packet.js';
import type { SampleDecoder } from './g711.js';
import { PcmFramer } from './pcm-framer.js';

const PACKET_SAMPLES = OPUS_FRAME_MS * SAMPLES_PER_MS;

/**
 * PCM in, Ogg Opus out (`encode: 'opus'`). PCM is cut into 20 ms pieces, each encoded into one
 * packet when a frame is due (so unsent audio stays PCM and the encoder's CPU follows the pacing),
 * and packets become frames and session streams exactly as for Ogg Opus the user writes. Frames
 * know whether their PCM was silence, which gives rollover its natural boundaries.
 *
 * At the end the encoder is fed silence until its delay is flushed, and the last page is trimmed
 * back to the input's true length, so the stream's duration is exactly the PCM's.
 */
export class OpusEncodingFramer implements FrameSource {
  private readonly pcm: PcmFramer;
  private readonly assembler: OpusFrameAssembler;
  private readonly header: OggStreamHeader;
  private encoder: OpusPacketEncoder | undefined;
  /** 48 kHz samples of PCM taken in, and of packets made. */
  private inputSamples = 0;
  private encodedSamples = 0;
  private done = false;

  constructor(
    readonly sampleRate: number,
    readonly chunkMs: number,
    private readonly options: ResolvedEncode,
    /** Expands G.711 input to PCM on the way in; PCM input is copied. */
    decoder?: SampleDecoder,
  ) {
    this.pcm = new PcmFramer(sampleRate, OPUS_FRAME_MS, decoder);
    const serial = randomInt(0, 0x1_0000_0000);
    this.assembler = new OpusFrameAssembler(chunkMs, OPUS_ENCODER_DELAY, serial);
    this.header = { head: parseOpusHead(buildOpusHead(OPUS_ENCODER_DELAY, sampleRate)), vendor: VENDOR, serial };
  }

  get bufferedMs(): number {
    return this.pcm.bufferedMs + this.assembler.bufferedMs;
  }

  get positionMs(): number {
    return this.assembler.positionMs;
  }

  append(chunk: Buffer): void {
    this.pcm.append(chunk);
  }

  next(flush: boolean): OggFrame | undefined {
    if (flush && !this.done) {
      // All of it now, so the trim at the end lands on packets not yet framed.
      for (let piece = this.pcm.next(true); piece; piece = this.pcm.next(true)) this.encodePiece(piece);
      this.finish();
    }
    while (!this.done && this.assembler.bufferedMs < this.chunkMs) {
      const piece = this.pcm.next(false);
      if (!piece) break;
      this.encodePiece(piece);
    }
    return this.assembler.next(flush);
  }

  openSession(first?: AudioFrame): SessionWire {
    return new OggSessionWire(() => this.header, first);
  }

  silence(durationMs: number): OggFrame {
    return this.assembler.silence(durationMs);
  }

  /** Frees the encoder's WebAssembly memory. Safe to call more than once. */
  close(): void {
    this.encoder?.close();
    this.encoder = undefined;
  }

  private encodePiece(piece: AudioFrame): void {
    const encoder = (this.encoder ??= new OpusPacketEncoder(this.sampleRate, this.options));
    let pcm = piece.data;
    if (pcm.length < encoder.frameBytes) {
      pcm = Buffer.alloc(encoder.frameBytes);
      piece.data.copy(pcm);
    }
    this.inputSamples += piece.durationMs * SAMPLES_PER_MS;
    this.push(encoder.encode(pcm), isSilentPcm(piece.data));
  }

  /** Flushes the encoder's delay with silence and trims the last packet to the input's length. */
  private finish(): void {
    const wanted = Math.round(this.inputSamples) + OPUS_ENCODER_DELAY;
    if (this.inputSamples > 0) {
      const encoder = this.encoder!;
      const zeros = Buffer.alloc(encoder.frameBytes);
      while (this.encodedSamples < wanted) this.push(encoder.encode(zeros), true);
    }
    this.assembler.push([], this.encodedSamples - Math.min(wanted, this.encodedSamples), true);
    this.done = true;
    this.close();
  }

  private push(packet: Buffer, silent: boolean): void {
    this.assembler.push([{ data: packet, samples: PACKET_SAMPLES }], 0, false, silent);
    this.encodedSamples += PACKET_SAMPLES;
  }
}
