import type { ChildProcess } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import prism from 'prism-media';
import { ErrorCodes, invalidAudio, invalidOption, SpeechKitError } from '../errors.js';

/** Options of {@link decodeAudio}. */
export interface DecodeAudioOptions {
  /** Rate of the PCM produced: 8000, 16000 (default) or 48000. */
  sampleRateHertz?: 8000 | 16000 | 48000;
  /** ffmpeg options placed before the input, for input ffmpeg cannot identify alone (e.g. `['-f', 'mulaw', '-ar', '8000']`). */
  inputArgs?: string[];
}

/** The PCM `decodeAudio()` produces: 16-bit little-endian mono at `sampleRateHertz`. */
export interface DecodedAudio extends Readable {
  /** The PCM's rate: pass it on as the stream's `sampleRateHertz`. */
  readonly sampleRateHertz: 8000 | 16000 | 48000;
}

const RATES = [8000, 16000, 48000];
/** Enough of ffmpeg's complaints to say what went wrong, bounded. */
const STDERR_KEPT = 4096;

/**
 * Any file, URL or stream ffmpeg can read (MP3, M4A/AAC, WebM, Ogg Vorbis or Opus, FLAC, WAV of any
 * rate or layout, video files' audio…) as the PCM SpeechKit takes: 16-bit little-endian mono at
 * `sampleRateHertz`. Uses prism-media's FFmpeg with the system's `ffmpeg`.
 *
 * Errors arrive on the returned stream: `SPEECHKIT_ERR_FFMPEG_MISSING` when ffmpeg is not
 * installed, `SPEECHKIT_ERR_INVALID_AUDIO` with ffmpeg's own message when it cannot decode the input.
 *
 * ```js
 * const audio = decodeAudio('talk.mp3');
 * await pipeline(audio, createRecognizeStream({ auth, sampleRateHertz: audio.sampleRateHertz }), consume);
 * ```
 */
export function decodeAudio(input: string | Readable, options: DecodeAudioOptions = {}): DecodedAudio {
  const { sampleRateHertz = 16000, inputArgs = [] } = options;
  if (!RATES.includes(sampleRateHertz)) throw invalidOption('sampleRateHertz', 'one of 8000, 16000, 48000', sampleRateHertz);
  if (!Array.isArray(inputArgs) || inputArgs.some((a) => typeof a !== 'string')) throw invalidOption('inputArgs', 'an array of strings', inputArgs);
  if (typeof input !== 'string' && !(input instanceof Readable)) throw invalidOption('input', 'a file path or a Readable', input);

  const out = new PassThrough() as PassThrough & { sampleRateHertz: 8000 | 16000 | 48000 };
  Object.defineProperty(out, 'sampleRateHertz', { value: sampleRateHertz, enumerable: true });
  let child: ChildProcess;
  try {
    const args = [
      '-hide_banner', '-nostats', '-loglevel', 'error',
      ...inputArgs, '-i', typeof input === 'string' ? input : 'pipe:0',
      '-map', '0:a:0', '-vn', '-ac', '1', '-ar', String(sampleRateHertz), '-acodec', 'pcm_s16le', '-f', 's16le',
    ];
    const ffmpeg = new prism.FFmpeg({ args });
    // prism re-emits stdio errors on its own object; the child's exit status below is what counts.
    ffmpeg.on('error', () => {});
    child = ffmpeg.process;
  } catch (error) {
    process.nextTick(() => out.destroy(ffmpegMissing(error)));
    return out;
  }

  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEPT);
  });
  child.stdout!.pipe(out, { end: false });
  let settled = false;
  child.on('error', (error: NodeJS.ErrnoException) => {
    if (settled) return;
    settled = true;
    out.destroy(error.code === 'ENOENT' ? ffmpegMissing(error) : error);
  });
  child.on('close', (code, signal) => {
    if (settled) return;
    settled = true;
    if (code === 0) {
      out.end();
      return;
    }
    const detail = stderr.trim().split('\n').filter(Boolean).slice(-3).join('; ') || (signal ? `killed by ${signal}` : `exit code ${code}`);
    const what = typeof input === 'string' ? `"${input}"` : 'the input stream';
    out.destroy(invalidAudio(`ffmpeg could not decode ${what}: ${detail}`));
  });
  out.on('close', () => {
    // The reader went away (or an error ended it): stop ffmpeg and stop feeding it.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (typeof input !== 'string') input.unpipe(child.stdin!);
  });
  if (typeof input !== 'string') {
    // ffmpeg may stop reading early (it has what it needs, or gave up): EPIPE is not our error.
    child.stdin!.on('error', () => {});
    input.on('error', (error) => {
      if (!settled) {
        settled = true;
        out.destroy(error);
      }
    });
    input.pipe(child.stdin!);
  }
  return out;
}

function ffmpegMissing(cause: unknown): SpeechKitError {
  return new SpeechKitError(
    ErrorCodes.FFMPEG_MISSING,
    'decodeAudio() needs ffmpeg, and it is not installed or not on PATH. Install it: Debian/Ubuntu `apt-get install ffmpeg`, ' +
      'Fedora `dnf install ffmpeg`, macOS `brew install ffmpeg`, Windows `winget install ffmpeg`; or decode the audio to ' +
      '16-bit mono WAV yourself',
    { cause },
  );
}
