import prism from 'prism-media';
import { invalidAudio } from '../errors.js';
import type { ResolvedEncode } from './encode-options.js';
import { repairOpusScript } from '../vendor/opusscript-memory.js';

/** libopus request codes (opus_defines.h). */
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_COMPLEXITY = 4010;
/**
 * libopus's encoder delay for the AUDIO application, in 48 kHz samples at every input rate:
 * 2.5 ms of lookahead plus 4 ms of delay compensation (OPUS_GET_LOOKAHEAD). The OpusHead pre-skip.
 */
export const OPUS_ENCODER_DELAY = 312;
/** Every packet the encoder makes holds 20 ms: the codec's sweet spot for speech. */
export const OPUS_FRAME_MS = 20;

/**
 * One mono Opus encoder (prism-media over opusscript, WebAssembly) driven synchronously: prism's
 * Transform encodes within `write()`, so each 20 ms of PCM comes straight back as one packet.
 * `close()` frees the WebAssembly memory; call it once the stream no longer needs the encoder.
 */
export class OpusPacketEncoder {
  private stream: InstanceType<typeof prism.opus.Encoder> | undefined;
  readonly frameBytes: number;

  constructor(readonly sampleRate: number, options: Pick<ResolvedEncode, 'bitrate' | 'complexity'>) {
    const frameSize = (sampleRate * OPUS_FRAME_MS) / 1000;
    this.frameBytes = frameSize * 2;
    const stream = new prism.opus.Encoder({ rate: sampleRate, channels: 1, frameSize });
    repairOpusScript(stream.encoder);
    // opusscript names it encoderCTL, the native @discordjs/opus (preferred by prism when installed) applyEncoderCTL.
    const codec = stream.encoder as { encoderCTL?: (r: number, v: number) => void; applyEncoderCTL?: (r: number, v: number) => void };
    const ctl = (request: number, value: number) => (codec.applyEncoderCTL ?? codec.encoderCTL)!.call(codec, request, value);
    ctl(OPUS_SET_COMPLEXITY, options.complexity);
    if (options.bitrate !== undefined) ctl(OPUS_SET_BITRATE, options.bitrate);
    this.stream = stream;
  }

  /** Encodes exactly 20 ms of 16-bit PCM into one packet. */
  encode(pcm: Buffer): Buffer {
    const stream = this.stream;
    if (!stream) throw new TypeError('internal: encode after close');
    if (pcm.length !== this.frameBytes) throw new RangeError(`internal: ${pcm.length} bytes is not one 20 ms frame`);
    let failure: unknown;
    try {
      // prism's _transform encodes synchronously and does not catch, so a codec error throws here.
      stream.write(pcm);
    } catch (error) {
      failure = error;
    }
    const packet = failure === undefined ? (stream.read() as Buffer | null) : null;
    if (!packet) throw invalidAudio(`The Opus encoder failed${failure instanceof Error ? `: ${failure.message}` : ''}`);
    return packet;
  }

  close(): void {
    this.stream?.destroy();
    this.stream = undefined;
  }
}
