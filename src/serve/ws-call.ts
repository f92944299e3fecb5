import type { RawData, WebSocket } from 'ws';
import type { RecognitionResult } from '../index.js';
import type { CallRecognition, TrackSpec } from './call.js';
import { codeOf, ServeErrorCodes } from './errors.js';
import type { CallHub } from './hub.js';
import type { ResolvedServeOptions } from './options.js';

/** Close codes (RFC 6455): normal end, going away, and "the data was not what was agreed". */
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_INVALID_DATA = 1007;
export const CLOSE_POLICY = 1008;

/**
 * One WebSocket connection carrying (at most) one call. The protocols say what their messages
 * mean; this keeps what they share: backpressure from the recognizers to the socket (a peer that
 * sends faster than the recognizer takes is read more slowly, not buffered without bound), replies
 * bounded by `maxReplyBufferBytes`, bad input answered once and the connection closed, and a
 * connection that goes away mid-call recognized up to where it went.
 */
export abstract class WsCall {
  protected call: CallRecognition | undefined;
  /** The protocol's end of call arrived (stop, the fork's close): a close after it is normal. */
  protected stopped = false;
  #rejected = false;

  constructor(
    protected readonly ws: WebSocket,
    protected readonly hub: CallHub,
    protected readonly options: ResolvedServeOptions,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (this.#rejected) return;
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      try {
        if (isBinary) this.onBinary(buffer);
        else this.onText(buffer.toString('utf8'));
      } catch (error) {
        this.reject(codeOf(error), (error as Error).message, (error as { call?: string }).call);
      }
    });
    // ws reports a frame it cannot take (too large, bad UTF-8, bad opcode) as an error, then closes.
    ws.on('error', (error: Error) => this.reject(ServeErrorCodes.BAD_FRAME, `WebSocket: ${error.message}`));
    ws.on('close', (code: number, reason: Buffer) => this.#closed(code, reason.toString('utf8')));
  }

  protected abstract onText(text: string): void;
  protected abstract onBinary(data: Buffer): void;

  /** Whether a close with this code, before the protocol's end of call, still ends the call normally. */
  protected closeEndsCall(_code: number): boolean {
    return false;
  }

  /** The protocol's reply to a result (jambonz `transcription`, the fork's `transcription`). */
  protected onResult(_track: number, _result: RecognitionResult): void {}

  /** The protocol's reply to a failure (jambonz `error`…). */
  protected onError(_code: string, _message: string): void {}

  /** What happens once the call's `end` line is out; by default the server closes the connection. */
  protected onCallEnded(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(CLOSE_NORMAL);
  }

  protected startCall(id: string, tracks: readonly TrackSpec[], interim = false): CallRecognition {
    const call = this.hub.open(id, tracks, { result: (track, result) => this.onResult(track, result), error: (code, message) => this.onError(code, message) }, interim);
    call.onDrain(() => this.ws.resume());
    void call.closed.then(() => this.onCallEnded());
    this.call = call;
    return call;
  }

  protected writeAudio(track: number, audio: Buffer): void {
    if (this.call && !this.call.write(track, audio)) this.ws.pause();
  }

  /** The protocol's end of call: recognize the rest, then `onCallEnded`. */
  protected endCall(): void {
    this.stopped = true;
    this.ws.resume();
    void this.call?.finish();
  }

  /** Sends a JSON reply, unless the peer has stopped reading: then the call ends as a slow consumer. */
  protected reply(message: object): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.options.maxReplyBufferBytes) {
      this.#slow();
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  /** Bad input: one error line (and the protocol's error reply), the call ends, the connection closes. */
  protected reject(code: string, message: string, callId?: string, closeCode = CLOSE_INVALID_DATA): void {
    if (this.#rejected) return;
    this.#rejected = true;
    this.stopped = true;
    this.onError(code, message);
    if (this.call) void this.call.fail(code, message);
    else this.hub.line({ ...(callId !== undefined && { call: callId }), type: 'error', code, message });
    this.ws.resume();
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(closeCode, message.slice(0, 120));
  }

  #slow(): void {
    if (this.#rejected) return;
    this.#rejected = true;
    this.stopped = true;
    const message = `the peer read none of its last ${this.ws.bufferedAmount} bytes of replies`;
    if (this.call) void this.call.abort(ServeErrorCodes.SLOW_CONSUMER, message);
    else this.hub.line({ type: 'error', code: ServeErrorCodes.SLOW_CONSUMER, message });
    this.ws.terminate();
  }

  #closed(code: number, reason: string): void {
    if (this.stopped || !this.call) return;
    this.stopped = true;
    if (this.closeEndsCall(code)) void this.call.finish();
    else void this.call.fail(ServeErrorCodes.HANGUP, `the connection closed (code ${code}${reason ? `, ${reason}` : ''}) before the end of the call`);
  }
}
