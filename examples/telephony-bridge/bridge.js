// @ts-check
/**
 * A telephony bridge: a TCP server that takes many concurrent calls, pipes each call's audio into
 * its own recognizer and sends the results back to the caller as JSON lines.
 *
 * The protocol, one TCP connection per call:
 *
 *   caller → bridge   one header line of JSON, then raw audio until the caller half-closes:
 *                     {"call":"c-17","encoding":"MULAW"}\n<µ-law bytes …>
 *                     encoding: MULAW | ALAW (G.711, 8 kHz) | LINEAR16_PCM (with sampleRateHertz)
 *   bridge → caller   one JSON line per result, then {"type":"end"} and the bridge closes:
 *                     {"call":"c-17","type":"final","text":"123","startMs":310,"endMs":760}
 *                     or {"call":"c-17","type":"error","code":"SPEECHKIT_ERR_…","message":"…"}
 *
 * A media server (an Asterisk AudioSocket or FreeSWITCH fork, a Twilio media stream relay, an RTP
 * gateway) writes each call's packets as they arrive, typically 20 ms at a time. The recognizers
 * share gRPC connections, credentials and the session-start limiter; nothing per call but the
 * stream itself.
 */
import { createServer } from 'node:net';
import { createRecognizeStream, SpeechKitError } from 'speechkit-stream';

/** Longest header line accepted, in bytes. */
const MAX_HEADER_BYTES = 4096;
const ENCODINGS = new Set(['MULAW', 'ALAW', 'LINEAR16_PCM']);

/**
 * @typedef {object} BridgeOptions
 * @property {import('speechkit-stream').RecognizeStreamOptions} recognizer options every call's
 *   recognizer starts from (auth, endpoint, languageCode, …); the call's header adds the audio format
 * @property {number} [port] TCP port, default 0 (any free port)
 * @property {string} [host] interface, default 127.0.0.1
 * @property {(line: string) => void} [log] receives one line per call event
 */

/**
 * @typedef {object} Bridge
 * @property {number} port
 * @property {string} host
 * @property {() => number} activeCalls calls connected now
 * @property {() => Promise<void>} close stops taking calls and ends the ones in progress
 */

/**
 * Starts the bridge.
 * @param {BridgeOptions} options
 * @returns {Promise<Bridge>}
 */
export async function startBridge(options) {
  const log = options.log ?? (() => {});
  /** @type {Set<import('node:net').Socket>} */
  const calls = new Set();
  // Half-open: the caller's FIN ends its audio, and the results still have a way back.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, function onCall(socket) {
    calls.add(socket);
    socket.on('close', () => calls.delete(socket));
    readHeader(socket, (header, rest) => recognizeCall(socket, header, rest, options.recognizer, log));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port: address.port,
    host: address.address,
    activeCalls: () => calls.size,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        for (const socket of calls) socket.destroy();
      }),
  };
}

/**
 * Reads the header line, then hands over the header and whatever audio came with it.
 * @param {import('node:net').Socket} socket
 * @param {(header: Record<string, unknown>, rest: Buffer) => void} onHeader
 */
function readHeader(socket, onHeader) {
  /** @type {Buffer[]} */
  const parts = [];
  let bytes = 0;
  /** @param {Buffer} chunk */
  const onData = (chunk) => {
    const newline = chunk.indexOf(0x0a);
    if (newline < 0) {
      parts.push(chunk);
      bytes += chunk.length;
      if (bytes > MAX_HEADER_BYTES) refuse(socket, undefined, 'BRIDGE_BAD_HEADER', `no header line in the first ${MAX_HEADER_BYTES} bytes`);
      return;
    }
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.pause();
    const line = Buffer.concat([...parts, chunk.subarray(0, newline)]).toString('utf8');
    let header;
    try {
      header = JSON.parse(line);
    } catch {
      return refuse(socket, undefined, 'BRIDGE_BAD_HEADER', 'the header line is not JSON');
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) {
      return refuse(socket, undefined, 'BRIDGE_BAD_HEADER', 'the header line must be a JSON object');
    }
    onHeader(header, chunk.subarray(newline + 1));
  };
  const onEnd = () => refuse(socket, undefined, 'BRIDGE_BAD_HEADER', 'the call ended before its header line');
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', () => socket.destroy());
}

