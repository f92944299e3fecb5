import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { CredentialsEvent } from '../../src/auth/token-cache.js';
import {
  createServiceAccountKey,
  dialledDigitsPcm,
  EMULATOR_API_KEY,
  EMULATOR_IAM_TOKEN,
  type Emulator,
} from '../../src/emulator/index.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { AuthOptions, RecognizeStreamOptions } from '../../src/options.js';
import { expectFailure, writeKeyFile } from '../helpers/auth.js';
import { finalsText, recognize, withEmulator } from '../helpers/emulator.js';

const rate = 8000;
const digits = (utterances: string[]) => dialledDigitsPcm(utterances, { sampleRate: rate });

function options(emulator: Emulator, auth: AuthOptions, extra: Partial<RecognizeStreamOptions> = {}): RecognizeStreamOptions {
  return { endpoint: emulator.address, tls: false, auth, sampleRateHertz: rate, pace: 0, ...extra };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('each kind of credentials over real gRPC (and HTTP for IAM)', () => {
  it('an API key goes as "Api-Key", an IAM token as "Bearer"', async () => {
    await withEmulator({}, async (emulator) => {
      expect(finalsText(await recognize(new RecognizeStream(options(emulator, { apiKey: EMULATOR_API_KEY })), digits(['12'])))).toEqual(['12']);
      expect(finalsText(await recognize(new RecognizeStream(options(emulator, { iamToken: EMULATOR_IAM_TOKEN })), digits(['34'])))).toEqual(['34']);
      expect(emulator.sessions.map((s) => s.metadata.authorization)).toEqual(['Api-Key <redacted>', 'Bearer <redacted>']);
    });
  });

  it('getIamToken is asked at the start of every session', async () => {
    await withEmulator({}, async (emulator) => {
      const asked: boolean[] = [];
      const stream = new RecognizeStream(options(emulator, {
        getIamToken: async ({ forceRefresh }) => {
          asked.push(forceRefresh);
          return EMULATOR_IAM_TOKEN;
        },
      }, { sessionLimits: { maxAudioMs: 1_000 } }));
      const results = await recognize(stream, digits(['1', '2']));
      expect(finalsText(results)).toEqual(['1', '2']);
      expect(emulator.sessions.length).toBeGreaterThan(1);
      expect(asked).toEqual(emulator.sessions.map(() => false));
    });
  });

  it.each([
    ['the key file object', (key: ReturnType<typeof createServiceAccountKey>) => key],
    ['a path to the key file', (key: ReturnType<typeof createServiceAccountKey>) => writeKeyFile(key)],
    ['the key file text', (key: ReturnType<typeof createServiceAccountKey>) => JSON.stringify(key)],
  ])('a service-account key given as %s is exchanged for an IAM token', async (_name, form) => {
    const key = createServiceAccountKey();
    await withEmulator({ iam: { keys: [key] } }, async (emulator) => {
      const stream = new RecognizeStream(options(emulator, { serviceAccountKey: form(key), iamEndpoint: emulator.iam!.endpoint }));
      const events: CredentialsEvent[] = [];
      stream.on('credentials', (e: CredentialsEvent) => events.push(e));
      expect(finalsText(await recognize(stream, digits(['56'])))).toEqual(['56']);
      expect(emulator.iam!.exchanges).toEqual([expect.objectContaining({ ok: true, keyId: key.id, serviceAccountId: key.service_account_id })]);
      expect(emulator.sessions[0]!.status?.name).toBe('OK');
      expect(events).toEqual([{ type: 'token', expiresAt: expect.any(String), refreshInMs: 3_600_000 }]);
    });
  });
});

describe('API v3', () => {
  it('authenticates with a service-account key too, and a refused token is refreshed the same way', async () => {
    const key = createServiceAccountKey();
    await withEmulator({ iam: { keys: [key] } }, async (emulator) => {
      const auth = { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint };
      await recognize(new RecognizeStream(options(emulator, auth, { api: 'v3' })), digits(['12']));
      emulator.iam!.revokeTokens();
      const results = await recognize(new RecognizeStream(options(emulator, auth, { api: 'v3' })), digits(['34']));
      expect(results.some((r) => r.final)).toBe(true);
      expect(emulator.sessions.map((s) => [s.api, s.status?.name, s.metadata.authorization])).toEqual([
        ['v3', 'OK', 'Bearer <redacted>'],
        ['v3', 'UNAUTHENTICATED', 'Bearer <redacted>'],
        ['v3', 'OK', 'Bearer <redacted>'],
      ]);
      expect(emulator.iam!.exchanges).toHaveLength(2);
    });
  });
});

describe('one token for every stream using the same key', () => {
  it('concurrent streams share one exchange; the refresh stops once they are done', async () => {
    const key = createServiceAccountKey();
    const other = createServiceAccountKey();
    await withEmulator({ iam: { keys: [key, other], tokenLifetimeMs: 60_000 } }, async (emulator) => {
      const endpoint = emulator.iam!.endpoint;
      const path = writeKeyFile(key);
      const runs = [0, 1, 2, 3].map((k) =>
        recognize(new RecognizeStream(options(emulator, { serviceAccountKey: k % 2 ? key : path, iamEndpoint: endpoint })), digits([`${k}`])),
      );
      runs.push(recognize(new RecognizeStream(options(emulator, { serviceAccountKey: other, iamEndpoint: endpoint })), digits(['9'])));
      const results = await Promise.all(runs);
      expect(results.map(finalsText)).toEqual([['0'], ['1'], ['2'], ['3'], ['9']]);
      expect(emulator.iam!.exchanges.map((e) => String(e.keyId)).sort()).toEqual([key.id, other.id].sort());

      // A later stream reuses the cached token while it is good.
      await recognize(new RecognizeStream(options(emulator, { serviceAccountKey: key, iamEndpoint: endpoint })), digits(['4']));
      expect(emulator.iam!.exchanges).toHaveLength(2);
    });
  });

  it('no stream left: no background refreshes', async () => {
    const key = createServiceAccountKey();
    await withEmulator({ iam: { keys: [key], tokenLifetimeMs: 400 } }, async (emulator) => {
      const auth = { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint };
      await recognize(new RecognizeStream(options(emulator, auth)), digits(['1']));
      const after = emulator.iam!.exchanges.length;
      // The token's refresh point (200 ms) passes twice over with nobody holding the cache.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(emulator.iam!.exchanges).toHaveLength(after);
      // The token has run out meanwhile: the next stream gets a new one before its session.
      await recognize(new RecognizeStream(options(emulator, auth)), digits(['2']));
      expect(emulator.iam!.exchanges).toHaveLength(after + 1);
      expect(emulator.sessions.every((s) => s.status?.name === 'OK')).toBe(true);
    });
  });
});

describe('a stream that outlives its tokens', () => {
  it('runs through at least three refreshes with no error, no retry and no lost audio', async () => {
    const key = createServiceAccountKey();
    // Tokens live 4 s and are refreshed at half-life; sessions last about a second, so every
    // session must start with a token issued after the one before: a stale one would be refused
    // (or end the session, with endSessionsOnExpiry). Refreshes are due every 2 s of wall time;
    // with sessions this short, rollover replays make the stream run longer than its 6.4 s of audio.
    await withEmulator({ iam: { keys: [key], tokenLifetimeMs: 4_000, endSessionsOnExpiry: true } }, async (emulator) => {
      const utterances = ['12', '3', '45', '6', '78'];
      const stream = new RecognizeStream(options(emulator, { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint }, {
        pace: 1,
        sessionLimits: { maxAudioMs: 1_000 },
      }));
      const retries: RetryEvent[] = [];
      const tokens: CredentialsEvent[] = [];
      stream.on('retry', (e: RetryEvent) => retries.push(e));
      stream.on('credentials', (e: CredentialsEvent) => tokens.push(e));
      const audio = digits(utterances);
      expect(audio.length / 2 / rate).toBeGreaterThan(6);
      const results = await recognize(stream, audio);
      expect(finalsText(results)).toEqual(utterances);
      expect(retries).toEqual([]);
      const exchanges = emulator.iam!.exchanges;
      expect(exchanges.every((e) => e.ok)).toBe(true);
      expect(exchanges.length).toBeGreaterThanOrEqual(4);
      expect(tokens.filter((e) => e.type === 'token')).toHaveLength(exchanges.length);
      expect(emulator.sessions.length).toBeGreaterThanOrEqual(6);
      expect(emulator.sessions.every((s) => s.status?.name === 'OK')).toBe(true);
    });
  }, 30_000);

  it('a session ended by its token expiring mid-stream resumes with the refreshed token, replaying what was not final', async () => {
    const key = createServiceAccountKey();
    await withEmulator({ iam: { keys: [key], tokenLifetimeMs: 1_500, endSessionsOnExpiry: true } }, async (emulator) => {
      const utterances = ['1', '23', '4', '56'];
      // Sessions would otherwise run for minutes; here each is cut by its token's expiry, so a
      // session counts as healthy early enough to earn its own forced refresh.
      const stream = new RecognizeStream(options(emulator, { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint }, {
        pace: 1,
        retry: { healthyAfterMs: 200 },
      }));
      const retries: RetryEvent[] = [];
      stream.on('retry', (e: RetryEvent) => retries.push(e));
      const results = await recognize(stream, digits(utterances));
      expect(finalsText(results)).toEqual(utterances);
      const refused = emulator.sessions.filter((s) => s.status?.name === 'UNAUTHENTICATED');
      expect(refused.length).toBeGreaterThanOrEqual(2);
      for (const s of refused) expect(s.status?.details).toBe('the IAM token has expired');
      expect(retries.length).toBe(refused.length);
      expect(retries.every((r) => r.code === 'SPEECHKIT_ERR_UNAUTHENTICATED' && r.delayMs === 0)).toBe(true);
      expect(emulator.sessions.at(-1)!.status?.name).toBe('OK');
    });
  }, 30_000);
});

describe('UNAUTHENTICATED', () => {
  it('at the start of a session: one forced refresh and a new session', async () => {
    const key = createServiceAccountKey();
    await withEmulator({ iam: { keys: [key] } }, async (emulator) => {
      const auth = { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint };
      await recognize(new RecognizeStream(options(emulator, auth)), digits(['1']));
      emulator.iam!.revokeTokens();
      const stream = new RecognizeStream(options(emulator, auth));
      const retries: RetryEvent[] = [];
      stream.on('retry', (e: RetryEvent) => retries.push(e));
      expect(finalsText(await recognize(stream, digits(['23'])))).toEqual(['23']);
      expect(emulator.sessions.map((s) => s.status?.name)).toEqual(['OK', 'UNAUTHENTICATED', 'OK']);
      expect(emulator.sessions[1]!.status?.details).toBe('the IAM token has been revoked');
      expect(emulator.iam!.exchanges).toHaveLength(2);
      // Attempts count within the recovery episode: the refused session was its first.
      expect(retries).toEqual([{ attempt: 1, code: 'SPEECHKIT_ERR_UNAUTHENTICATED', grpcCode: 16, delayMs: 0, session: 0 }]);
    });
  });

  it('a second refusal fails the stream with SPEECHKIT_ERR_UNAUTHENTICATED', async () => {
    await withEmulator({}, async (emulator) => {
      const asked: boolean[] = [];
      const stream = new RecognizeStream(options(emulator, {
        getIamToken: ({ forceRefresh }) => {
          asked.push(forceRefresh);
          return `stale-token-${asked.length}`;
        },
      }));
      const error = await expectFailure(recognize(stream, digits(['1'])));
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_UNAUTHENTICATED', grpcCode: 16, session: 1 });
      expect(asked).toEqual([false, true]);
      expect(emulator.sessions.map((s) => s.status?.name)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    });
  });

  it('static credentials cannot be refreshed: the first refusal fails the stream', async () => {
    await withEmulator({}, async (emulator) => {
      const error = await expectFailure(recognize(new RecognizeStream(options(emulator, { apiKey: 'AQVN-not-a-key-0123456789' })), digits(['1'])));
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_UNAUTHENTICATED' });
      expect(emulator.sessions).toHaveLength(1);
    });
  });
});

describe('IAM failures', () => {
  it('a key IAM does not know: SPEECHKIT_ERR_AUTH, and no session is opened', async () => {
    const key = createServiceAccountKey();
    await withEmulator({ iam: { keys: [] } }, async (emulator) => {
      const error = await expectFailure(recognize(new RecognizeStream(options(emulator, { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint })), digits(['1'])));
      expect(error.code).toBe('SPEECHKIT_ERR_AUTH');
      expect(error.message).toMatch(/HTTP 401 \(the service-account key was refused.*\): jwt: unknown key ID/);
      expect(emulator.sessions).toHaveLength(0);
      expect(emulator.iam!.exchanges).toEqual([expect.objectContaining({ ok: false, keyId: key.id })]);
    });
  });

  it('an audience IAM does not expect is refused', async () => {
    const key = createServiceAccountKey();
    await withEmulator({ iam: { keys: [key], audience: 'https://iam.api.cloud.yandex.net/iam/v1/tokens' } }, async (emulator) => {
      const error = await expectFailure(recognize(new RecognizeStream(options(emulator, { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint })), digits(['1'])));
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_AUTH', message: expect.stringMatching(/jwt: aud must be/) });
    });
  });

  it('a transient IAM failure is tried again and the stream never notices', async () => {
    const key = createServiceAccountKey();
    await withEmulator({ iam: { keys: [key] } }, async (emulator) => {
      emulator.iam!.addFault({ drop: true });
      const stream = new RecognizeStream(options(emulator, { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint }));
      expect(finalsText(await recognize(stream, digits(['77'])))).toEqual(['77']);
      expect(emulator.iam!.exchanges).toEqual([expect.objectContaining({ ok: true })]);
    });
  }, 15_000);

  it('an IAM endpoint that is down fails with SPEECHKIT_ERR_AUTH after three tries', async () => {
    const key = createServiceAccountKey();
    const port = await closedPort();
    await withEmulator({}, async (emulator) => {
      const started = Date.now();
      const error = await expectFailure(recognize(new RecognizeStream(options(emulator, { serviceAccountKey: key, iamEndpoint: `http://127.0.0.1:${port}/iam/v1/tokens` })), digits(['1'])));
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_AUTH', message: expect.stringMatching(/could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/) });
      // Two waits between the three tries: 500 ms and 2 s.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_400);
      expect(emulator.sessions).toHaveLength(0);
    });
  }, 15_000);
});
