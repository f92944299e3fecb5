import { invalidAudio } from '../errors.js';
import type { AudioEncoding, InputEncoding, PcmSampleRate } from './encodings.js';
import type { ResolvedEncode } from './encode-options.js';
import type { AudioFrame, FrameSource, SessionWire } from './frame.js';
import { g711Decoder, G711_SAMPLE_RATE, isG711, type SampleDecoder } from './g711.js';
import { OggOpusFramer } from './ogg-opus-framer.js';
import { OpusEncodingFramer } from './opus-encoding-framer.js';
import { PcmFramer } from './pcm-framer.js';
import { looksLikeWav, parseWavHeader } from './wav.js';

/** The audio format a stream decided on (`stream.audioFormat`), from the options or the first bytes. */
export interface AudioFormat {
  /** What the service is sent. */
  encoding: AudioEncoding;
  /** Set for LINEAR16_PCM. */
  sampleRateHertz: PcmSampleRate | undefined;
  /** Where the format came from, for events and errors. */
  source: 'options' | 'wav-header' | 'ogg-signature';
  /** Set when PCM is written and encoded here (`encode`): what was written. */
  encodedFrom?: { encoding: 'LINEAR16_PCM'; sampleRateHertz: PcmSampleRate };
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
    private readonly declared: {
      audioEncoding: InputEncoding | undefined;
      sampleRateHertz: PcmSampleRate | undefined;
      encode?: ResolvedEncode | undefined;
    },
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
  openSession(first?: AudioFrame): SessionWire | undefined {
    return this.framer?.openSession?.(first);
  }

  /** Keep-alive silence of about `durationMs`, in the format sent (zeros for PCM). */
  silence(durationMs: number): AudioFrame {
    if (this.framer?.silence) return this.framer.silence(durationMs);
    const rate = this.format!.sampleRateHertz!;
    const data = Buffer.alloc(Math.round((rate * durationMs) / 1000) * 2);
    return { data, streamMs: this.positionMs, durationMs: (data.length / 2 / rate) * 1000, silent: true };
  }

  /** Frees what the framer holds outside the heap (the Opus encoder's WebAssembly memory). */
  close(): void {
    this.framer?.close?.();
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
      if (audioEncoding !== undefined && info.encoding !== audioEncoding) {
        throw invalidAudio(`\`audioEncoding\` is ${audioEncoding} but the WAV header says ${info.encoding} (leave \`audioEncoding\` out for WAV files)`);
      }
      this.wavDataLeft = info.dataBytes;
      const decoder = isG711(info.encoding) ? g711Decoder(info.encoding) : undefined;
      this.startPcm(info.sampleRate as PcmSampleRate, 'wav-header', head.subarray(info.headerBytes), decoder);
      return;
    }
    if (isG711(audioEncoding)) {
      // Raw telephone audio has no signature to sniff: the option is the only word on it.
      this.startPcm(G711_SAMPLE_RATE, 'options', head, g711Decoder(audioEncoding));
      return;
    }
    if (head.length >= 4 && head.toString('latin1', 0, 4) === 'OggS') {
      if (audioEncoding === 'LINEAR16_PCM') throw invalidAudio('`audioEncoding` is LINEAR16_PCM but the audio is an Ogg stream');
      this.format = { encoding: 'OGG_OPUS', sampleRateHertz: undefined, source: 'ogg-signature' };
      this.start(new OggOpusFramer(this.chunkMs), head);
      return;
    }
    if (audioEncoding === 'OGG_OPUS') throw invalidAudio('`audioEncoding` is OGG_OPUS but the audio does not start with an Ogg page ("OggS")');
    if (sampleRateHertz === undefined) {
      throw invalidAudio(
        'The audio has no WAV header or Ogg signature, so it is taken as raw LINEAR16_PCM, which needs `sampleRateHertz` (8000, 16000 or 48000)',
      );
    }
    this.startPcm(sampleRateHertz, 'options', head);
  }

  /** PCM (or G.711, expanded to PCM by `decoder`) goes out as it is, or through the Opus encoder with `encode`. */
  private startPcm(sampleRateHertz: PcmSampleRate, source: AudioFormat['source'], rest: Buffer, decoder?: SampleDecoder): void {
    const encode = this.declared.encode;
    if (encode) {
      this.format = { encoding: 'OGG_OPUS', sampleRateHertz: undefined, source, encodedFrom: { encoding: 'LINEAR16_PCM', sampleRateHertz } };
      this.start(new OpusEncodingFramer(sampleRateHertz, this.chunkMs, encode, decoder), rest);
    } else {
      this.format = { encoding: 'LINEAR16_PCM', sampleRateHertz, source };
      this.start(new PcmFramer(sampleRateHertz, this.chunkMs, decoder), rest);
    }
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
