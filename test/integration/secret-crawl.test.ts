import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTraceSink } from '../../src/debug.js';
import { createServiceAccountKey, dialledDigitsPcm, startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { AuthOptions, RecognizeStreamOptions } from '../../src/options.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { startEchoProxy, startRecordingIam, type ProxyFault, type RecordingIam } from '../helpers/echo-proxy.js';
import { recognize } from '../helpers/emulator.js';
import { everyRendering, expectGraphClean, expectNoFragment, safeJson, SecretFragments } from '../helpers/secret-crawl.js';

/**
 * Planted, distinctive secrets of every kind go through a hostile server that echoes them in every
 * response header, status detail, trailer and v3 status message. Then everything reachable from
 * the stream (walked during the run and after it), every event payload, the error in every
 * rendering and the debug log must hold no piece of 8 characters of any of them, on API v2 and
 * v3, through success, rollover, recovery and each failure.
 */

const rate = 8000;
const audio = dialledDigitsPcm(['12', '34', '56'], { sampleRate: rate });
const grpc = { UNAVAILABLE: 14, INVALID_ARGUMENT: 3, UNAUTHENTICATED: 16 } as const;

const tag = () => randomBytes(18).toString('base64url');
const planted = {
  iamToken: `t1.PLANTEDiam.${tag()}`,
  apiKey: `AQVN-PLANTEDapikey-${tag()}`,
  providerToken: `t1.PLANTEDprovider.${tag()}`,
};
const key = createServiceAccountKey();
const pemBody = key.private_key.replace(/^[^]*?-----BEGIN PRIVATE KEY-----/, '').replace(/-----END PRIVATE KEY-----[^]*$/, '');
const pemLines = pemBody.split('\n').filter(Boolean);
const fragments = new SecretFragments().add(planted.iamToken, planted.apiKey, planted.providerToken, pemLines.join(''), ...pemLines);

const traceLines: string[] = [];
let emulator: Emulator;
let iam: RecordingIam;

beforeAll(async () => {
  setTraceSink((line) => traceLines.push(line), ['*']);
  iam = await startRecordingIam(() => emulator.iam!.endpoint);
  emulator = await startEmulator({
    auth: { iamTokens: [planted.iamToken, planted.providerToken], apiKeys: [planted.apiKey] },
    iam: { keys: [key], audience: iam.url },
    statusEveryMs: 200,
  });
});
afterAll(async () => {
  setTraceSink(undefined);
  iam.close();
  await emulator.close();
});

type Kind = 'iamToken' | 'apiKey' | 'serviceAccountKey' | 'getIamToken';
type Path = 'success' | 'rollover' | 'recovery' | 'UNAUTHENTICATED' | 'INVALID_ARGUMENT' | 'UNAVAILABLE';

function authFor(kind: Kind): AuthOptions {
  switch (kind) {
    case 'iamToken':
      return { iamToken: planted.iamToken };
    case 'apiKey':
      return { apiKey: planted.apiKey };
    case 'getIamToken':
      return { getIamToken: async () => planted.providerToken };
    case 'serviceAccountKey':
      return { serviceAccountKey: key, iamEndpoint: iam.url };
  }
}

const plans: Record<Path, { fault: (call: number) => ProxyFault | undefined; extra: Partial<RecognizeStreamOptions>; expect: string | undefined }> = {
  success: { fault: () => undefined, extra: {}, expect: undefined },
  rollover: { fault: () => undefined, extra: { sessionLimits: { maxAudioMs: 1_000 } }, expect: undefined },
  recovery: { fault: (call) => (call === 0 ? { code: grpc.UNAVAILABLE, afterMessages: 4 } : undefined), extra: {}, expect: undefined },
  UNAUTHENTICATED: { fault: () => ({ code: grpc.UNAUTHENTICATED, afterMessages: 2 }), extra: {}, expect: 'SPEECHKIT_ERR_UNAUTHENTICATED' },
  INVALID_ARGUMENT: { fault: () => ({ code: grpc.INVALID_ARGUMENT, afterMessages: 2 }), extra: {}, expect: 'SPEECHKIT_ERR_INVALID_ARGUMENT' },
  UNAVAILABLE: {
    fault: () => ({ code: grpc.UNAVAILABLE, afterMessages: 2 }),
    extra: { retry: { retries: 2, minDelayMs: 10, maxDelayMs: 20 } },
    expect: 'SPEECHKIT_ERR_RETRIES_EXHAUSTED',
  },
};

interface Outcome {
  label: string;
  code: string | undefined;
  sessions: number;
  finals: number;
  calls: number;
  sawEchoHeaders: boolean;
  sawEchoStatus: boolean;
  echoInError: boolean;
  leaks: string[];
}

/** The secrets this run put in play that the test did not plant itself: JWTs and issued tokens. */
function learned(): string[] {
  return [...iam.jwts, ...iam.jwts.map((jwt) => jwt.split('.')[2]!), ...iam.tokens];
}

async function run(kind: Kind, api: 'v2' | 'v3', path: Path): Promise<Outcome> {
  const label = `${kind} ${api} ${path}`;
  const plan = plans[path];
  // The proxy echoes what it is sent; with a key, also two of its lines and the newest JWT and token
  // (secrets the stream holds: one that never held a key cannot know to scrub another's).
  const proxy = await startEchoProxy({
    upstream: emulator.address,
    planted: () => (kind === 'serviceAccountKey' ? [pemLines[3]!, pemLines[10]!, iam.jwts.at(-1) ?? '', iam.tokens.at(-1) ?? ''].filter(Boolean) : []),
    fault: plan.fault,
  });
  const stream = new RecognizeStream({
    endpoint: proxy.address,
    tls: false,
    auth: authFor(kind),
    sampleRateHertz: rate,
    pace: 0,
    api,
    retry: { minDelayMs: 10, maxDelayMs: 20 },
    ...plan.extra,
  });
  const payloads: { name: string; args: unknown[] }[] = [];
  // A leak found inside an event handler is recorded, not thrown into the stream's machinery.
  const leaks: string[] = [];
  const check = (assertion: () => void) => {
    try {
      assertion();
    } catch (leak) {
      leaks.push((leak as Error).message);
    }
  };
  const emit = stream.emit.bind(stream);
  let sawEchoHeaders = false;
  let sawEchoStatus = false;
  stream.emit = ((name: string | symbol, ...args: unknown[]) => {
    if (name !== 'data') payloads.push({ name: String(name), args });
    if (name === 'session') sawEchoHeaders ||= JSON.stringify(args).includes('req-');
    if (name === 'status') sawEchoStatus ||= JSON.stringify(args).includes('proxy warning: v3-status');
    // The stream's state while sessions are live: what a debugger or a heap walk would find.
    if (name === 'session' || name === 'retry' || name === 'rollover' || name === 'error' || name === 'credentials') {
      check(() => expectGraphClean(stream, learnedFragments(), `${label}: the stream at '${String(name)}'`));
    }
    return emit(name, ...args);
  }) as typeof stream.emit;

  let results: RecognitionResult[] = [];
  let error: (Error & { code?: string }) | undefined;
  try {
    results = await recognize(stream, audio);
  } catch (caught) {
    error = caught as Error & { code?: string };
  }
  await proxy.close();
  const all = learnedFragments();
  check(() => expectGraphClean(stream, all, `${label}: the stream after the end`));
  check(() => expectGraphClean(payloads, all, `${label}: event payloads`));
  check(() => expectNoFragment(inspect(payloads, { depth: Infinity, showHidden: true }) + safeJson(payloads), all, `${label}: event payloads printed`));
  check(() =>
    expectNoFragment(
      [inspect(stream), inspect(stream.options, { depth: Infinity, showHidden: true }), safeJson(stream.options), String(stream.options.auth)].join('\n'),
      all,
      `${label}: the stream printed`,
    ),
  );
  if (error) {
    check(() => expectGraphClean(error, all, `${label}: the error`));
    check(() => expectNoFragment(everyRendering(error), all, `${label}: the error printed`));
  }
  return {
    label,
    code: error?.code,
    sessions: stream.sessionCount,
    finals: results.filter((r) => r.final).length,
    calls: proxy.calls,
    sawEchoHeaders,
    sawEchoStatus,
    echoInError: error?.message.includes('[echo: status') ?? false,
    leaks: [...new Set(leaks)],
  };
}

function learnedFragments(): SecretFragments {
  return new SecretFragments().add(planted.iamToken, planted.apiKey, planted.providerToken, pemLines.join(''), ...pemLines, ...learned());
}

const kinds: Kind[] = ['iamToken', 'apiKey', 'serviceAccountKey', 'getIamToken'];
const paths = Object.keys(plans) as Path[];

describe('no secret is reachable from the stream, its events, its errors or the debug log', () => {
  for (const api of ['v2', 'v3'] as const) {
    it(`API ${api}: every credential kind through success, rollover, recovery and failures, behind a server echoing them`, async () => {
      const outcomes = await Promise.all(kinds.flatMap((kind) => paths.map((path) => run(kind, api, path))));

      expect(outcomes.flatMap((o) => o.leaks)).toEqual([]);
      for (const o of outcomes) {
        const path = o.label.split(' ')[2] as Path;
        expect(o.code, o.label).toBe(plans[path].expect);
        // The echo really reached the client: the session event saw the proxy's headers.
        expect(o.sawEchoHeaders, `${o.label}: echoed headers reached the stream`).toBe(true);
        expect(o.sawEchoStatus, `${o.label}: the echoing v3 status message reached the stream`).toBe(api === 'v3');
        // The echoing status details reached the error (scrubbed of the secrets, not dropped).
        expect(o.echoInError, `${o.label}: echoed details in the error`).toBe(plans[path].expect !== undefined);
        if (path === 'success') expect(o.finals, o.label).toBe(3);
        if (path === 'rollover') expect(o.sessions, o.label).toBeGreaterThan(2);
        if (path === 'recovery') expect([o.sessions, o.finals], o.label).toEqual([2, 3]);
        if (path === 'UNAVAILABLE') expect(o.calls, o.label).toBe(3);
      }
      // The key really was exchanged: JWTs went to IAM and tokens came back and were used.
      expect(iam.jwts.length).toBeGreaterThan(0);
      expect(iam.tokens.length).toBeGreaterThan(0);
      // The debug log was on and spoke about the key's tokens, without any secret.
      expect(traceLines.some((l) => /new IAM token for service account/.test(l))).toBe(true);
      expectNoFragment(traceLines.join('\n'), learnedFragments(), 'the SPEECHKIT_TRACE output');
    }, 120_000);
  }

  it('stream.options shows which kind of credential, never its value', () => {
    const views = kinds.map((kind) => new RecognizeStream({ endpoint: emulator.address, tls: false, auth: authFor(kind) }));
    expect(views.map((s) => JSON.parse(JSON.stringify(s.options.auth)))).toEqual([
      { iamToken: '[redacted]' },
      { apiKey: '[redacted]' },
      { serviceAccountKey: '[redacted]', iamEndpoint: iam.url },
      { getIamToken: '[redacted]' },
    ]);
    for (const s of views) {
      expect(inspect(s.options.auth)).toMatch(/^\{\s+\w+: '\[redacted\]'/);
      expect(String(s.options.auth)).toBe('[redacted]');
      expectNoFragment(inspect(s, { depth: Infinity, showHidden: true }) + safeJson(s.options), fragments, 'a new stream printed');
      expectGraphClean(s, fragments, 'a new stream');
      s.destroy();
    }
  });
});
