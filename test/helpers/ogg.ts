import { execFileSync, spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { encodeOggOpus } from '../../src/audio/ogg-opus-encoder.js';
import { parsePage, patchPage, type OggPage } from '../../src/audio/ogg-page.js';

export { encodeOggOpus };

/** Every page of an Ogg stream, with where it starts. */
export function pagesOf(ogg: Buffer): (OggPage & { offset: number })[] {
  const pages: (OggPage & { offset: number })[] = [];
  for (let offset = 0; offset < ogg.length; ) {
    const page = parsePage(ogg, offset, pages.length);
    if (!page) throw new Error(`incomplete page at ${offset}`);
    pages.push({ ...page, offset });
    offset += page.length;
  }
  return pages;
}

/** Sets a page's header fields and recomputes its CRC (for making deliberately odd streams). */
export function rewritePage(ogg: Buffer, page: OggPage & { offset: number }, fields: Partial<{ flags: number; granule: bigint; serial: number; sequence: number }>): void {
  patchPage(ogg, page.offset, {
    flags: fields.flags ?? page.flags,
    granule: fields.granule ?? page.granule,
    serial: fields.serial ?? page.serial,
    sequence: fields.sequence ?? page.sequence,
  });
}

const toolCache = new Map<string, boolean>();

/** Whether a system program runs at all. */
export function hasTool(name: string): boolean {
  if (!toolCache.has(name)) toolCache.set(name, spawnSync(name, ['-version'], { stdio: 'ignore' }).error === undefined);
  return toolCache.get(name)!;
}

/**
 * Skips loudly: the reason goes to stderr when the file loads and into the test's title, so a
 * machine without the tool never passes quietly. CI installs the tools (.ci/run).
 */
export function needs(tool: 'ffmpeg' | 'opusenc'): { skip: boolean; note: string } {
  if (hasTool(tool)) return { skip: false, note: '' };
  const pkg = tool === 'opusenc' ? 'opus-tools' : 'ffmpeg';
  const note = ` [SKIPPED: ${tool} is not installed; apt-get install ${pkg}]`;
  process.stderr.write(`\n!!! ${note.trim()} — tests that need it do not run here\n\n`);
  return { skip: true, note };
}

/** PCM encoded to Ogg Opus by the system's ffmpeg (libopus) or opusenc. */
export function externalOggOpus(pcm: Buffer, sampleRate: number, tool: 'ffmpeg' | 'opusenc'): Buffer {
  if (tool === 'ffmpeg') {
    return execFileSync('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0', '-c:a', 'libopus', '-f', 'ogg', 'pipe:1'], {
      input: pcm,
      maxBuffer: 1 << 30,
    });
  }
  return execFileSync('opusenc', ['--quiet', '--raw', '--raw-rate', String(sampleRate), '--raw-chan', '1', '-', '-'], { input: pcm, maxBuffer: 1 << 30 });
}

/** Any format ffmpeg writes, from PCM (for decodeAudio tests). */
export function ffmpegEncode(pcm: Buffer, sampleRate: number, outputArgs: string[]): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0', ...outputArgs, 'pipe:1'], {
    input: pcm,
    maxBuffer: 1 << 30,
  });
}

/**
 * Writes `audio` the way a file or socket delivers it, one piece per event-loop turn, so the
 * stream hears the service between pieces; collects every result until the stream ends.
 */
export async function recognizeFromSource(stream: RecognizeStream, audio: Buffer, writeBytes: number): Promise<RecognitionResult[]> {
  const results: RecognitionResult[] = [];
  async function* pieces() {
    for (let at = 0; at < audio.length; at += writeBytes) {
      await new Promise((resolve) => setImmediate(resolve));
      yield audio.subarray(at, at + writeBytes);
    }
  }
  await pipeline(Readable.from(pieces()), stream, async (source: AsyncIterable<RecognitionResult>) => {
    for await (const r of source) results.push(r);
  });
  return results;
}
