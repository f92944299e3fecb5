import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createRecognizeStream, decodeAudio, type RecognitionResult, type RecognizeStreamOptions } from '../index.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { refuseSecretArguments } from './auth.js';
import { formatResult } from './print.js';
import { RECOGNIZER_ARGS, recognizerOptions } from './recognizer-options.js';
import { sendsAsIs } from './sniff.js';

/** Enough of the input's start to see its WAV format chunk or Ogg OpusHead. */
const SNIFF_BYTES = 4096;

export async function runRecognize(argv: string[]): Promise<number> {
  refuseSecretArguments(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...RECOGNIZER_ARGS,
      rate: { type: 'string' },
      encoding: { type: 'string' },
      opus: { type: 'boolean', default: false },
      partial: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error('Usage: speechkit-stream recognize FILE|- [options]  (see speechkit-stream --help)');
    return 2;
  }
  let emulator: Emulator | undefined;
  try {
    if (values.emulator) emulator = await startEmulator();
    const options: RecognizeStreamOptions = {
      ...recognizerOptions(values, emulator),
      ...(values.rate !== undefined && { sampleRateHertz: Number(values.rate) }),
      ...(values.encoding !== undefined && { audioEncoding: values.encoding as RecognizeStreamOptions['audioEncoding'] }),
      partialResults: values.partial,
    };
    let input: Readable = file === '-' ? process.stdin : createReadStream(file);
    const raw = values.rate !== undefined || values.encoding !== undefined;
    let asIs = raw;
    if (!raw) {
      const peeked = await peek(input, SNIFF_BYTES);
      input = peeked.stream;
      asIs = sendsAsIs(peeked.head);
    }
    if (!asIs) {
      // MP3, M4A, WebM, stereo or 44.1 kHz WAV…: ffmpeg makes 16 kHz mono PCM of it.
      const decoded = decodeAudio(input, { sampleRateHertz: 16000 });
      options.sampleRateHertz = decoded.sampleRateHertz;
      options.audioEncoding = 'LINEAR16_PCM';
      input = decoded;
    }
    if (values.opus) options.encode = 'opus';
    const recognizer = createRecognizeStream(options);
    await pipeline(input, recognizer, async (results: AsyncIterable<RecognitionResult>) => {
      for await (const result of results) console.log(formatResult(result, values.json));
    });
    return 0;
  } finally {
    await emulator?.close();
  }
}

/** The first `bytes` of a stream (fewer if it ends first), and a stream that still yields all of it. */
async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const parts: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    parts.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(parts);
  async function* all() {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, stream: Readable.from(all()) };
}
