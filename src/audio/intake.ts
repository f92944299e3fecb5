import { invalidAudio } from '../errors.js';
import type { AudioEncoding, PcmSampleRate } from '../options.js';
import type { AudioFrame, FrameSource, SessionWire } from './frame.js';
import { OggFramer } from './ogg-framer.js';
import { PcmFramer } from './pcm-framer.js';
import { looksLikeWav, parseWavHeader } from './wav.js';

export interface AudioFormat {
  encoding: AudioEncoding;
  /** Set for LINEAR16_PCM. */
  sampleRateHertz: PcmSampleRate | undefined;
  /** Where the format came from, for events and errors. */
  source: 'options' | 'wav-header' | 'ogg-signature';
}

/** Bytes needed before raw input can be told apart from a WAV or Ogg stream. */
const SNIFF_BYTES = 12;

/**
 * The writable side's first stop: decides the audio format (from the options, a WAV header or the
 * `OggS` signature), strips a WAV header, and hands the audio to the matching framer.
 */
export class AudioIntake {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private framer: FrameSource | undefined;
  private wavDataLeft: number | undefined;
  format: AudioFormat | undefined;

  constructor(
    private readonly declared: { audioEncoding: AudioEncoding | undefined; sampleRateHertz: PcmSampleRate | undefined },
    private readonly chunkMs: number,
  ) {}

  get bufferedMs(): number {
    return this.framer?.bufferedMs ?? 0;
  }

  get positionMs(): number {
    return this.framer?.positionMs ?? 0;
  }

  /** Audio bytes waiting for the format to be known (a few bytes at most, unless a WAV header is long). */
  get undecidedBytes(): number {
    return this.pendingBytes;
  }

  append(chunk: Buffer): void {
    if (this.framer) {
      this.feed(chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const head = this.pending.length === 1 ? chunk : Buffer.concat(this.pending);
    this.pending = [head];
    this.decide(head, false);
  }

  /** How a new session should see the audio (see `SessionWire`); undefined: frames as they are. */
  openSession(): SessionWire | undefined {
    return this.framer?.openSession?.();
  }

  /** See `FrameSource.cut`; undefined when the format is undecided or the source cannot cut. */
  cut(): number | undefined {
    return this.framer?.cut?.();
  }

  next(flush: boolean): AudioFrame | undefined {
    if (!this.framer) {
      if (!flush || this.pendingBytes === 0) return undefined;
      this.decide(Buffer.concat(this.pending), true);
      if (!this.framer) return undefined;
    }
    return this.framer.next(flush);
  }

  private decide(head: Buffer, atEnd: boolean): void {
    if (head.length < SNIFF_BYTES && !atEnd) return;
    const { audioEncoding, sampleRateHertz } = this.declared;
    if (looksLikeWav(head)) {
      if (audioEncoding === 'OGG_OPUS') throw invalidAudio('`audioEncoding` is OGG_OPUS but the audio is a WAV file');
      const info = parseWavHeader(head);
      if (!info) {
        if (atEnd) throw invalidAudio('The audio ended inside its WAV header');
        return;
      }
      if (sampleRateHertz !== undefined && sampleRateHertz !== info.sampleRate) {
        throw invalidAudio(`\`sampleRateHertz\` is ${sampleRateHertz} but the WAV header says ${info.sampleRate} Hz`);
      }
      this.format = { encoding: 'LINEAR16_PCM', sampleRateHertz: info.sampleRate as PcmSampleRate, source: 'wav-header' };
      this.wavDataLeft = info.dataBytes;
      this.start(new PcmFramer(info.sampleRate, this.chunkMs), head.subarray(info.headerBytes));
      return;
    }
    if (head.length >= 4 && head.toString('latin1', 0, 4) === 'OggS') {
      if (audioEncoding === 'LINEAR16_PCM') throw invalidAudio('`audioEncoding` is LINEAR16_PCM but the audio is an Ogg stream');
      this.format = { encoding: 'OGG_OPUS', sampleRateHertz: undefined, source: 'ogg-signature' };
      this.start(new OggFramer(this.chunkMs), head);
      return;
    }
    if (audioEncoding === 'OGG_OPUS') throw invalidAudio('`audioEncoding` is OGG_OPUS but the audio does not start with an Ogg page ("OggS")');
    if (sampleRateHertz === undefined) {
      throw invalidAudio(
        'The audio has no WAV header or Ogg signature, so it is taken as raw LINEAR16_PCM, which needs `sampleRateHertz` (8000, 16000 or 48000)',
      );
    }
    this.format = { encoding: 'LINEAR16_PCM', sampleRateHertz, source: 'options' };
    this.start(new PcmFramer(sampleRateHertz, this.chunkMs), head);
  }

  private start(framer: FrameSource, rest: Buffer): void {
    this.framer = framer;
    this.pending = [];
    this.pendingBytes = 0;
    this.feed(rest);
  }

  private feed(chunk: Buffer): void {
    if (this.wavDataLeft !== undefined) {
      // Chunks after the declared data (LIST, id3 …) are metadata, not audio.
      if (chunk.length > this.wavDataLeft) chunk = chunk.subarray(0, this.wavDataLeft);
      this.wavDataLeft -= chunk.length;
    }
    this.framer!.append(chunk);
  }
}
