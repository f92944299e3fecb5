import { createReadStream, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createRecognizeStream, decodeAudio, type RecognitionResult, type RecognizeStreamOptions } from '../index.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { systemClock } from '../timing/clock.js';
import { CliUsageError, refuseSecretArguments } from './auth.js';
import { EXIT } from './exit-codes.js';
import { LiveView } from './live-view.js';
import { formatResult } from './print.js';
import { meterProgress, pieces, wavTiming, type InputTiming } from './progress.js';
import { RECOGNIZER_ARGS, recognizerOptions } from './recognizer-options.js';
import { sendsAsIs } from './sniff.js';
import { SubtitleTrack, toSrt, toVtt } from './subtitles.js';

/** Enough of the input's start to see its WAV format chunk or Ogg OpusHead. */
const SNIFF_BYTES = 4096;
/** Pieces fed to the recognizer when the input's byte rate is not known (Ogg Opus). */
const PIECE_BYTES = 640;
/** What ffmpeg makes of anything it decodes: 16 kHz 16-bit mono. */
const DECODED_BYTES_PER_SECOND = 32_000;

/** Where output goes; the process's streams unless a test gives others. */
export interface RecognizeIo {
  /** One result line off a terminal (console.log by default). */
  print(line: string): void;
  stdout: { write(text: string): unknown; isTTY?: boolean | undefined; columns?: number | undefined };
  stderr: { write(text: string): unknown; isTTY?: boolean | undefined; columns?: number | undefined };
  /** Resolves on Ctrl-C (SIGINT); by default the process's signal. */
  interrupted?: Promise<void>;
}

const processIo = (): RecognizeIo => ({ print: (line) => console.log(line), stdout: process.stdout, stderr: process.stderr });

function sigint(): { promise: Promise<void>; off: () => void } {
  let off = () => undefined as void;
  const promise = new Promise<void>((resolve) => {
    const first = () => {
      // A second Ctrl-C does not wait for the last final.
      process.once('SIGINT', () => process.exit(EXIT.INTERRUPTED));
      resolve();
    };
    process.once('SIGINT', first);
    off = () => void process.off('SIGINT', first);
  });
  return { promise, off };
}

