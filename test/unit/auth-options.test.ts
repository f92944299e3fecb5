import { constants, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/auth/auth-options.js';
import { serviceAccountJwt } from '../../src/auth/jwt.js';
import { parseServiceAccountKey } from '../../src/auth/service-account-key.js';
import { createServiceAccountKey } from '../../src/emulator/index.js';
import { resolveOptions } from '../../src/options.js';
import { resolveCa } from '../../src/transport/tls.js';

const key = createServiceAccountKey();
const keyBody = key.private_key.split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
const fixtures = new URL('../fixtures/tls/', import.meta.url);
const caPem = readFileSync(new URL('ca.pem', fixtures), 'utf8');

/** Runs `fn`, expects INVALID_OPTION naming `option`, and returns the message. */
function rejects(fn: () => unknown, option: string): string {
  try {
    fn();
  } catch (error) {
    expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option });
    return (error as Error).message;
  }
  throw new Error(`expected ${option} to be rejected`);
}

function expectNoKeyMaterial(text: string): void {
  for (const line of keyBody) {
    expect(text).not.toContain(line);
    expect(text).not.toContain(line.slice(20, 36));
  }
}

describe('service-account keys', () => {
  it('takes the key file object as yc writes it, first line and all', () => {
    expect(key.private_key.startsWith('PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID')).toBe(true);
    const parsed = parseServiceAccountKey(key);
    expect(parsed).toMatchObject({ keyId: key.id, serviceAccountId: key.service_account_id });
    expect(parsed.privateKey.asymmetricKeyType).toBe('rsa');
    // The same pair in every form gets the same fingerprint.
    const camel = parseServiceAccountKey({ accessKeyId: key.id, serviceAccountId: key.service_account_id, privateKey: key.private_key });
    expect(camel.fingerprint).toBe(parsed.fingerprint);
    expect(parseServiceAccountKey(JSON.stringify(key)).fingerprint).toBe(parsed.fingerprint);
    const escaped = { ...key, private_key: key.private_key.replace(/\n/g, '\\n') };
    expect(parseServiceAccountKey(escaped).fingerprint).toBe(parsed.fingerprint);
    expect(parseServiceAccountKey(createServiceAccountKey()).fingerprint).not.toBe(parsed.fingerprint);
  });

  it('reads a key file from a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-key-'));
    const path = join(dir, 'key.json');
    writeFileSync(path, JSON.stringify(key, null, 2));
    expect(parseServiceAccountKey(path).keyId).toBe(key.id);
    const message = rejects(() => parseServiceAccountKey(join(dir, 'missing.json')), 'auth.serviceAccountKey');
    expect(message).toMatch(/missing\.json.*ENOENT/);
    writeFileSync(join(dir, 'pem.txt'), key.private_key);
    expectNoKeyMaterial(rejects(() => parseServiceAccountKey(join(dir, 'pem.txt')), 'auth.serviceAccountKey'));
  });

  it('names the field at fault and never repeats any of the key', () => {
    const messages = [
      rejects(() => parseServiceAccountKey({ ...key, id: '' }), 'auth.serviceAccountKey.id'),
      rejects(() => parseServiceAccountKey({ ...key, service_account_id: 7 }), 'auth.serviceAccountKey.service_account_id'),
      rejects(() => parseServiceAccountKey({ ...key, private_key: undefined }), 'auth.serviceAccountKey.private_key'),
      rejects(() => parseServiceAccountKey({ ...key, private_key: key.private_key.replace(/[A-Z]{4}/g, '!!!!') }), 'auth.serviceAccountKey.private_key'),
      rejects(() => parseServiceAccountKey({ ...key, private_key: key.public_key }), 'auth.serviceAccountKey.private_key'),
      rejects(() => parseServiceAccountKey(`${JSON.stringify(key).slice(0, -2)}`), 'auth.serviceAccountKey'),
      rejects(() => parseServiceAccountKey(42), 'auth.serviceAccountKey'),
    ];
    for (const message of messages) expectNoKeyMaterial(message);
  });

  it('refuses keys PS256 cannot use: not RSA, or shorter than 2048 bits', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    expect(rejects(() => parseServiceAccountKey({ ...key, private_key: ec.privateKey }), 'auth.serviceAccountKey.private_key')).toMatch(/RSA/);
    expect(rejects(() => parseServiceAccountKey({ ...key, private_key: small.privateKey }), 'auth.serviceAccountKey.private_key')).toMatch(/2048/);
  });
});

describe('the JWT for IAM', () => {
  it('is PS256 with a 32-byte salt, kid/iss/aud/iat/exp as IAM documents, and lives at most an hour', () => {
    const parsed = parseServiceAccountKey(key);
    const audience = 'https://iam.api.cloud.yandex.net/iam/v1/tokens';
    const jwt = serviceAccountJwt({ keyId: parsed.keyId, serviceAccountId: parsed.serviceAccountId, privateKey: parsed.privateKey, audience, nowS: 1_900_000_000.7 });
    const [h, c, s] = jwt.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'PS256', kid: key.id });
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString());
    expect(claims).toEqual({ iss: key.service_account_id, aud: audience, iat: 1_900_000_000, exp: 1_900_000_600 });
    const publicKey = createPublicKey(key.public_key);
    const data = Buffer.from(`${h}.${c}`);
    const signature = Buffer.from(s, 'base64url');
    expect(verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(true);
    // Node's default PSS salt is the maximum, which IAM refuses; this JWT does not use it.
    expect(verify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 222 }, signature)).toBe(false);
    const long = serviceAccountJwt({ keyId: 'k', serviceAccountId: 's', privateKey: parsed.privateKey, audience, nowS: 0, lifetimeS: 7_200 });
    const longClaims = JSON.parse(Buffer.from(long.split('.')[1]!, 'base64url').toString());
    expect(longClaims.exp - longClaims.iat).toBe(3_600);
  });
});

