import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { ServeError, ServeErrorCodes } from './errors.js';
import type { CallHub } from './hub.js';
import { jsonObject, objectField, stringField } from './json-message.js';
import { probeRecognizerOptions } from './hub.js';
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './options.js';
import type { ServeServer } from './server-types.js';
import { WsCall } from './ws-call.js';
import { startWsServer } from './ws-server.js';

/** Twilio's two media flows, and the channel tag each gets. */
const TRACK_TAGS: Record<string, string> = { inbound: '0', outbound: '1' };

/**
 * One Twilio Media Stream (`<Start><Stream>` or `<Connect><Stream>`): `connected`, then `start`
 * with the stream's tracks and `mediaFormat` (8 kHz µ-law mono, as Twilio always sends), then
 * `media` messages with base64 µ-law per track, `dtmf`, `mark`, and `stop`. Each track in `tracks`
 * gets its own recognizer: inbound is channel `'0'`, outbound `'1'`. The call is the `streamSid`.
 * Twilio takes no text from the server, so results go to the lines only.
 */
class TwilioCall extends WsCall {
  #tracks = new Map<string, number>();

  protected onBinary(): void {
    throw new ServeError(ServeErrorCodes.BAD_FRAME, 'twilio: a binary frame (Media Streams sends JSON text only)');
  }

  protected onText(text: string): void {
    const message = jsonObject(text, 'twilio');
    if (this.stopped) return;
    switch (message.event) {
      case 'connected':
        return;
      case 'start':
        return this.#start(message);
      case 'media':
        return this.#media(message);
      case 'dtmf': {
        const dtmf = objectField(message, 'dtmf', 'twilio dtmf');
        const track = typeof dtmf.track === 'string' ? dtmf.track.replace(/_track$/, '') : 'inbound';
        this.#call('dtmf').dtmf(TRACK_TAGS[track] ?? '0', stringField(dtmf, 'digit', 'twilio dtmf'));
        return;
      }
      case 'mark':
        // The echo of a mark a bidirectional stream's server sent; this server sends none.
        return;
      case 'stop':
        this.#call('stop');
        this.endCall();
        return;
      default:
        throw new ServeError(ServeErrorCodes.BAD_FRAME, `twilio: unknown event ${JSON.stringify(message.event)}`);
    }
  }

  #call(event: string) {
    if (!this.call) throw new ServeError(ServeErrorCodes.BAD_FRAME, `twilio: \`${event}\` before \`start\``);
    return this.call;
  }

  #start(message: Record<string, unknown>): void {
    if (this.call) throw new ServeError(ServeErrorCodes.BAD_FRAME, 'twilio: a second `start` on one stream');
    const start = objectField(message, 'start', 'twilio start');
    const streamSid = stringField(start, 'streamSid', 'twilio start');
    const format = objectField(start, 'mediaFormat', 'twilio start');
    if (format.encoding !== 'audio/x-mulaw' || Number(format.sampleRate) !== 8000 || Number(format.channels ?? 1) !== 1) {
      throw new ServeError(ServeErrorCodes.BAD_FORMAT, `twilio: mediaFormat ${JSON.stringify(format)} (expected audio/x-mulaw, 8000 Hz, 1 channel)`, { call: streamSid });
    }
    const names = start.tracks === undefined ? ['inbound'] : start.tracks;
    if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || !(n in TRACK_TAGS)) || new Set(names).size !== names.length) {
      throw new ServeError(ServeErrorCodes.BAD_FRAME, `twilio start: \`tracks\` must list "inbound" and/or "outbound", got ${JSON.stringify(start.tracks)}`, { call: streamSid });
    }
    (names as string[]).forEach((name, index) => this.#tracks.set(name, index));
    this.startCall(
      streamSid,
      (names as string[]).map((name) => ({ channelTag: TRACK_TAGS[name]!, format: { audioEncoding: 'MULAW' as const } })),
    );
  }

  #media(message: Record<string, unknown>): void {
    this.#call('media');
    const media = objectField(message, 'media', 'twilio media');
    const track = this.#tracks.get(typeof media.track === 'string' ? media.track : 'inbound');
    if (track === undefined) throw new ServeError(ServeErrorCodes.BAD_FRAME, `twilio media: track ${JSON.stringify(media.track)} was not in start.tracks`);
    if (typeof media.payload !== 'string') throw new ServeError(ServeErrorCodes.BAD_FRAME, 'twilio media: `payload` must be a base64 string');
    this.writeAudio(track, Buffer.from(media.payload, 'base64'));
  }
}

/** Options of {@link createTwilioServer}. */
export type TwilioServerOptions = ServeOptions;

/**
 * A server for Twilio Media Streams: point a TwiML `<Stream url="wss://…">` at it. Each stream is
 * one call (its `streamSid`); each of its tracks is recognized apart.
 */
export function createTwilioServer(options: TwilioServerOptions): Promise<ServeServer> {
  const resolved = resolveServeOptions(options);
  probeRecognizerOptions(resolved.recognizer, { audioEncoding: 'MULAW' });
  return startWsServer(
    {
      protocol: 'twilio',
      connect: (ws: WebSocket, _request: IncomingMessage, hub: CallHub, opts: ResolvedServeOptions) => {
        new TwilioCall(ws, hub, opts);
      },
    },
    resolved,
  );
}
