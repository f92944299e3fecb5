import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { RecognitionResult } from '../index.js';
import { captionsPage } from './browser-page.js';
import { CAPTIONS_WORKLET } from './browser-worklet.js';
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
 * The captions page's socket: `{type: "start", sampleRateHertz}`, binary 16-bit PCM, `{type:
 * "stop"}`. Back: `status` once recognizing, every `partial` and `final`, `error`, then `end`.
 * A tab closed mid-call ends its call normally; only a broken connection (1006) is a hang-up.
 */
class BrowserCall extends WsCall {
  readonly #aligner = new SampleAligner();

  protected onText(text: string): void {
    const message = jsonObject(text, 'browser');
    if (this.stopped) return;
    if (message.type === 'start') {
      if (this.call) throw new ServeError(ServeErrorCodes.BAD_FRAME, 'browser: a second `start`', { call: this.call.id });
      const id = randomUUID();
      const rate = Number(message.sampleRateHertz ?? 16000);
      if (!RATES.has(rate)) throw new ServeError(ServeErrorCodes.BAD_FORMAT, `browser: sampleRateHertz ${JSON.stringify(message.sampleRateHertz)} (expected 8000, 16000 or 48000)`, { call: id });
      this.startCall(id, [{ channelTag: '0', format: { audioEncoding: 'LINEAR16_PCM', sampleRateHertz: rate } }], true);
      this.reply({ type: 'status', state: 'recognizing', call: id });
      return;
    }
    if (message.type === 'stop' && this.call) return this.endCall();
    throw new ServeError(ServeErrorCodes.BAD_FRAME, `browser: unexpected message ${JSON.stringify(message.type)}`);
  }

  protected onBinary(data: Buffer): void {
    if (!this.call) throw new ServeError(ServeErrorCodes.BAD_FRAME, 'browser: audio before `start`');
    if (!this.stopped) this.writeAudio(0, this.#aligner.push(data));
  }

  protected override closeEndsCall(code: number): boolean {
    return code !== 1006;
  }

  protected override onResult(_track: number, result: RecognitionResult): void {
    if (result.type !== 'final' && result.type !== 'partial') return;
    this.reply({ type: result.type, text: result.text, ...(result.startMs !== undefined && { startMs: result.startMs }), ...(result.endMs !== undefined && { endMs: result.endMs }) });
  }

  protected override onError(code: string, message: string): void {
    this.reply({ type: 'error', code, message });
  }

  protected override onCallEnded(): void {
    this.reply({ type: 'end' });
    super.onCallEnded();
  }
}

function servePage(request: IncomingMessage, response: ServerResponse, options: ResolvedServeOptions): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = (request.url ?? '/').split('?')[0];
  const base = options.path.endsWith('/') ? options.path : `${options.path}/`;
  const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (path === options.path || path === base) {
    response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:" });
    response.end(request.method === 'HEAD' ? undefined : captionsPage(options.path, `${base}captions-worklet.js`));
    return true;
  }
  if (path === `${base}captions-worklet.js`) {
    response.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' });
    response.end(request.method === 'HEAD' ? undefined : CAPTIONS_WORKLET);
    return true;
  }
  response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
  response.end('not found\n');
  return true;
}

/**
 * The captions page at `path` (default `/`) and its WebSocket on the same path: open it in a
 * browser, press Start, speak. Every tab is a call.
 */
export function createBrowserServer(options: ServeOptions): Promise<ServeServer> {
  const resolved = resolveServeOptions(options);
  probeRecognizerOptions(resolved.recognizer, { audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 16000 });
  return startWsServer(
    {
      protocol: 'browser',
      http: servePage,
      connect: (ws: WebSocket, _request: IncomingMessage, hub: CallHub, opts: ResolvedServeOptions) => {
        new BrowserCall(ws, hub, opts);
      },
    },
    resolved,
  );
}