describe('auth option', () => {
  it('takes exactly one kind, with only the fields that kind has', () => {
    expect(resolveAuth({ iamToken: ' t1.abc ' }, false)).toEqual({ kind: 'iamToken', iamToken: 't1.abc' });
    expect(resolveAuth({ apiKey: 'AQVN-key' }, false)).toEqual({ kind: 'apiKey', apiKey: 'AQVN-key' });
    const provider = async () => 'x';
    expect(resolveAuth({ getIamToken: provider }, false)).toEqual({ kind: 'getIamToken', getIamToken: provider });
    const sa = resolveAuth({ serviceAccountKey: key }, false);
    expect(sa.kind === 'serviceAccountKey' && sa.iamEndpoint.href).toBe('https://iam.api.cloud.yandex.net/iam/v1/tokens');
    rejects(() => resolveAuth({ iamToken: 'a', apiKey: 'b' }, false), 'auth');
    rejects(() => resolveAuth({ serviceAccountKey: key, getIamToken: provider }, false), 'auth');
    rejects(() => resolveAuth({ token: 'x' }, false), 'auth');
    rejects(() => resolveAuth({ apiKey: 'x', iamEndpoint: 'https://iam.example/' }, false), 'auth.iamEndpoint');
    rejects(() => resolveAuth({ getIamToken: 'not a function' }, false), 'auth.getIamToken');
    rejects(() => resolveAuth({ iamToken: 'two\nlines' }, false), 'auth.iamToken');
  });

  it('takes an https IAM endpoint anywhere, plain http only to loopback unless insisted, never one with credentials', () => {
    const endpoint = (url: string, insecure = false) => {
      const r = resolveAuth({ serviceAccountKey: key, iamEndpoint: url }, insecure);
      return r.kind === 'serviceAccountKey' ? r.iamEndpoint.href : undefined;
    };
    expect(endpoint('https://iam.example.kz/iam/v1/tokens')).toBe('https://iam.example.kz/iam/v1/tokens');
    expect(endpoint('http://127.0.0.1:4000/iam/v1/tokens')).toBe('http://127.0.0.1:4000/iam/v1/tokens');
    expect(endpoint('http://[::1]:4000/iam/v1/tokens')).toBe('http://[::1]:4000/iam/v1/tokens');
    expect(endpoint('http://localhost:4000/iam/v1/tokens')).toBe('http://localhost:4000/iam/v1/tokens');
    rejects(() => endpoint('http://iam.example.com/iam/v1/tokens'), 'auth.iamEndpoint');
    expect(endpoint('http://iam.example.com/iam/v1/tokens', true)).toBe('http://iam.example.com/iam/v1/tokens');
    rejects(() => endpoint('ftp://iam.example.com/'), 'auth.iamEndpoint');
    const message = rejects(() => endpoint('https://user:hunter2-password@iam.example.com/'), 'auth.iamEndpoint');
    expect(message).not.toContain('hunter2');
  });

  it('refuses a folder ID with a service account, as the docs say, and keeps it for IAM tokens', () => {
    rejects(() => resolveOptions({ auth: { apiKey: 'k' }, folderId: 'b1gfolder' }), 'folderId');
    rejects(() => resolveOptions({ auth: { serviceAccountKey: key }, folderId: 'b1gfolder' }), 'folderId');
    expect(resolveOptions({ auth: { iamToken: 't' }, folderId: 'b1gfolder' }).folderId).toBe('b1gfolder');
    expect(resolveOptions({ auth: { getIamToken: async () => 't' }, folderId: 'b1gfolder' }).folderId).toBe('b1gfolder');
  });

  it('reads and checks the key before any network traffic, synchronously', () => {
    const options = resolveOptions({ auth: { serviceAccountKey: JSON.stringify(key) } });
    expect(options.auth.kind).toBe('serviceAccountKey');
    rejects(() => resolveOptions({ auth: { serviceAccountKey: '/no/such/key.json' } }), 'auth.serviceAccountKey');
  });
});

describe('ca option', () => {
  it('takes PEM CA certificates as a string or Buffer and identifies the set', () => {
    const a = resolveCa(caPem)!;
    expect(a.pem).toContain('-----BEGIN CERTIFICATE-----');
    expect(resolveCa(Buffer.from(caPem))!.id).toBe(a.id);
    const other = readFileSync(new URL('other-ca.pem', fixtures), 'utf8');
    expect(resolveCa(other)!.id).not.toBe(a.id);
    expect(resolveCa(caPem + other)!.id).not.toBe(a.id);
    expect(resolveOptions({ auth: { iamToken: 't' }, ca: caPem }).ca?.id).toBe(a.id);
    expect(resolveOptions({ auth: { iamToken: 't' } }).ca).toBeUndefined();
  });

  it('refuses what is not a certificate, a path, and a CA with tls: false', () => {
    expect(rejects(() => resolveCa('/etc/ssl/ca.pem'), 'ca')).toMatch(/content/);
    rejects(() => resolveCa(caPem.replace(/[A-Za-z]{8}/, '********')), 'ca');
    rejects(() => resolveCa(42), 'ca');
    rejects(() => resolveOptions({ auth: { iamToken: 't' }, endpoint: '127.0.0.1:1', tls: false, ca: caPem }), 'ca');
  });
});
