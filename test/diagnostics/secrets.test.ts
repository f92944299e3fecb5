import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsChannels as C } from '../../src/diagnostics/channels.js';
import { dialledDigitsPcm, startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { AuthOptions, RecognizeStreamOptions } from '../../src/options.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { startEchoProxy, type ProxyFault } from '../helpers/echo-proxy.js';
import { recognize } from '../helpers/emulator.js';
import { expectGraphClean, expectNoFragment, safeJson, SecretFragments } from '../helpers/secret-crawl.js';
import { listen } from './helpers.js';

/**
 * Diagnostics payloads go to whoever subscribes by name: an APM agent, a logger that prints them
 * whole. With an API key and an IAM token in play, behind a server that echoes the credential in
 * every response header, status detail and v3 status message, no payload of any channel holds
 * a piece (8 characters) of either, however deep it is walked or printed.
 */

const rate = 8000;
const audio = dialledDigitsPcm(['12', '34', '56'], { sampleRate: rate });
const tag = () => randomBytes(18).toString('base64url');
const planted = { iamToken: `t1.PLANTEDiam.${tag()}`, apiKey: `AQVN-PLANTEDapikey-${tag()}` };
const fragments = new SecretFragments().add(planted.iamToken, planted.apiKey);
const UNAVAILABLE = 14;
const INVALID_ARGUMENT = 3;

type Path = 'rollover' | 'recovery' | 'failure';
const plans: Record<Path, { fault: (call: number) => ProxyFault | undefined; extra: Partial<RecognizeStreamOptions> }> = {
  rollover: { fault: () => undefined, extra: { sessionLimits: { maxAudioMs: 1_000 } } },
  recovery: { fault: (call) => (call === 0 ? { code: UNAVAILABLE, afterMessages: 4 } : undefined), extra: {} },
  failure: { fault: () => ({ code: INVALID_ARGUMENT, afterMessages: 2 }), extra: {} },
};

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ auth: { iamTokens: [planted.iamToken], apiKeys: [planted.apiKey] }, statusEveryMs: 200 });
});
afterAll(() => emulator.close());

async function run(auth: AuthOptions, api: 'v2' | 'v3', path: Path) {
  const proxy = await startEchoProxy({ upstream: emulator.address, planted: () => [], fault: plans[path].fault });
  const stream = new RecognizeStream({
    endpoint: proxy.address,
    tls: false,
    auth,
    api,
    sampleRateHertz: rate,
    pace: 0,
    partialResults: true,
    retry: { minDelayMs: 10, maxDelayMs: 20 },
    ...plans[path].extra,
  });
  const error = await recognize(stream, audio).then(() => undefined, (e: unknown) => e);
  await proxy.close();
  return error;
}

describe('diagnostics payloads never carry a secret', () => {
  it('API key and IAM token, v2 and v3, through rollover, recovery and failure, behind a server echoing them', async () => {
    const listener = listen();
    try {
      const auths: AuthOptions[] = [{ apiKey: planted.apiKey }, { iamToken: planted.iamToken }];
      const errors = await Promise.all(auths.flatMap((auth) => (['v2', 'v3'] as const).flatMap((api) => (Object.keys(plans) as Path[]).map((path) => run(auth, api, path)))));
      // The runs went where they should, so every channel had payloads to check.
      expect(errors.filter(Boolean)).toHaveLength(4);
      for (const name of Object.values(C)) expect(listener.of(name).length, name).toBeGreaterThan(0);
      // The echo reached the payloads: the proxy's request ids (scrubbed of the credential, not dropped).
      expect(listener.of(C.SESSION_END).some((m) => m.requestId?.startsWith('req-'))).toBe(true);
      expect(listener.of(C.STREAM_ERROR).some((m) => m.error.message.includes('[echo: status'))).toBe(true);

      const payloads = listener.heard.map((h) => h.message);
      expectGraphClean(payloads, fragments, 'diagnostics payloads');
      expectNoFragment(inspect(payloads, { depth: Infinity, showHidden: true }), fragments, 'diagnostics payloads inspected');
      expectNoFragment(safeJson(payloads), fragments, 'diagnostics payloads as JSON');
      for (const { message } of listener.heard.filter((h) => h.name === C.STREAM_ERROR)) {
        const { error } = message as { error: Error };
        expectNoFragment(`${error.message}\n${error.stack}\n${String(error)}`, fragments, 'an error payload printed');
      }
    } finally {
      listener.stop();
    }
  });
});
