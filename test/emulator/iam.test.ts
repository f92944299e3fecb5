import { constants, createPrivateKey, sign } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceAccountKey, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { closeClients, connect, openCall, PCM8K } from './helpers.js';

const key = createServiceAccountKey({ serviceAccountId: 'ajesaserviceaccount1', keyId: 'ajekeykeykeykey00001' });
const privateKey = createPrivateKey(key.private_key.slice(key.private_key.indexOf('-----BEGIN')));
let emu: Emulator;
const lines: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ iam: { keys: [key] }, logger: (l) => lines.push(l) });
});
afterAll(async () => {
  closeClients();
  await emu.close();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT built here, independently of the client, with any field overridden. */
function jwt(overrides: { header?: Record<string, unknown>; claims?: Record<string, unknown>; saltLength?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'PS256', kid: key.id, ...overrides.header };
  const claims = { iss: key.service_account_id, aud: emu.iam!.endpoint, iat: now, exp: now + 600, ...overrides.claims };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: overrides.saltLength ?? 32,
  });
  return `${input}.${signature.toString('base64url')}`;
}

async function post(body: unknown, init: { method?: string; contentType?: string; path?: string } = {}) {
  const url = init.path ? new URL(init.path, emu.iam!.endpoint) : emu.iam!.endpoint;
  const res = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': init.contentType ?? 'application/json' },
    ...(init.method !== 'GET' && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function sessionWith(token: string) {
  const open = openCall(connect(emu), { authorization: `Bearer ${token}` });
  await open.write({ config: { specification: PCM8K } });
  open.end();
  return open.status;
}

describe('emulator IAM token endpoint', () => {
  it('exchanges a valid JWT for a token the gRPC side accepts, with IAM\'s answer format', async () => {
    const before = emu.iam!.exchanges.length;
    const answer = await post({ jwt: jwt() });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ iamToken: expect.stringMatching(/^t1\.emu\.[A-Za-z0-9_-]{64}$/), expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/) });
    const expires = Date.parse(String(answer.json!.expiresAt).replace(/(\.\d{3})\d+/, '$1'));
    expect(expires - Date.now()).toBeGreaterThan(12 * 3_600_000 - 10_000);
    expect((await sessionWith(String(answer.json!.iamToken))).code).toBe(status.OK);
    expect(emu.iam!.exchanges.slice(before)).toEqual([
      { at: expect.any(Number), ok: true, keyId: key.id, serviceAccountId: key.service_account_id, expiresAt: answer.json!.expiresAt },
    ]);
    // Neither the token nor the JWT is kept or logged.
    expect(JSON.stringify(emu.iam!.exchanges)).not.toContain(String(answer.json!.iamToken));
    expect(lines.join('\n')).not.toContain(String(answer.json!.iamToken).slice(7));
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refusals: [string, () => string, RegExp][] = [
    ['alg other than PS256', () => jwt({ header: { alg: 'RS256' } }), /alg must be PS256/],
    ['typ other than JWT', () => jwt({ header: { typ: 'JWS' } }), /typ must be JWT/],
    ['no kid', () => jwt({ header: { kid: undefined } }), /kid .* is missing/],
    ['an unknown kid', () => jwt({ header: { kid: 'ajeunknownkey0000000' } }), /unknown key ID/],
    ['Node\'s default (maximum) PSS salt', () => jwt({ saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }), /signature does not verify/],
    ['a tampered claim', () => { const [h, , s] = jwt().split('.'); return `${h}.${b64({ iss: key.service_account_id, aud: emu.iam!.endpoint, iat: now(), exp: now() + 60 })}.${s}`; }, /signature does not verify/],
    ['another account as iss', () => jwt({ claims: { iss: 'ajeotheraccount00000' } }), /iss is not the service account/],
    ['the wrong aud', () => jwt({ claims: { aud: 'https://iam.api.cloud.yandex.net/iam/v1/tokens' } }), /aud must be http:\/\/127\.0\.0\.1/],
    ['an expired JWT', () => jwt({ claims: { iat: now() - 700, exp: now() - 100 } }), /jwt: expired/],
    ['a life over an hour', () => jwt({ claims: { exp: now() + 3_601 } }), /exp - iat exceeds 3600 s/],
    ['an iat in the future', () => jwt({ claims: { iat: now() + 900, exp: now() + 1_000 } }), /iat is in the future/],
    ['iat as a string', () => jwt({ claims: { iat: String(now()) } }), /iat and exp must be numbers/],
  ];
  it.each(refusals)('refuses %s with HTTP 401 and code 16', async (_name, make, message) => {
    const answer = await post({ jwt: make() });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code: 16, message: expect.stringMatching(message), details: [] });
    expect(emu.iam!.exchanges.at(-1)).toMatchObject({ ok: false, error: expect.stringMatching(message) });
  });

  it.each([
    ['not a JWS', { jwt: 'abc.def' }, /not a compact JWS/],
    ['an empty jwt', { jwt: '' }, /jwt: required/],
    ['parts that are not JSON', { jwt: 'YWJj.ZGVm.Z2hp' }, /not base64url JSON objects/],
    ['a jwt over 8000 characters', { jwt: 'a'.repeat(8001) }, /longer than 8000/],
    ['no jwt', { something: 1 }, /jwt: required/],
    ['an OAuth token', { yandexPassportOauthToken: 'y0_x' }, /service-account JWTs only/],
  ])('answers %s with HTTP 400 and code 3', async (_name, body, message) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 3, message: expect.stringMatching(message) });
  });

  it('speaks only POST JSON on its path', async () => {
    expect((await post('{"jwt":"x"}', { contentType: 'text/plain' })).status).toBe(400);
    expect((await post('{not json', {})).json).toMatchObject({ code: 3, message: 'the body is not JSON' });
    expect((await post(undefined, { method: 'GET' })).status).toBe(405);
    expect((await post({ jwt: jwt() }, { path: '/iam/v1/tokens:revoke' })).status).toBe(404);
    expect((await post('x'.repeat(20_000))).status).toBe(413);
  });

  it('tokens expire after the lifetime tests set, and are then refused at session start', async () => {
    emu.iam!.tokenLifetimeMs = 300;
    try {
      const answer = await post({ jwt: jwt() });
      const token = String(answer.json!.iamToken);
      expect((await sessionWith(token)).code).toBe(status.OK);
      await new Promise((resolve) => setTimeout(resolve, 350));
      const refused = await sessionWith(token);
      expect(refused.code).toBe(status.UNAUTHENTICATED);
      expect(refused.details).toBe('the IAM token has expired');
    } finally {
      emu.iam!.tokenLifetimeMs = 12 * 3_600_000;
    }
    expect(() => (emu.iam!.tokenLifetimeMs = 5)).toThrow(RangeError);
  });

  it('revoked tokens are refused; tokens issued later are not', async () => {
    const old = String((await post({ jwt: jwt() })).json!.iamToken);
    emu.iam!.revokeTokens();
    const fresh = String((await post({ jwt: jwt() })).json!.iamToken);
    expect((await sessionWith(old)).details).toBe('the IAM token has been revoked');
    expect((await sessionWith(fresh)).code).toBe(status.OK);
  });

  it('faults replace the next answers: a status, a raw body, a dropped connection', async () => {
    emu.iam!.addFault({ status: 503, times: 2 });
    emu.iam!.addFault({ status: 200, body: 'garbage' });
    emu.iam!.addFault({ drop: true });
    expect((await post({ jwt: jwt() })).status).toBe(503);
    expect((await post({ jwt: jwt() })).json).toMatchObject({ code: 13 });
    expect(await post({ jwt: jwt() })).toMatchObject({ status: 200, text: 'garbage' });
    await expect(post({ jwt: jwt() })).rejects.toThrow();
    expect((await post({ jwt: jwt() })).status).toBe(200);
    expect(() => emu.iam!.addFault({ status: 99 })).toThrow(/HTTP status/);
    expect(() => emu.iam!.addFault({ times: 0 })).toThrow(/times/);
  });

  it('keys can be registered at run time; bad ones are refused', async () => {
    const late = createServiceAccountKey();
    expect(() => emu.iam!.registerKey({ ...late, public_key: 'nope' })).toThrow(/not a PEM public key/);
    expect(() => emu.iam!.registerKey({ id: 'x' } as never)).toThrow(/expected \{ id, service_account_id, public_key \}/);
    emu.iam!.registerKey(late);
    const latePrivate = createPrivateKey(late.private_key.slice(late.private_key.indexOf('-----BEGIN')));
    const t = Math.floor(Date.now() / 1000);
    const input = `${b64({ typ: 'JWT', alg: 'PS256', kid: late.id })}.${b64({ iss: late.service_account_id, aud: emu.iam!.endpoint, iat: t, exp: t + 60 })}`;
    const signature = sign('sha256', Buffer.from(input), { key: latePrivate, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    expect((await post({ jwt: `${input}.${signature.toString('base64url')}` })).status).toBe(200);
  });

  it('ends running sessions when their token expires, with endSessionsOnExpiry', async () => {
    const strict = await startEmulator({ iam: { keys: [key], tokenLifetimeMs: 400, endSessionsOnExpiry: true } });
    try {
      const t = Math.floor(Date.now() / 1000);
      const input = `${b64({ typ: 'JWT', alg: 'PS256', kid: key.id })}.${b64({ iss: key.service_account_id, aud: strict.iam!.endpoint, iat: t, exp: t + 60 })}`;
      const signature = sign('sha256', Buffer.from(input), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      const res = await fetch(strict.iam!.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jwt: `${input}.${signature.toString('base64url')}` }) });
      const { iamToken } = (await res.json()) as { iamToken: string };
      const open = openCall(connect(strict), { authorization: `Bearer ${iamToken}` });
      await open.write({ config: { specification: PCM8K } });
      const started = Date.now();
      const keepAlive = setInterval(() => void open.write({ audio_content: Buffer.alloc(1600) }), 100);
      const ended = await open.status;
      clearInterval(keepAlive);
      expect(ended.code).toBe(status.UNAUTHENTICATED);
      expect(ended.details).toBe('the IAM token has expired');
      expect(Date.now() - started).toBeGreaterThan(250);
      expect(strict.sessions[0]!.audio.length).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });
});
