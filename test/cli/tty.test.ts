import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pcmToWav } from '../../src/emulator/index.js';
import { dialled } from '../serve/helpers.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).stdout.trim() !== '';

/** What a terminal shows after `output`: carriage return, erase line, newline; colours dropped. */
function screen(output: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  const text = output.replace(new RegExp(`${'\x1b'}\\[[0-9;]*m`, 'g'), '');
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('\x1b[2K', i)) {
      line = [];
      i += 3;
    } else if (text[i] === '\r') col = 0;
    else if (text[i] === '\n') {
      lines.push(line.join(''));
      line = [];
      col = 0;
    } else line[col++] = text[i]!;
  }
  return [...lines, line.join('')];
}

describe('recognize on a terminal', () => {
  it.skipIf(!hasScript)('rewrites the partial in place and scrolls only the finals (under a pseudo-terminal)', () => {
    // dist is what users run; npm test builds it before the tests.
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    const file = join(mkdtempSync(join(tmpdir(), 'speechkit-tty-')), 'call.wav');
    writeFileSync(file, pcmToWav(dialled(['31', '4159'], 16000), 16000));
    // script(1) gives the command a pseudo-terminal for stdout and stderr, as a shell would.
    const output = execFileSync('script', ['-qfec', `node ${MAIN} recognize ${file} --emulator --partial --pace 3 --progress`, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, COLUMNS: '80' },
      timeout: 30_000,
    });
    const erases = output.split('\x1b[2K').length - 1;
    const newlines = output.split('\n').length - 1;
    // Each final scrolls once; every partial and progress update was drawn over the same line.
    expect(screen(output).filter((l) => l.trim() !== '')).toEqual(['31', '4159']);
    expect(newlines).toBe(2);
    expect(erases).toBeGreaterThan(6);
    // Partials did reach the terminal, and the progress ran in the status line.
    expect(output).toContain('\x1b[2K415');
    expect(output).toMatch(/\/ 2\.8 s/);
  });
});
