import { Linear16Decoder, OggOpusPassthroughDecoder, type AudioDecoder } from './audio-decoders.js';
import type { SessionConfig } from './types.js';

/**
 * The decoder for a session's audio, whatever API configured it: v2's `audio_encoding` and v3's
 * `raw_audio` / `container_audio` both resolve to a `SessionConfig`. An Ogg Opus decoder plugs in here.
 */
export function decoderFor(config: SessionConfig): AudioDecoder {
  switch (config.audioEncoding) {
    case 'LINEAR16_PCM':
      return new Linear16Decoder(config.sampleRateHertz);
    case 'OGG_OPUS':
      return new OggOpusPassthroughDecoder();
  }
}
