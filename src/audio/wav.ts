import { invalidAudio } from '../errors.js';
import { G711_SAMPLE_RATE, type G711Encoding } from './g711.js';

export interface WavInfo {
  /** 16-bit PCM, or G.711 telephone audio (µ-law, A-law) that the stream expands to it. */
  encoding: 'LINEAR16_PCM' | G711Encoding;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes before the first audio sample. */
  headerBytes: number;
  /** Audio bytes the header declares, or undefined when it declares none (a streamed WAV). */
  dataBytes: number | undefined;
}

/** A header this long without a `data` chunk is not a WAV we can stream. */
const MAX_HEADER_BYTES = 64 * 1024;
const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export function looksLikeWav(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
}

/**
 * Parses a RIFF/WAVE header from the start of `buf`. Returns undefined while more bytes are
 * needed; throws INVALID_AUDIO for a header that is broken or declares a format we cannot send.
 */
export function parseWavHeader(buf: Buffer, maxChannels = 1): WavInfo | undefined {
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  for (;;) {
    if (offset > MAX_HEADER_BYTES) throw invalidAudio('WAV header: no `data` chunk in the first 64 KiB');
    if (buf.length < offset + 8) return undefined;
    const id = buf.toString('latin1', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'data') {
      if (!fmt) throw invalidAudio('WAV header: `data` chunk before `fmt ` chunk');
      const encoding = checkFormat(fmt, maxChannels);
      const streamed = size === 0 || size >= 0x7fff0000;
      const { channels, sampleRate, bitsPerSample } = fmt;
      return { encoding, channels, sampleRate, bitsPerSample, headerBytes: body, dataBytes: streamed ? undefined : size };
    }
    if (id === 'fmt ') {
      if (size < 16) throw invalidAudio(`WAV header: \`fmt \` chunk of ${size} bytes is too short`);
      if (buf.length < body + Math.min(size, 26)) return undefined;
      let format = buf.readUInt16LE(body);
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 26) format = buf.readUInt16LE(body + 24);
      fmt = {
        format,
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    }
    offset = body + size + (size % 2);
  }
}

function checkFormat(fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number }, maxChannels: number): WavInfo['encoding'] {
  if (fmt.format === WAVE_FORMAT_IEEE_FLOAT) {
    throw invalidAudio('WAV audio is 32-bit float; SpeechKit takes 16-bit signed PCM (convert with ffmpeg: -acodec pcm_s16le)');
  }
  if (fmt.format === WAVE_FORMAT_MULAW || fmt.format === WAVE_FORMAT_ALAW) return checkG711(fmt, maxChannels);
  if (fmt.format !== WAVE_FORMAT_PCM) throw invalidAudio(`WAV audio format ${fmt.format} is not PCM; SpeechKit takes 16-bit signed PCM`);
  if (fmt.bitsPerSample !== 16) {
    throw invalidAudio(`WAV audio is ${fmt.bitsPerSample}-bit; SpeechKit takes 16-bit signed PCM (convert with ffmpeg: -acodec pcm_s16le)`);
  }
  checkChannels(fmt.channels, maxChannels);
  if (fmt.sampleRate !== 8000 && fmt.sampleRate !== 16000 && fmt.sampleRate !== 48000) {
    throw invalidAudio(`WAV sample rate ${fmt.sampleRate} Hz is not supported; use 8000, 16000 or 48000 (convert with ffmpeg: -ar 16000)`);
  }
  return 'LINEAR16_PCM';
}

/** A telephone recording: 8-bit G.711 at 8 kHz, expanded to 16-bit PCM on the way in. */
function checkG711(fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number }, maxChannels: number): G711Encoding {
  const name = fmt.format === WAVE_FORMAT_MULAW ? 'µ-law' : 'A-law';
  if (fmt.bitsPerSample !== 8) throw invalidAudio(`WAV ${name} audio must be 8-bit; the header says ${fmt.bitsPerSample}-bit`);
  checkChannels(fmt.channels, maxChannels);
  if (fmt.sampleRate !== G711_SAMPLE_RATE) {
    throw invalidAudio(`WAV ${name} audio at ${fmt.sampleRate} Hz is not supported; G.711 is 8000 Hz (convert with ffmpeg: -ar 8000)`);
  }
  return fmt.format === WAVE_FORMAT_MULAW ? 'MULAW' : 'ALAW';
}

/** `maxChannels` 1: a recognition stream (one channel); more: a multi-channel stream splits them. */
function checkChannels(channels: number, maxChannels: number): void {
  if (channels === 0) throw invalidAudio('WAV header declares 0 channels');
  if (channels > 1 && maxChannels === 1) {
    throw invalidAudio(
      `WAV audio has ${channels} channels; a recognition stream takes mono: use createMultiChannelStream() to recognize each channel (or convert with ffmpeg: -ac 1)`,
    );
  }
  if (channels > maxChannels) throw invalidAudio(`WAV audio has ${channels} channels; at most ${maxChannels} are recognized`);
}
