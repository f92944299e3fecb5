import { G711_ENCODINGS, type G711Encoding } from './g711.js';

/** Sample rates SpeechKit takes for LINEAR16_PCM. */
export const PCM_SAMPLE_RATES = [8000, 16000, 48000] as const;
/** The encodings sent on the wire. */
export const AUDIO_ENCODINGS = ['LINEAR16_PCM', 'OGG_OPUS'] as const;

/** What may be written: the wire encodings, and G.711 telephone audio sent as LINEAR16_PCM at 8 kHz. */
export const INPUT_ENCODINGS = [...AUDIO_ENCODINGS, ...G711_ENCODINGS] as const;

/** An encoding the service takes: `LINEAR16_PCM` or `OGG_OPUS`. */
export type AudioEncoding = (typeof AUDIO_ENCODINGS)[number];
/** What `audioEncoding` may name: a wire encoding, or G.711 telephone audio (`MULAW`, `ALAW`). */
export type InputEncoding = AudioEncoding | G711Encoding;
export type PcmSampleRate = (typeof PCM_SAMPLE_RATES)[number];
