import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { RecognitionResult } from '../index.js';
import { ServeError, ServeErrorCodes } from './errors.js';
import { probeRecognizerOptions, type CallHub } from './hub.js';
import { jsonObject } from './json-message.js';
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './options.js';
import { SampleAligner } from './pcm-channels.js';
import type { ServeServer } from './server-types.js';
import { WsCall } from './ws-call.js';
import { startWsServer } from './ws-server.js';

const RATES = new Set([8000, 16000, 48000]);

/**
 * One jambonz custom speech-to-text session: a `start` control message (language, `format: raw`,
 * `encoding: LINEAR16`, `sampleRateHz`, `interimResults`), binary LINEAR16 frames, `stop`. Results
 * go back as `transcription` messages (`is_final`, `alternatives`, `channel`, `language`), failures
 * as `error`; after `stop` and the last final, the server closes the socket, as the API asks.
 */
class JambonzCall extends WsCall {
  readonly #aligner = new SampleAligner();
  #interim = false;
  #language: string | undefined;

  protected onText(text: string): void {
    const message = jsonObject(text, 'jambonz');
    if (this.stopped) return;
    if (message.type === 'start') return this.#start(message);
    if (message.type === 'stop') {
      if (!this.call) throw new ServeError(ServeErrorCodes.BAD_FRAME, 'jambonz: `stop` before `start`');
      this.endCall();
      return;
    }
    throw new ServeError(ServeErrorCodes.BAD_FRAME, `jambonz: unknown control message type ${JSON.stringify(message.type)}`, this.call ? { call: this.call.id } : {});
  }

  protected onBinary(data: Buffer): void {
    if (!this.call) throw new ServeError(ServeErrorCodes.BAD_FRAME, 'jambonz: audio before `start`');
    if (!this.stopped) this.writeAudio(0, this.#aligner.push(data));
  }

  #start(message: Record<string, unknown>): void {
    if (this.call) throw new ServeError(ServeErrorCodes.BAD_FRAME, 'jambonz: a second `start`', { call: this.call.id });
    // jambonz names no call in `start`; a callSid there (some gateways add one) is used.
    const id = typeof message.callSid === 'string' && message.callSid !== '' ? message.callSid : randomUUID();
    const rate = Number(message.sampleRateHz ?? 8000);
    if ((message.format ?? 'raw') !== 'raw' || (message.encoding ?? 'LINEAR16') !== 'LINEAR16' || !RATES.has(rate)) {
      const got = JSON.stringify({ format: message.format, encoding: message.encoding, sampleRateHz: message.sampleRateHz });
      throw new ServeError(ServeErrorCodes.BAD_FORMAT, `jambonz: audio ${got} (expected raw LINEAR16 at 8000, 16000 or 48000 Hz)`, { call: id });
    }
    this.#interim = message.interimResults === true;
    this.#language = typeof message.language === 'string' && message.language !== '' ? message.language : undefined;
    // The server's own language wins; otherwise the call's (jambonz sends the application's).
    const languageCode = this.options.recognizer.languageCode ?? this.#language;
    this.startCall(id, [{ channelTag: '0', format: { audioEncoding: 'LINEAR16_PCM', sampleRateHertz: rate, ...(languageCode !== undefined && { languageCode }) } }], this.#interim);
  }

  protected override onResult(_track: number, result: RecognitionResult): void {
    if (result.type !== 'final' && !(result.type === 'partial' && this.#interim)) return;
    this.reply({
      type: 'transcription',
      is_final: result.type === 'final',
      alternatives: result.alternatives.length > 0 ? result.alternatives.map((a) => ({ transcript: a.text, confidence: a.confidence })) : [{ transcript: result.text, confidence: 0 }],
      channel: 1,
      ...(this.#language !== undefined && { language: this.#language }),
    });
  }

  protected override onError(code: string, message: string): void {
    this.reply({ type: 'error', error: message, code });
  }
}

/** Options of {@link createJambonzServer}. */
export interface JambonzServerOptions extends ServeOptions {
  /**
   * The api key entered for the custom speech vendor in the jambonz portal: when set, a connection
   * without `Authorization: Bearer <key>` is refused (401) before it is upgraded.
   */
  apiKey?: string;
}

/** A server for jambonz's custom speech-to-text API: the vendor's STT URL is `ws://host:port/path`. */
export function createJambonzServer(options: JambonzServerOptions): Promise<ServeServer> {
  const resolved = resolveServeOptions(options);
  probeRecognizerOptions(resolved.recognizer, { audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 8000 });
  const expected = options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`;
  return startWsServer(
    {
      protocol: 'jambonz',
      authorize: expected === undefined ? undefined : (request: IncomingMessage) => request.headers.authorization === expected,
      connect: (ws: WebSocket, _request: IncomingMessage, hub: CallHub, opts: ResolvedServeOptions) => {
        new JambonzCall(ws, hub, opts);
      },
    },
    resolved,
  );
}
