import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { dialledDigitsPcm, startEmulator } from '../../src/emulator/index.js';
import { closeClients, connect, finals, openCall, PCM8K, runSession, sleep } from './helpers.js';

afterAll(() => closeClients());

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('lifecycle', () => {
  it('records a client cancel as CANCELLED and stops its timers', async () => {
    const emu = await startEmulator({ limits: { idleMs: 150 }, responseDelayMs: 100 });
    try {
      const open = openCall(connect(emu));
      await open.write({ config: { specification: PCM8K } });
      await open.write({ audio_content: dialledDigitsPcm(['1'], { sampleRate: 8000 }) });
      await sleep(30);
      open.call.cancel();
      expect((await open.status).code).toBe(status.CANCELLED);
      await emu.sessions[0]!.ended;
      expect(emu.sessions[0]!.status?.name).toBe('CANCELLED');
      await sleep(250);
      expect(emu.sessions[0]!.status?.name).toBe('CANCELLED');
      expect(emu.sessions[0]!.results).toEqual([]);
    } finally {
      await emu.close();
    }
  });

  it('never mistakes a cancel with audio in flight for a half-close', async () => {
    const emu = await startEmulator();
    try {
      for (let i = 0; i < 10; i++) {
        const open = openCall(connect(emu));
        void open.write({ config: { specification: PCM8K } });
        for (let j = 0; j < 5; j++) void open.write({ audio_content: dialledDigitsPcm(['1'], { sampleRate: 8000, trailMs: 0 }) });
        while (emu.sessions.length <= i) await sleep(1);
        if (i % 2) await sleep(i % 5);
        open.call.cancel();
        await open.status;
        await emu.sessions[i]!.ended;
        expect(emu.sessions[i]!.status?.name).toBe('CANCELLED');
        expect(emu.sessions[i]!.halfClosed).toBe(false);
        expect(emu.sessions[i]!.results).toEqual([]);
      }
    } finally {
      await emu.close();
    }
  });

  it('close() ends active calls with UNAVAILABLE and returns promptly', async () => {
    const emu = await startEmulator();
    const open = openCall(connect(emu));
    await open.write({ config: { specification: PCM8K } });
    await open.write({ audio_content: dialledDigitsPcm(['1'], { sampleRate: 8000, trailMs: 0 }) });
    while (emu.sessions[0]?.messages.length !== 1) await sleep(5);
    const t0 = performance.now();
    await emu.close();
    expect(performance.now() - t0).toBeLessThan(1500);
    const s = await open.status;
    expect(s.code).toBe(status.UNAVAILABLE);
    expect(emu.sessions[0]!.status).toEqual({ code: 14, name: 'UNAVAILABLE', details: 'emulator shutting down' });
    await emu.close();
    const after = await runSession(emu, { spec: PCM8K });
    expect(after.status.code).toBe(status.UNAVAILABLE);
  });

  it('serves concurrent sessions independently', async () => {
    const emu = await startEmulator();
    try {
      const results = await Promise.all(
        ['12', '34', '56', '78'].map((digits) =>
          runSession(emu, { spec: PCM8K, chunks: [dialledDigitsPcm([digits], { sampleRate: 8000 })] }),
        ),
      );
      expect(results.map((r) => finals(r.responses))).toEqual([['12'], ['34'], ['56'], ['78']]);
      expect(emu.sessions.map((s) => s.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    } finally {
      await emu.close();
    }
  });

  it('lets the process exit after close(), even with a call, delays and fault timers in flight', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'speechkit-emulator-exit-'));
    try {
      // Run the emulator's own sources, type-stripped, in a plain Node process: its folders and
      // the one neutral module it shares with the client (src/generated holds only types).
      for (const root of ['emulator', 'vendor']) {
        for (const file of await readdir(join(repo, 'src', root), { recursive: true })) {
          if (!file.endsWith('.ts')) continue;
          const source = await readFile(join(repo, 'src', root, file), 'utf8');
          const js = ts.transpileModule(source, {
            compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
          }).outputText;
          const target = join(dir, 'src', root, file.replace(/\.ts$/, '.js'));
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, js);
        }
      }
      await symlink(join(repo, 'proto'), join(dir, 'proto'));
      await symlink(join(repo, 'node_modules'), join(dir, 'node_modules'));
      await writeFile(join(dir, 'package.json'), '{ "type": "module" }');
      await writeFile(join(dir, 'child.js'), CHILD);
      const t0 = performance.now();
      const child = spawn(process.execPath, ['child.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 8000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      expect({ code, output }).toMatchObject({ code: 0 });
      expect(output).toContain('closed UNAVAILABLE');
      expect(performance.now() - t0).toBeLessThan(6000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const CHILD = `
import { credentials, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { startEmulator, dialledDigitsPcm, EMULATOR_IAM_TOKEN } from './src/emulator/index.js';

const emu = await startEmulator({
  responseDelayMs: 30000,
  limits: { idleMs: 60000 },
  faults: [{ action: 'fail', afterWallMs: 60000 }],
});
const pkg = loadPackageDefinition(loadSync('yandex/cloud/ai/stt/v2/stt_service.proto', {
  keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: ['proto'],
}));
const client = new pkg.yandex.cloud.ai.stt.v2.SttService(emu.address, credentials.createInsecure());
const md = new Metadata();
md.set('authorization', 'Bearer ' + EMULATOR_IAM_TOKEN);
const call = client.StreamingRecognize(md);
call.on('data', () => {});
call.on('error', () => {});
call.write({ config: { specification: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: 8000, partial_results: true } } });
call.write({ audio_content: dialledDigitsPcm(['123'], { sampleRate: 8000 }) });
while (emu.sessions[0]?.messages.length !== 1) await new Promise((r) => setTimeout(r, 5));
await emu.close();
client.close();
console.log('closed ' + emu.sessions[0].status.name);
`;