export async function runRecognize(argv: string[], io: RecognizeIo = processIo()): Promise<number> {
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
      srt: { type: 'string' },
      vtt: { type: 'string' },
      progress: { type: 'boolean' },
      mic: { type: 'boolean', default: false },
      'mic-device': { type: 'string', default: 'default' },
      'mic-format': { type: 'string', default: 'alsa' },
    },
  });
  const file = positionals[0];
  if ((!values.mic && !file) || positionals.length > (values.mic ? 0 : 1)) {
    io.stderr.write('Usage: speechkit-stream recognize FILE|- [options]  or  recognize --mic [options]  (see speechkit-stream --help)\n');
    return EXIT.USAGE;
  }
  if (values.mic && (values.rate !== undefined || values.encoding !== undefined)) throw new CliUsageError('--mic records 16 kHz PCM through ffmpeg: --rate and --encoding do not apply');
  let emulator: Emulator | undefined;
  const signal = io.interrupted ? { promise: io.interrupted, off: () => undefined } : sigint();
  try {
    if (values.emulator) emulator = await startEmulator();
    const options: RecognizeStreamOptions = {
      ...recognizerOptions(values, emulator),
      ...(values.rate !== undefined && { sampleRateHertz: Number(values.rate) }),
      ...(values.encoding !== undefined && { audioEncoding: values.encoding as RecognizeStreamOptions['audioEncoding'] }),
      partialResults: values.partial,
      // A file is read as fast as the recognizer takes it: holding little unsent audio keeps the
      // progress honest and lets Ctrl-C stop close to where it came (a live source holds none anyway).
      maxBufferedMs: 400,
    };
    let input: Readable;
    let timing: InputTiming | undefined;
    if (values.mic) {
      // ffmpeg's capture device: ALSA's or PulseAudio's `default`, or any device ffmpeg names.
      input = decodeAudio(values['mic-device'], { sampleRateHertz: 16000, inputArgs: ['-f', values['mic-format']] });
      options.sampleRateHertz = 16000;
      options.audioEncoding = 'LINEAR16_PCM';
    } else {
      input = file === '-' ? process.stdin : createReadStream(file!);
      const raw = values.rate !== undefined || values.encoding !== undefined;
      let asIs = raw;
      if (!raw) {
        const peeked = await peek(input, SNIFF_BYTES);
        input = peeked.stream;
        asIs = sendsAsIs(peeked.head);
        timing = asIs ? wavTiming(peeked.head) : undefined;
      }
      if (!asIs) {
        // MP3, M4A, WebM, stereo or 44.1 kHz WAV…: ffmpeg makes 16 kHz mono PCM of it.
        const decoded = decodeAudio(input, { sampleRateHertz: 16000 });
        options.sampleRateHertz = decoded.sampleRateHertz;
        options.audioEncoding = 'LINEAR16_PCM';
        input = decoded;
        timing = { bytesPerSecond: DECODED_BYTES_PER_SECOND };
      }
    }
    if (values.opus) options.encode = 'opus';
    const recognizer = createRecognizeStream(options);

    const view = !values.json && io.stdout.isTTY ? new LiveView(io.stdout) : undefined;
    const showProgress = values.progress ?? (!values.mic && file !== '-' && io.stderr.isTTY === true);
    const progressView = showProgress ? (view ?? new LiveView(io.stderr)) : undefined;
    // 20 ms pieces: what the recognizer holds beyond its own bound is then a few hundred ms.
    const pieceBytes = timing ? Math.max(2, Math.round(timing.bytesPerSecond / 50 / 2) * 2) : PIECE_BYTES;
    const source = input.pipe(pieces(pieceBytes));
    input.on('error', (error: Error) => source.destroy(error));
    const stopProgress = progressView && timing ? meterProgress(source, timing, pieceBytes, () => recognizer.writableLength, (text) => progressView.progress(text), systemClock) : undefined;
    if (view) {
      recognizer.on('rollover', (e) => view.note(`· session ${e.fromSession} → ${e.fromSession + 1} (${e.reason}, at ${(e.atMs / 1000).toFixed(1)} s)`));
      recognizer.on('retry', (e) => view.note(`· retry ${e.attempt}: ${e.code}, a new session in ${e.delayMs} ms`));
    }
    const subtitles = values.srt !== undefined || values.vtt !== undefined ? new SubtitleTrack() : undefined;

    let interrupted = false;
    void signal.promise.then(() => {
      // Ctrl-C: no more audio; what was sent is still finalized, then the command ends.
      interrupted = true;
      source.unpipe(recognizer);
      input.destroy();
      if (!recognizer.writableEnded) recognizer.end();
    });
    source.on('error', (error: Error) => recognizer.destroy(error));
    source.pipe(recognizer);

    let lastPartial: string | undefined;
    try {
      for await (const result of recognizer as AsyncIterable<RecognitionResult>) {
        subtitles?.add(result);
        if (view) {
          if (result.type === 'partial') view.partial(result.text);
          else if (result.type === 'final') view.final(result.text);
          else if (result.type === 'refinement') view.note(`  = ${result.text}`);
          continue;
        }
        // Off a terminal, a partial that repeats the last one says nothing new.
        if (!values.json && result.type === 'partial') {
          if (result.text === lastPartial) continue;
          lastPartial = result.text;
        } else if (result.type === 'final') {
          lastPartial = undefined;
        }
        io.print(formatResult(result, values.json));
      }
    } finally {
      stopProgress?.();
      view?.close();
      if (progressView !== view) progressView?.close();
    }
    if (subtitles) {
      const cues = subtitles.cues();
      if (values.srt !== undefined) writeFileSync(values.srt, toSrt(cues));
      if (values.vtt !== undefined) writeFileSync(values.vtt, toVtt(cues));
      if (subtitles.skipped > 0) io.stderr.write(`${subtitles.skipped} final(s) had no times and are not in the subtitles\n`);
    }
    return interrupted ? EXIT.INTERRUPTED : EXIT.OK;
  } finally {
    signal.off();
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
