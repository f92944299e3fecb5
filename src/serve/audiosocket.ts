import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { CallRecognition } from './call.js';
import { AudioSocketKind, AudioSocketReader, describeAudioSocketError, uuidString, type AudioSocketFrame } from './audiosocket-frames.js';
import { codeOf, ServeError, ServeErrorCodes } from './errors.js';
import { CallHub, probeRecognizerOptions } from './hub.js';
import { resolveServeOptions, type ServeOptions } from './options.js';
import type { ServeServer } from './server-types.js';

const FORMAT = { audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 8000 } as const;

/**
 * One AudioSocket connection, one call: the UUID first, then audio, DTMF, and hang-up (or the
 * socket's close, which the protocol counts as the same). A connection reset mid-call is a hang-up
 * error; whatever audio arrived is still recognized.
 */
class AudioSocketCall {
  readonly #reader = new AudioSocketReader();
  #call: CallRecognition | undefined;
  #done = false;

  constructor(
    private readonly socket: Socket,
    private readonly hub: CallHub,
  ) {
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    socket.on('end', () => this.#ended());
    socket.on('error', (error: Error) => this.#lost(error));
    socket.on('close', () => this.#lost());
  }

  #data(chunk: Buffer): void {
    if (this.#done) return;
    try {
      for (const frame of this.#reader.push(chunk)) {
        this.#frame(frame);
        if (this.#done) return;
      }
    } catch (error) {
      this.#reject(codeOf(error), (error as Error).message);
    }
  }

  #frame({ kind, payload }: AudioSocketFrame): void {
    if (kind === AudioSocketKind.UUID) {
      if (this.#call) throw new ServeError(ServeErrorCodes.BAD_FRAME, 'audiosocket: a second UUID frame', { call: this.#call.id });
      if (payload.length !== 16) throw new ServeError(ServeErrorCodes.BAD_FRAME, `audiosocket: a UUID frame of ${payload.length} bytes (expected 16)`);
      this.#call = this.hub.open(uuidString(payload), [{ channelTag: '0', format: FORMAT }]);
      this.#call.onDrain(() => this.socket.resume());
      void this.#call.closed.then(() => this.socket.end());
      return;
    }
    const call = this.#call;
    if (!call) throw new ServeError(ServeErrorCodes.BAD_FRAME, `audiosocket: frame kind 0x${kind.toString(16).padStart(2, '0')} before the UUID frame`);
    switch (kind) {
      case AudioSocketKind.AUDIO:
        if (payload.length % 2 !== 0) throw new ServeError(ServeErrorCodes.BAD_FRAME, `audiosocket: an audio frame of ${payload.length} bytes (16-bit samples come in pairs of bytes)`, { call: call.id });
        if (!call.write(0, payload)) this.socket.pause();
        return;
      case AudioSocketKind.DTMF:
        call.dtmf('0', payload.toString('latin1', 0, 1));
        return;
      case AudioSocketKind.HANGUP:
        this.#done = true;
        void call.finish();
        return;
      case AudioSocketKind.ERROR:
        this.#done = true;
        void call.fail(ServeErrorCodes.HANGUP, `audiosocket: Asterisk reported ${describeAudioSocketError(payload)}`);
        return;
      default:
        if (kind > AudioSocketKind.AUDIO && kind < 0x20) {
          throw new ServeError(ServeErrorCodes.BAD_FORMAT, `audiosocket: audio kind 0x${kind.toString(16)} (only 0x10, signed-linear 8 kHz, is taken: run AudioSocket() with the default slin)`, { call: call.id });
        }
        throw new ServeError(ServeErrorCodes.BAD_FRAME, `audiosocket: unknown frame kind 0x${kind.toString(16).padStart(2, '0')}`, { call: call.id });
    }
  }

  /** The peer's FIN: the protocol's "socket closure is also sufficient" to end a call. */
  #ended(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#reader.pendingBytes > 0) {
      // Cut off mid-frame: the line went, not a peer that speaks the protocol wrong.
      this.#reject(ServeErrorCodes.HANGUP, `audiosocket: the connection ended inside a frame (${this.#reader.pendingBytes} bytes of it)`);
      return;
    }
    void this.#call?.finish();
  }

  /** Reset or closed without a FIN (or after one): only a call still open is a hang-up. */
  #lost(error?: Error): void {
    if (this.#done) return;
    this.#done = true;
    const why = error ? `the connection failed (${(error as { code?: string }).code ?? error.message})` : 'the connection closed';
    if (this.#call) void this.#call.fail(ServeErrorCodes.HANGUP, `audiosocket: ${why} before the call hung up`);
  }

  #reject(code: string, message: string): void {
    this.#done = true;
    if (this.#call) void this.#call.fail(code, message);
    else this.hub.line({ type: 'error', code, message });
    this.socket.resume();
    this.socket.end();
  }
}

/** Options of {@link createAudioSocketServer}; `path` does not apply. */
export type AudioSocketServerOptions = Omit<ServeOptions, 'path' | 'maxReplyBufferBytes' | 'maxMessageBytes'>;

/**
 * A TCP server for Asterisk's AudioSocket (`AudioSocket(${UUID},host:port)` in the dialplan, or
 * the AudioSocket channel driver). Each connection is one call, named by its UUID.
 */
export async function createAudioSocketServer(options: AudioSocketServerOptions): Promise<ServeServer> {
  const resolved = resolveServeOptions(options);
  probeRecognizerOptions(resolved.recognizer, FORMAT);
  const hub = new CallHub(resolved);
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (hub.closing) {
      socket.destroy();
      return;
    }
    new AudioSocketCall(socket, hub);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    protocol: 'audiosocket',
    host: address.address,
    port: address.port,
    url: `tcp://${host}:${address.port}`,
    activeCalls: () => hub.size,
    connections: () => sockets.size,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await hub.close();
        for (const socket of sockets) socket.destroy();
        await stopped;
      })()),
  };
}
