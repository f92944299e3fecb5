import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createWebhook, type ErrorLine, type ServeLine } from '../../src/serve/index.js';

/** A real HTTP server on loopback; `answer` decides each request's status (or never answers). */
async function receiver(answer: (body: string, attempt: number) => number | 'hang') {
  const bodies: string[] = [];
  const attempts = new Map<string, number>();
  const hung: ServerResponse[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (text: string) => (body += text));
    request.on('end', () => {
      const attempt = (attempts.get(body) ?? 0) + 1;
      attempts.set(body, attempt);
      const status = answer(body, attempt);
      if (status === 'hang') return void hung.push(response);
      if (status < 300) bodies.push(body);
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    attempts,
    close: () => {
      for (const response of hung) response.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const line = (i: number): ServeLine => ({ call: 'c1', channelTag: '0', type: 'final', text: String(i), startMs: i * 100, endMs: i * 100 + 50 });

describe('webhook', () => {
  it('delivers every line once and in order through a receiver that fails the first attempts', async () => {
    // Each line's first two attempts get 503, the third 200.
    const hook = await receiver((_body, attempt) => (attempt <= 2 ? 503 : 200));
    const errors: ErrorLine[] = [];
    try {
      const webhook = createWebhook({ url: hook.url, retries: 3, retryDelayMs: 5, onError: (e) => errors.push(e) });
      for (let i = 0; i < 20; i++) webhook.send(line(i));
      await webhook.flush();
      expect(hook.bodies.map((b) => (JSON.parse(b) as { text: string }).text)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      expect([...hook.attempts.values()].every((n) => n === 3)).toBe(true);
      expect(errors).toEqual([]);
      expect(webhook.stats).toEqual({ delivered: 20, failed: 0, queued: 0 });
    } finally {
      await hook.close();
    }
  });

  it('gives up after its retries, at once on a 4xx, and on a receiver that never answers; each with an error line', async () => {
    const hook = await receiver((body) => {
      const text = (JSON.parse(body) as { text: string }).text;
      if (text === '1') return 500;
      if (text === '2') return 400;
      if (text === '3') return 'hang';
      return 200;
    });
    const errors: ErrorLine[] = [];
    try {
      const webhook = createWebhook({ url: hook.url, retries: 2, retryDelayMs: 5, timeoutMs: 300, onError: (e) => errors.push(e) });
      for (let i = 0; i < 5; i++) webhook.send(line(i));
      await webhook.flush();
      expect(hook.bodies.map((b) => (JSON.parse(b) as { text: string }).text)).toEqual(['0', '4']);
      const attemptsOf = (i: number) => hook.attempts.get(JSON.stringify(line(i)));
      expect([attemptsOf(1), attemptsOf(2), attemptsOf(3)]).toEqual([3, 1, 3]);
      expect(errors.map((e) => [e.call, e.code])).toEqual([
        ['c1', 'SPEECHKIT_ERR_SERVE_WEBHOOK'],
        ['c1', 'SPEECHKIT_ERR_SERVE_WEBHOOK'],
        ['c1', 'SPEECHKIT_ERR_SERVE_WEBHOOK'],
      ]);
      expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('HTTP 500 after 3'), expect.stringContaining('HTTP 400 after 1 '), expect.stringContaining('no answer in 300 ms')]);
    } finally {
      await hook.close();
    }
  });

  it('holds at most maxQueued lines for a slow receiver and says what it dropped', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hook = await receiver(() => 200);
    const errors: ErrorLine[] = [];
    try {
      // The first request waits on the gate, so the queue fills behind it.
      const slow = createServer((request, response) => {
        request.resume();
        void gate.then(() => response.end());
      });
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      const webhook = createWebhook({ url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, maxQueued: 3, onError: (e) => errors.push(e) });
      for (let i = 0; i < 10; i++) webhook.send(line(i));
      expect(webhook.stats.queued).toBe(3);
      expect(errors).toHaveLength(6);
      release();
      await webhook.flush();
      expect(webhook.stats).toEqual({ delivered: 4, failed: 6, queued: 0 });
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    } finally {
      await hook.close();
    }
  });

  it('refuses a URL that is not http(s), naming the option', () => {
    expect(() => createWebhook({ url: 'ftp://example.test/' })).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option: 'webhook.url' }));
    expect(() => createWebhook({ url: 'not a url' })).toThrow(expect.objectContaining({ option: 'webhook.url' }));
    expect(() => createWebhook({ url: 'http://127.0.0.1/', retries: -1 })).toThrow(expect.objectContaining({ option: 'webhook.retries' }));
  });
});
