import { describe, expect, test } from 'tstyche';
import {
  createRecognizeStream,
  createSessionStartLimiter,
  type Clock,
  type RecognizeStreamOptions,
} from 'speechkit-stream';

const auth = { apiKey: 'key' };
declare const clock: Clock;

describe('RecognizeStreamOptions', () => {
  test('accepts what the README shows', () => {
    expect(createRecognizeStream).type.toBeCallableWith({ auth });
    expect(createRecognizeStream).type.toBeCallableWith({ auth: { iamToken: 't' }, folderId: 'f', languageCode: 'ru-RU', partialResults: true });
    expect(createRecognizeStream).type.toBeCallableWith({ auth: { serviceAccountKey: '/run/secrets/sa-key.json' } });
    expect(createRecognizeStream).type.toBeCallableWith({ auth: { getIamToken: async ({ forceRefresh }: { forceRefresh: boolean }) => String(forceRefresh) } });
    expect(createRecognizeStream).type.toBeCallableWith({ auth, audioEncoding: 'MULAW', retry: false, idle: 'close', encode: 'opus' });
    expect(createRecognizeStream).type.toBeCallableWith({
      auth,
      api: 'v3',
      eouClassifier: { type: 'default', sensitivity: 'high' },
      rollover: { softRatio: 0.7 },
      retry: { retries: 3 },
      idle: { policy: 'keepalive', afterMs: 2000 },
      startLimiter: createSessionStartLimiter({ perSecond: 100, clock }),
      clock,
    });
  });

  test('auth is required and takes known kinds only', () => {
    expect(createRecognizeStream).type.not.toBeCallableWith({});
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth: { token: 't' } });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth: { apiKey: 42 } });
  });

  test('rejects wrong types', () => {
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, pace: '1' });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, api: 'v4' });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, audioEncoding: 'MP3' });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, retry: true });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, idle: 'sleep' });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, encode: 'mp3' });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, rollover: { softRatio: '0.8' } });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, eouClassifier: 'manual' });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, clock: { now: () => 0 } });
  });

  test('rejects unknown options (a typo is not silently ignored)', () => {
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, paec: 1 });
    expect(createRecognizeStream).type.not.toBeCallableWith({ auth, partialResult: true });
  });

  test('every option but auth is optional', () => {
    expect<keyof { [K in keyof RecognizeStreamOptions as {} extends Pick<RecognizeStreamOptions, K> ? never : K]: 0 }>().type.toBe<'auth'>();
  });
});
