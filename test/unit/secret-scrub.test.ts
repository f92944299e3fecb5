import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createServiceAccountKey } from '../../src/emulator/index.js';
import { unsealAuth } from '../../src/auth/sealed-auth.js';
import { redact } from '../../src/errors.js';
import { resolveOptions } from '../../src/options.js';
import { expectGraphClean, expectNoFragment, SecretFragments } from '../helpers/secret-crawl.js';

/** mulberry32: a seeded source, so a failure can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

describe('redact', () => {
  const secret = 't1.9euelZqSecretTokenValue0123456789abcdef';

  it('removes a piece from the middle of a secret, not only the whole or its start', () => {
    expect(redact(`x-request-id: ${secret.slice(7, 19)}OK`, [secret])).toBe('x-request-id: <redacted>OK');
    expect(redact(`tail ${secret.slice(-8)}.`, [secret])).toBe('tail <redacted>.');
  });

  it('leaves pieces of 7 characters and text that is not secret', () => {
    expect(redact(`id ${secret.slice(10, 17)} ok`, [secret])).toBe(`id ${secret.slice(10, 17)} ok`);
    expect(redact('SpeechKit UNAVAILABLE: connection reset', [secret])).toBe('SpeechKit UNAVAILABLE: connection reset');
  });

  it('turns overlapping and adjacent pieces of several secrets into one marker', () => {
    const other = 'AQVN-other-api-key-0123456789';
    expect(redact(`[${secret}${other.slice(3)}]`, [secret, other])).toBe('[<redacted>]');
  });

  it('removes a short secret (4 to 7 characters) only whole', () => {
    expect(redact('key abc12 and abc1', ['abc12'])).toBe('key <redacted> and abc1');
  });

  it('leaves no 8-character piece of any secret, over random texts with echoes spliced in', () => {
    const random = seeded(20261201);
    const word = (n: number) => Array.from({ length: n }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');
    for (let round = 0; round < 300; round++) {
      const secrets = Array.from({ length: 1 + Math.floor(random() * 3) }, () => word(8 + Math.floor(random() * 60)));
      let text = word(Math.floor(random() * 40));
      for (let i = 0; i < 4; i++) {
        const s = secrets[Math.floor(random() * secrets.length)]!;
        const from = Math.floor(random() * (s.length - 8));
        text += s.slice(from, from + 8 + Math.floor(random() * (s.length - from - 7))) + word(Math.floor(random() * 5));
      }
      const out = redact(text, secrets);
      expectNoFragment(out, new SecretFragments().add(...secrets), `round ${round}`);
      expect(out).toContain('<redacted>');
    }
  });
});

describe('stream.options.auth', () => {
  const token = 't1.sealed-token-0123456789abcdef';

  it('is a view naming the kind; the credential is only behind unsealAuth', () => {
    const { auth } = resolveOptions({ auth: { iamToken: token } });
    expect(auth.kind).toBe('iamToken');
    expect(auth).toMatchObject({ iamToken: '[redacted]' });
    expect(JSON.stringify(auth)).toBe('{"iamToken":"[redacted]"}');
    expect(String(auth)).toBe('[redacted]');
    expect(inspect(auth, { depth: Infinity, showHidden: true })).toBe("{ iamToken: '[redacted]' }");
    expect(Object.isFrozen(auth)).toBe(true);
    expectGraphClean(auth, new SecretFragments().add(token), 'options.auth');
    expect(unsealAuth(auth)).toEqual({ kind: 'iamToken', iamToken: token });
  });

  it('hides a service-account key and its PEM, shows the IAM endpoint', () => {
    const key = createServiceAccountKey();
    const lines = key.private_key.split('\n').filter((l) => /^[A-Za-z0-9+/=]{8,}$/.test(l));
    const options = resolveOptions({ auth: { serviceAccountKey: key, iamEndpoint: 'https://iam.example.com/iam/v1/tokens' } });
    expect(JSON.parse(JSON.stringify(options.auth))).toEqual({ serviceAccountKey: '[redacted]', iamEndpoint: 'https://iam.example.com/iam/v1/tokens' });
    const fragments = new SecretFragments().add(lines.join(''), ...lines);
    expectGraphClean(options, fragments, 'options');
    expectNoFragment(inspect(options, { depth: Infinity, showHidden: true }) + JSON.stringify(options), fragments, 'options printed');
    const sealed = unsealAuth(options.auth);
    expect(sealed.kind === 'serviceAccountKey' && sealed.key.keyId).toBe(key.id);
  });
});
