import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../src/audio/ffmpeg.js';

// Its own file, so this worker has never located ffmpeg (prism-media remembers it once found).
const empty = mkdtempSync(join(tmpdir(), 'no-ffmpeg-'));
const path = process.env.PATH;
afterAll(() => {
  process.env.PATH = path;
  rmSync(empty, { recursive: true, force: true });
});

describe('decodeAudio() without ffmpeg', () => {
  it('fails with SPEECHKIT_ERR_FFMPEG_MISSING and says how to install it', async () => {
    process.env.PATH = empty;
    const cwd = process.cwd();
    // prism-media also looks in the working directory.
    process.chdir(empty);
    try {
      await expect(buffer(decodeAudio('talk.mp3'))).rejects.toMatchObject({
        code: 'SPEECHKIT_ERR_FFMPEG_MISSING',
        message: expect.stringMatching(/apt-get install ffmpeg.*brew install ffmpeg/),
      });
    } finally {
      process.chdir(cwd);
    }
  });
});
