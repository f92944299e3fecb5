import { describe, expect, test } from 'tstyche';
import * as serve from 'speechkit-stream/serve';
import { createAudioForkServer, createTwilioServer, type ServeLine, type ServeServer } from 'speechkit-stream/serve';

describe('speechkit-stream/serve', () => {
  test('exports exactly these values', () => {
    expect<keyof typeof serve>().type.toBe<
      | 'createTwilioServer'
      | 'createAudioSocketServer'
      | 'createAudioForkServer'
      | 'createJambonzServer'
      | 'createBrowserServer'
      | 'createWebhook'
      | 'ServeErrorCodes'
      | 'ServeError'
    >();
  });

  test('a factory takes recognize options and resolves to a server', () => {
    expect(createTwilioServer({ recognizer: { auth: { apiKey: 'key' } }, port: 8080 })).type.toBe<Promise<ServeServer>>();
    expect(createTwilioServer).type.not.toBeCallableWith({ port: 8080 });
    expect(createAudioForkServer).type.toBeCallableWith({ recognizer: { auth: { apiKey: 'key' } }, mixType: 'stereo' as const, sampleRateHertz: 16000 as const });
    expect(createAudioForkServer).type.not.toBeCallableWith({ recognizer: { auth: { apiKey: 'key' } }, sampleRateHertz: 44100 });
  });

  test('lines narrow on `type`', () => {
    const line = {} as ServeLine;
    if (line.type === 'final') expect(line.text).type.toBe<string>();
    if (line.type === 'error') expect(line.code).type.toBe<string>();
    if (line.type === 'end') expect(line.call).type.toBe<string>();
  });

  test('no internals', () => {
    expect<import('speechkit-stream/serve').CallHub>().type.toRaiseError("has no exported member 'CallHub'");
  });
});
