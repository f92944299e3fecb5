import { Deinterleaver } from '../audio/deinterleave.js';
import type { PcmSampleRate } from '../audio/encodings.js';
import { looksLikeWav, parseWavHeader } from '../audio/wav.js';
import { invalidAudio } from '../errors.js';

/** Most channels one multi-channel stream splits (each is a recognition stream of its own). */
export const MAX_CHANNELS = 16;
const SNIFF_BYTES = 12;

/** What each channel's recognition stream is told about its (mono) audio. */
export interface ChannelLayout {
  channels: number;
  audioEncoding: 'LINEAR16_PCM' | 'MULAW' | 'ALAW';
  /** Set for LINEAR16_PCM. */
  sampleRateHertz: PcmSampleRate | undefined;
  source: 'wav-header' | 'options';
}

export interface DeclaredLayout {
  audioChannelCount: number | undefined;
  audioEncoding: string | undefined;
  sampleRateHertz: number | undefined;
}

/**
 * The writable side of a multi-channel stream: decides the layout (from a WAV header, or from
 * `audioChannelCount` and the format options for raw PCM or G.711), strips the header and splits
 * the interleaved samples, one mono buffer per channel. Pure.
 */
export class InterleavedInput {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private splitter: Deinterleaver | undefined;
  private dataLeft: number | undefined;
  layout: ChannelLayout | undefined;

  constructor(private readonly declared: DeclaredLayout) {}

  /** Bytes held while the layout is undecided (a WAV header's worth at most). */
  get undecidedBytes(): number {
    return this.pendingBytes;
  }

  /** Each channel's audio in `chunk`; undefined while the layout is still undecided. Throws INVALID_AUDIO. */
  push(chunk: Buffer): Buffer[] | undefined {
    if (this.splitter) return this.split(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    return this.decide(false);
  }

  /** The input ended: decides a layout that still waited (raw audio shorter than a header). */
  end(): Buffer[] | undefined {
    if (this.splitter || this.pendingBytes === 0) return undefined;
    return this.decide(true);
  }

  private decide(atEnd: boolean): Buffer[] | undefined {
    const head = Buffer.concat(this.pending);
    this.pending = [head];
    if (head.length < SNIFF_BYTES && !atEnd) return undefined;
    const { audioChannelCount, audioEncoding, sampleRateHertz } = this.declared;
    let rest = head;
    if (looksLikeWav(head)) {
      const info = parseWavHeader(head, MAX_CHANNELS);
      if (!info) {
        if (atEnd) throw invalidAudio('The audio ended inside its WAV header');
        return undefined;
      }
      if (audioChannelCount !== undefined && audioChannelCount !== info.channels) {
        throw invalidAudio(`\`audioChannelCount\` is ${audioChannelCount} but the WAV header says ${info.channels} channels`);
      }
      if (audioEncoding !== undefined && audioEncoding !== info.encoding) {
        throw invalidAudio(`\`audioEncoding\` is ${audioEncoding} but the WAV header says ${info.encoding} (leave \`audioEncoding\` out for WAV files)`);
      }
      if (sampleRateHertz !== undefined && sampleRateHertz !== info.sampleRate) {
        throw invalidAudio(`\`sampleRateHertz\` is ${sampleRateHertz} but the WAV header says ${info.sampleRate} Hz`);
      }
      const pcm = info.encoding === 'LINEAR16_PCM';
      this.layout = { channels: info.channels, audioEncoding: info.encoding, sampleRateHertz: pcm ? (info.sampleRate as PcmSampleRate) : undefined, source: 'wav-header' };
      this.dataLeft = info.dataBytes;
      rest = head.subarray(info.headerBytes);
    } else if (head.length >= 4 && head.toString('latin1', 0, 4) === 'OggS') {
      throw invalidAudio('A multi-channel stream takes interleaved PCM or G.711 (raw or WAV); this is an Ogg stream (give each channel its own track in `channels`)');
    } else if (audioEncoding === 'MULAW' || audioEncoding === 'ALAW') {
      this.layout = { channels: audioChannelCount ?? 1, audioEncoding, sampleRateHertz: undefined, source: 'options' };
    } else {
      if (sampleRateHertz === undefined) {
        throw invalidAudio('The audio has no WAV header, so it is taken as raw interleaved LINEAR16_PCM, which needs `sampleRateHertz` (and `audioChannelCount`)');
      }
      this.layout = { channels: audioChannelCount ?? 1, audioEncoding: 'LINEAR16_PCM', sampleRateHertz: sampleRateHertz as PcmSampleRate, source: 'options' };
    }
    this.splitter = new Deinterleaver(this.layout.channels, this.layout.audioEncoding === 'LINEAR16_PCM' ? 2 : 1);
    this.pending = [];
    this.pendingBytes = 0;
    return this.split(rest);
  }

  private split(chunk: Buffer): Buffer[] {
    if (this.dataLeft !== undefined) {
      // Chunks after the declared data (LIST, id3 …) are metadata, not audio.
      if (chunk.length > this.dataLeft) chunk = chunk.subarray(0, this.dataLeft);
      this.dataLeft -= chunk.length;
    }
    return this.splitter!.push(chunk);
  }
}

