import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTraceSink } from '../../src/debug.js';
import { createServiceAccountKey, dialledDigitsPcm, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { AuthOptions } from '../../src/options.js';
import { everythingAbout, expectFailure, keyLines, recordEvents, writeKeyFile } from '../helpers/auth.js';
import { everyRendering, expectNoFragment, SecretFragments } from '../helpers/secret-crawl.js';
import { recognize } from '../helpers/emulator.js';

/** Fails on any piece of 8 characters of any of `secrets` in `text`. */
function expectNoSecrets(text: string, secrets: readonly string[], where: string): void {
  expectNoFragment(text, new SecretFragments().add(...secrets), where);
}

/**
 * Every kind of secret is driven into every error path; then no error (message, stack, fields,
 * cause chain, printed form), no event payload, no debug-log line and no emulator log line may
 * contain any of them, whole or in part.
 */

const rate = 8000;
const audio = dialledDigitsPcm(['1'], { sampleRate: rate });
const traceLines: string[] = [];
const emulatorLines: string[] = [];
const servers: { close(): void; closeAllConnections(): void }[] = [];
let emulator: Emulator;

beforeAll(async () => {
  setTraceSink((line) => traceLines.push(line), ['auth']);
  emulator = await startEmulator({ iam: { keys: [] }, logger: (line) => emulatorLines.push(line) });
});
afterAll(async () => {
  setTraceSink(undefined);
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await emulator.close();
});

/** A stand-in IAM endpoint: `answer` gets the JWT it was sent. */
async function fakeIam(answer: (jwt: string, res: ServerResponse) => void): Promise<{ url: string; jwts: string[] }> {
  const jwts: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const jwt = String(JSON.parse(body).jwt);
      jwts.push(jwt);
      answer(jwt, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/iam/v1/tokens`, jwts };
}

interface Outcome {
  name: string;
  code: string;
  text: string;
  secrets: string[];
}

async function run(name: string, auth: AuthOptions, secrets: () => string[], extra: Record<string, unknown> = {}): Promise<Outcome> {
  const stream = new RecognizeStream({ endpoint: emulator.address, tls: false, auth, sampleRateHertz: rate, pace: 0, ...extra });
  const events = recordEvents(stream);
  const error = await expectFailure(recognize(stream, audio));
  const payloads = events.filter((e) => e.name !== 'data' && e.name !== 'error');
  const text = [everythingAbout(error), everyRendering(error), JSON.stringify(payloads.map((e) => e.args)), inspect(payloads, { depth: Infinity, showHidden: true })].join('\n');
  return { name, code: String(error.code), text, secrets: secrets() };
}

function jwtSecrets(jwts: string[]): string[] {
  return jwts.flatMap((jwt) => [jwt, jwt.split('.')[2]!]);
}

describe('secrets never leak', () => {
  it('from any error path, into errors, events or logs', async () => {
    const key = createServiceAccountKey();
    const lines = keyLines(key);
    const keyPath = writeKeyFile(key);
    const down = await fakeIam((_jwt, res) => res.socket?.destroy());
    const echo401 = await fakeIam((jwt, res) => {
      res.statusCode = 401;
      res.end(JSON.stringify({ code: 16, message: `invalid jwt ${jwt}; key ${lines[3]}` }));
    });
    const garbage = await fakeIam((jwt, res) => res.end(`<html>proxy error for ${jwt}</html>`));
    let issuedCount = 0;
    const issued: string[] = [];
    // Issues tokens the service refuses; the refresh after the refusal fails quoting the token.
    const refusedThenDown = await fakeIam((_jwt, res) => {
      if (issuedCount++ === 0) {
        const token = `t1.issued-by-fake-iam-${'z'.repeat(40)}`;
        issued.push(token);
        res.end(JSON.stringify({ iamToken: token, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));
      } else {
        res.statusCode = 403;
        res.end(JSON.stringify({ code: 7, message: `token ${issued[0]} was revoked` }));
      }
    });
    const providerTokens = ['provider-token-first-0123456789abcdef', 'provider-token-second-0123456789abcdef'];
    let asked = 0;

    const outcomes = await Promise.all([
      run('a wrong IAM token', { iamToken: 'static-iam-token-0123456789abcdef' }, () => ['static-iam-token-0123456789abcdef']),
      run('a wrong API key', { apiKey: 'AQVN-api-key-secret-0123456789abcdef' }, () => ['AQVN-api-key-secret-0123456789abcdef']),
      run('getIamToken tokens refused twice', { getIamToken: () => providerTokens[asked++ % 2]! }, () => providerTokens),
      run('getIamToken failing with the refused token in its message', {
        getIamToken: ({ forceRefresh }) => {
          if (forceRefresh) throw new Error(`could not replace ${'provider-refused-token-0123456789abcdef'}`);
          return 'provider-refused-token-0123456789abcdef';
        },
      }, () => ['provider-refused-token-0123456789abcdef']),
      run('getIamToken returning the scheme with the token', { getIamToken: async () => 'Bearer provider-schemed-token-0123456789' }, () => ['provider-schemed-token-0123456789']),
      run('a key IAM does not know', { serviceAccountKey: keyPath, iamEndpoint: emulator.iam!.endpoint }, () => lines),
      run('an IAM endpoint that drops the connection', { serviceAccountKey: key, iamEndpoint: down.url }, () => [...lines, ...jwtSecrets(down.jwts)]),
      run('IAM refusing and echoing the JWT and the key', { serviceAccountKey: key, iamEndpoint: echo401.url }, () => [...lines, ...jwtSecrets(echo401.jwts)]),
      run('IAM answering garbage that holds the JWT', { serviceAccountKey: key, iamEndpoint: garbage.url }, () => [...lines, ...jwtSecrets(garbage.jwts)]),
      run('an issued token refused, then IAM quoting it', { serviceAccountKey: key, iamEndpoint: refusedThenDown.url }, () => [...lines, ...issued, ...jwtSecrets(refusedThenDown.jwts)]),
    ]);

    expect(Object.fromEntries(outcomes.map((o) => [o.name, o.code]))).toEqual({
      'a wrong IAM token': 'SPEECHKIT_ERR_UNAUTHENTICATED',
      'a wrong API key': 'SPEECHKIT_ERR_UNAUTHENTICATED',
      'getIamToken tokens refused twice': 'SPEECHKIT_ERR_UNAUTHENTICATED',
      'getIamToken failing with the refused token in its message': 'SPEECHKIT_ERR_AUTH',
      'getIamToken returning the scheme with the token': 'SPEECHKIT_ERR_AUTH',
      'a key IAM does not know': 'SPEECHKIT_ERR_AUTH',
      'an IAM endpoint that drops the connection': 'SPEECHKIT_ERR_AUTH',
      'IAM refusing and echoing the JWT and the key': 'SPEECHKIT_ERR_AUTH',
      'IAM answering garbage that holds the JWT': 'SPEECHKIT_ERR_AUTH',
      'an issued token refused, then IAM quoting it': 'SPEECHKIT_ERR_AUTH',
    });
    // The secrets were really in play: JWTs were sent, a token was issued and refused.
    expect(down.jwts).toHaveLength(3);
    expect(echo401.jwts).toHaveLength(1);
    expect(garbage.jwts).toHaveLength(3);
    expect(refusedThenDown.jwts).toHaveLength(2);
    expect(issued).toHaveLength(1);
    expect(outcomes.find((o) => o.name.startsWith('IAM refusing'))!.text).toMatch(/invalid jwt <redacted>; key <redacted>/);

    const everySecret = outcomes.flatMap((o) => o.secrets);
    for (const outcome of outcomes) expectNoSecrets(outcome.text, everySecret, `${outcome.name}: error or events`);
    // The debug log was on and said things about these failures, without any secret.
    expect(traceLines.some((l) => /token request for service account .* failed/.test(l))).toBe(true);
    expect(traceLines.some((l) => /new IAM token for service account/.test(l))).toBe(true);
    expectNoSecrets(traceLines.join('\n'), everySecret, 'the debug log');
    expect(emulatorLines.some((l) => /iam: refused an exchange: jwt: unknown key ID/.test(l))).toBe(true);
    expectNoSecrets(emulatorLines.join('\n'), everySecret, 'the emulator log');
  }, 20_000);

  it('from invalid options, which are refused before any traffic', () => {
    const key = createServiceAccountKey();
    const lines = keyLines(key);
    const broken = { ...key, private_key: key.private_key.replace(lines[5]!, lines[5]!.slice(0, 30)) };
    const attempts: unknown[] = [
      { serviceAccountKey: broken },
      { serviceAccountKey: { ...key, id: undefined } },
      { serviceAccountKey: JSON.stringify(key).slice(0, -1) },
      { serviceAccountKey: key.private_key },
      { serviceAccountKey: key, iamEndpoint: 'http://user:pass-0123456789abcdef@iam.example.com/iam/v1/tokens' },
      { apiKey: 'AQVN-api-key-secret-0123456789abcdef', folder: 'x' },
      { iamToken: 'static-iam-token-0123456789abcdef\nsecond line' },
    ];
    for (const auth of attempts) {
      let thrown: unknown;
      try {
        new RecognizeStream({ auth: auth as AuthOptions });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_OPTION' });
      expectNoSecrets(everythingAbout(thrown), [...lines, 'pass-0123456789abcdef', 'AQVN-api-key-secret-0123456789abcdef', 'static-iam-token-0123456789abcdef'], 'an option error');
    }
  });
});