/**
 * One call: its audio into a recognizer, the recognizer's results back as JSON lines.
 * @param {import('node:net').Socket} socket
 * @param {Record<string, unknown>} header
 * @param {Buffer} rest audio that arrived with the header
 * @param {import('speechkit-stream').RecognizeStreamOptions} base
 * @param {(line: string) => void} log
 */
function recognizeCall(socket, header, rest, base, log) {
  const call = typeof header.call === 'string' ? header.call : undefined;
  const encoding = header.encoding ?? 'MULAW';
  if (typeof encoding !== 'string' || !ENCODINGS.has(encoding)) {
    return refuse(socket, call, 'BRIDGE_BAD_HEADER', `encoding must be one of ${[...ENCODINGS].join(', ')}`);
  }
  let recognizer;
  try {
    recognizer = createRecognizeStream({
      ...base,
      audioEncoding: /** @type {'MULAW' | 'ALAW' | 'LINEAR16_PCM'} */ (encoding),
      ...(header.sampleRateHertz !== undefined && { sampleRateHertz: /** @type {number} */ (header.sampleRateHertz) }),
    });
  } catch (error) {
    // A bad option from the header (say, sampleRateHertz 44100): the caller hears why.
    const e = /** @type {SpeechKitError} */ (error);
    return refuse(socket, call, e.code ?? 'BRIDGE_BAD_HEADER', e.message);
  }
  log(`call ${call ?? '?'}: ${encoding}`);
  const send = (/** @type {object} */ message) => socket.write(`${JSON.stringify({ call, ...message })}\n`);

  recognizer.on('data', function onResult(/** @type {import('speechkit-stream').RecognitionResult} */ result) {
    const ok = send({ type: result.type, text: result.text, startMs: result.startMs, endMs: result.endMs });
    // A caller that does not read its results slows its own recognizer, nobody else's.
    if (!ok) {
      recognizer.pause();
      socket.once('drain', () => recognizer.resume());
    }
  });
  recognizer.on('end', function onRecognizerEnd() {
    log(`call ${call ?? '?'}: done`);
    socket.end(`${JSON.stringify({ call, type: 'end' })}\n`);
  });
  recognizer.on('error', function onRecognizerError(/** @type {Error} */ error) {
    const code = error instanceof SpeechKitError ? error.code : 'BRIDGE_INTERNAL';
    log(`call ${call ?? '?'}: ${code} ${error.message}`);
    if (socket.writable) socket.end(`${JSON.stringify({ call, type: 'error', code, message: error.message })}\n`);
    socket.resume(); // discard the rest of the call's audio until it hangs up
  });
  // The caller vanished (reset, or closed both ways before its results): stop recognizing.
  socket.on('close', () => {
    if (!recognizer.readableEnded) recognizer.destroy();
  });
  if (rest.length > 0) recognizer.write(rest);
  // pipe() carries backpressure: while the recognizer holds its buffer bound, the socket stops
  // reading and TCP slows the caller. The caller's FIN ends the audio (recognizer.end()).
  socket.pipe(recognizer);
  socket.resume();
}

/**
 * Answers with one error line and closes.
 * @param {import('node:net').Socket} socket
 * @param {string | undefined} call
 * @param {string} code
 * @param {string} message
 */
function refuse(socket, call, code, message) {
  socket.removeAllListeners('data');
  if (socket.writable) socket.end(`${JSON.stringify({ call, type: 'error', code, message })}\n`);
  socket.resume(); // drain whatever else the caller sends until it closes
}
