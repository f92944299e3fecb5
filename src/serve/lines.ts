import type { RecognitionResult } from '../index.js';

/** A recognized piece of a call's track: `final` (fixed text) or `partial` (with `partial` on). */
export interface ResultLine {
  /** The protocol's call or stream id (Twilio streamSid, AudioSocket UUID, the fork's metadata id…). */
  call: string;
  /** The track: `'0'` for mono and for the first of two tracks (Twilio inbound, the left channel), `'1'` for the second. */
  channelTag: string;
  type: 'final' | 'partial';
  text: string;
  /** Whole-call times of the recognized audio, in ms, when the service gave them. */
  startMs?: number;
  endMs?: number;
}

/** A key the caller pressed, as the protocol reported it (Twilio `dtmf`, AudioSocket 0x03). */
export interface DtmfLine {
  call: string;
  channelTag: string;
  type: 'dtmf';
  digit: string;
}

/** The call is over: every result it will have has been written. Always the call's last line. */
export interface EndLine {
  call: string;
  type: 'end';
}

/** Something failed: a call's input or recognition (with `call`), or the server's own delivery. */
export interface ErrorLine {
  call?: string;
  channelTag?: string;
  type: 'error';
  /** A `SPEECHKIT_ERR_*` code: the library's, or one of `ServeErrorCodes`. */
  code: string;
  message: string;
}

/** One NDJSON line of `speechkit-stream serve`. */
export type ServeLine = ResultLine | DtmfLine | EndLine | ErrorLine;

export function resultLine(call: string, channelTag: string, result: RecognitionResult): ResultLine | undefined {
  if (result.type !== 'final' && result.type !== 'partial') return undefined;
  return {
    call,
    channelTag,
    type: result.type,
    text: result.text,
    ...(result.startMs !== undefined && { startMs: result.startMs }),
    ...(result.endMs !== undefined && { endMs: result.endMs }),
  };
}
