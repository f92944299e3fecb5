import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeFailure, exchangeJwt, IAM_TIMEOUT_MS } from '../../src/auth/iam-exchange.js';
import { systemClock } from '../../src/timing/clock.js';
import { resolveCa } from '../../src/transport/tls.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { flushMicrotasks } from '../helpers/fake-transport.js';

const JWT = 'eyJhbGciOiJQUzI1NiJ9.eyJpc3MiOiJzYSJ9.c2lnbmF0dXJlLXRoYXQtaXMtYS1zZWNyZXQtMDEyMzQ1Njc4OQ';
const KEY_LINE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secretline';
const fixtures = new URL('../fixtures/tls/', import.meta.url);

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A local IAM stand-in that answers with `answer`; records what it was sent. */
async function iam(answer: (req: IncomingMessage, body: string, res: ServerResponse) => void, tls = false): Promise<{ url: URL; bodies: string[] }> {
  const bodies: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      answer(req, body, res);
    });
  };
  server = tls
    ? createHttpsServer({ cert: readFileSync(new URL('server.pem', fixtures)), key: readFileSync(new URL('server-key.pem', fixtures)) }, handler)
    : createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`${tls ? 'https' : 'http'}://127.0.0.1:${port}/iam/v1/tokens`), bodies };
}

async function failure(promise: Promise<unknown>): Promise<ExchangeFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExchangeFailure);
    return error as ExchangeFailure;
  }
  throw new Error('expected a failure');
}

const target = (url: URL) => ({ url, ca: undefined, clock: systemClock });

describe('IAM token exchange over HTTP', () => {
  it('posts {"jwt"} as JSON and reads iamToken and a nanosecond expiresAt', async () => {
    const { url, bodies } = await iam((req, _body, res) => {
      expect(req.method).toBe('POST');
      expect(req.headers['content-type']).toBe('application/json');
      res.end(JSON.stringify({ iamToken: 't1.issued-token', expiresAt: '2030-01-01T12:00:00.123456789Z' }));
    });
    const token = await exchangeJwt(target(url), JWT, []);
    expect(token).toEqual({ token: 't1.issued-token', expiresAtMs: Date.UTC(2030, 0, 1, 12, 0, 0, 123) });
    expect(JSON.parse(bodies[0]!)).toEqual({ jwt: JWT });
  });

  it.each([
    [401, false, /HTTP 401 \(the service-account key was refused/],
    [400, false, /HTTP 400/],
    [429, true, /HTTP 429/],
    [500, true, /HTTP 500/],
    [503, true, /HTTP 503/],
  ])('HTTP %i is a failure (transient: %s) quoting IAM\'s message scrubbed of the JWT and the key', async (status, transient, message) => {
    const { url } = await iam((_req, body, res) => {
      res.statusCode = status;
      res.end(JSON.stringify({ code: 16, message: `bad jwt ${JSON.parse(body).jwt} signed by ${KEY_LINE}`, details: [] }));
    });
    const error = await failure(exchangeJwt(target(url), JWT, [KEY_LINE]));
    expect(error.transient).toBe(transient);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/bad jwt <redacted> signed by <redacted>/);
    for (const part of [JWT, ...JWT.split('.').slice(1), KEY_LINE]) expect(error.message).not.toContain(part.slice(8, 24));
  });

  it.each([
    ['HTML', '<html>oops ' + JWT + '</html>', /not IAM's JSON/],
    ['JSON that is not an object', '"t1.token"', /not IAM's JSON/],
    ['no token', '{"expiresAt":"2030-01-01T00:00:00Z"}', /without a usable "iamToken"/],
    ['a token with a space', '{"iamToken":"t1 x","expiresAt":"2030-01-01T00:00:00Z"}', /without a usable "iamToken"/],
    ['no expiry', '{"iamToken":"t1.x"}', /without a valid "expiresAt"/],
    ['an expiry that is not RFC 3339', '{"iamToken":"t1.x","expiresAt":"Jan 1 2030"}', /without a valid "expiresAt"/],
  ])('HTTP 200 with %s is a transient failure that never quotes the body', async (_name, body, message) => {
    const { url } = await iam((_req, _body, res) => res.end(body));
    const error = await failure(exchangeJwt(target(url), JWT, []));
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('oops');
    expect(error.message).not.toContain('t1');
  });

  it('refuses an answer larger than 64 KiB', async () => {
    const { url } = await iam((_req, _body, res) => res.end(`{"iamToken":"${'x'.repeat(100_000)}"}`));
    expect((await failure(exchangeJwt(target(url), JWT, []))).message).toMatch(/larger than 65536 bytes/);
  });

  it('gives up on a silent endpoint after the timeout, on the injected clock', async () => {
    const { url } = await iam(() => {});
    const clock = new FakeClock();
    const pending = failure(exchangeJwt({ url, ca: undefined, clock }, JWT, []));
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(IAM_TIMEOUT_MS);
    await flushMicrotasks();
    const error = await pending;
    expect(error.transient).toBe(true);
    expect(error.message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within 15000 ms/);
  });

  it('over https verifies the server: trusted with the right CA, refused (not worth retrying) without it', async () => {
    const { url } = await iam((_req, _body, res) => res.end(JSON.stringify({ iamToken: 't1.tls', expiresAt: '2030-01-01T00:00:00Z' })), true);
    const ca = resolveCa(readFileSync(new URL('ca.pem', fixtures)));
    expect((await exchangeJwt({ url, ca, clock: systemClock }, JWT, [])).token).toBe('t1.tls');
    const untrusted = await failure(exchangeJwt(target(url), JWT, []));
    expect(untrusted.transient).toBe(false);
    expect(untrusted.message).toMatch(/could not reach https:\/\/127\.0\.0\.1:\d+: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)/);
    const other = resolveCa(readFileSync(new URL('other-ca.pem', fixtures)));
    expect((await failure(exchangeJwt({ url, ca: other, clock: systemClock }, JWT, []))).transient).toBe(false);
  });
});
