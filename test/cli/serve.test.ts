import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runServe } from '../../src/cli/serve.js';
import { pcmToG711 } from '../../src/emulator/index.js';
import { dialled, sendAll, wsClient } from '../serve/helpers.js';

describe('speechkit-stream serve', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--protocol twilio --emulator --webhook: NDJSON on stdout, the same lines POSTed through a receiver that fails first', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void stdout.push(args.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void stderr.push(args.join(' ')));
    // The webhook answers 503 to every line's first attempt.
    const posted: string[] = [];
    const seen = new Set<string>();
    const hook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const again = seen.has(body);
        seen.add(body);
        if (again) posted.push(body);
        response.writeHead(again ? 204 : 503).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const run = runServe(['--protocol', 'twilio', '--emulator', '--pace', '0', '--webhook', `http://127.0.0.1:${(hook.address() as AddressInfo).port}/lines`], stopped);
    try {
      await expect.poll(() => stderr.join('\n')).toMatch(/serve: twilio on ws:\/\/127\.0\.0\.1:\d+\//);
      const url = /on (ws:\/\/\S+)/.exec(stderr.join('\n'))![1]!;
      const client = wsClient(url);
      await client.opened;
      client.ws.send(JSON.stringify({ event: 'start', start: { streamSid: 'MZcli', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }));
      await sendAll((frame) => client.ws.send(JSON.stringify({ event: 'media', media: { track: 'inbound', payload: frame.toString('base64') } })), pcmToG711(dialled(['5150', '64'], 8000), 'MULAW'), 160);
      client.ws.send(JSON.stringify({ event: 'stop' }));
      await client.closed;
      await expect.poll(() => stdout.some((l) => l.includes('"type":"end"'))).toBe(true);
      const lines = stdout.map((l) => JSON.parse(l) as { type: string; text?: string; call?: string });
      expect(lines.filter((l) => l.type === 'final').map((l) => l.text)).toEqual(['5150', '64']);
      expect(lines.every((l) => l.call === 'MZcli')).toBe(true);
      // Every line reached the webhook on its second attempt, in order.
      await expect.poll(() => posted.length).toBe(stdout.length);
      expect(posted).toEqual(stdout);
    } finally {
      stop();
      expect(await run).toBe(0);
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });

  it('refuses an unknown protocol, and protocol options where they do not apply', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await runServe(['--protocol', 'sip'])).toBe(2);
    await expect(runServe(['--protocol', 'twilio', '--mix', 'stereo', '--emulator'])).rejects.toThrow(/audio-fork only/);
    await expect(runServe(['--protocol', 'jambonz', '--api-key', 'x'])).rejects.toThrow(/not accepted/);
  });
});
