import type { SessionConfig } from '../call/session-config.js';
import type { AudioDecoder } from './audio-decoder.js';
import { Linear16Decoder } from './linear16-decoder.js';
import { OggOpusDecoder } from './ogg-opus-decoder.js';

/**
 * The decoder for a session's audio, whatever API configured it: v2's `audio_encoding` and v3's
 * `raw_audio` / `container_audio` both resolve to a `SessionConfig`.
 */
export function decoderFor(config: SessionConfig): AudioDecoder {
  switch (config.audioEncoding) {
    case 'LINEAR16_PCM':
      return new Linear16Decoder(config.sampleRateHertz);
    case 'OGG_OPUS':
      return new OggOpusDecoder();
  }
}
