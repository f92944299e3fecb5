import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createServiceAccountKey, dialledDigitsPcm, EMULATOR_IAM_TOKEN } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { expectFailure } from '../helpers/auth.js';
import { finalsText, recognize, withEmulator } from '../helpers/emulator.js';

const fixtures = new URL('../fixtures/tls/', import.meta.url);
const tls = { cert: readFileSync(new URL('server.pem', fixtures)), key: readFileSync(new URL('server-key.pem', fixtures)) };
const ca = readFileSync(new URL('ca.pem', fixtures), 'utf8');
const otherCa = readFileSync(new URL('other-ca.pem', fixtures), 'utf8');
const rate = 8000;
const audio = dialledDigitsPcm(['42'], { sampleRate: rate });

describe('TLS', () => {
  it('a service-account key over TLS end to end: gRPC and IAM verified against a custom CA', async () => {
    const key = createServiceAccountKey();
    await withEmulator({ tls, iam: { keys: [key] } }, async (emulator) => {
      expect(emulator.iam!.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/iam\/v1\/tokens$/);
      const stream = new RecognizeStream({
        endpoint: emulator.address,
        ca,
        auth: { serviceAccountKey: key, iamEndpoint: emulator.iam!.endpoint },
        sampleRateHertz: rate,
        pace: 0,
      });
      expect(finalsText(await recognize(stream, audio))).toEqual(['42']);
      expect(emulator.iam!.exchanges).toHaveLength(1);
      expect(emulator.sessions[0]!.status?.name).toBe('OK');
    });
  });

  it('the default roots do not trust a private CA, nor does another CA; channels are kept apart by CA', async () => {
    await withEmulator({ tls }, async (emulator) => {
      const base = { endpoint: emulator.address, auth: { iamToken: EMULATOR_IAM_TOKEN }, sampleRateHertz: rate, pace: 0, retry: false } as const;
      const untrusted = await expectFailure(recognize(new RecognizeStream(base), audio));
      expect(untrusted.code).toBe('SPEECHKIT_ERR_UNAVAILABLE');
      const wrong = await expectFailure(recognize(new RecognizeStream({ ...base, ca: otherCa }), audio));
      expect(wrong.code).toBe('SPEECHKIT_ERR_UNAVAILABLE');
      expect(emulator.sessions).toHaveLength(0);
      // Same endpoint, right CA: a new channel, not the untrusted one still lingering in the pool.
      expect(finalsText(await recognize(new RecognizeStream({ ...base, ca }), audio))).toEqual(['42']);
      expect(emulator.sessions).toHaveLength(1);
    });
  });
});
