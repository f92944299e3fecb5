import { describe, expect, it } from 'vitest';
import { resolveOptions, type RecognizeStreamOptions } from '../../src/options.js';

const auth = { iamToken: 'token-value-for-tests' };

function rejects(options: Record<string, unknown>, option: string): void {
  let thrown: unknown;
  try {
    resolveOptions(options as unknown as RecognizeStreamOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected \`${option}\` to be rejected`).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option });
  expect((thrown as Error).message).toContain(`\`${option}\``);
}

describe('resolveOptions', () => {
  it('applies documented defaults', () => {
    const o = resolveOptions({ auth });
    expect(o).toMatchObject({
      endpoint: 'stt.api.cloud.yandex.net:443',
      tls: true,
      chunkMs: 100,
      pace: 1,
      sessionLimits: { maxAudioMs: 300_000, maxBytes: 10_000_000 },
      partialResults: false,
      audioEncoding: undefined,
    });
  });

  it('names the option and what was expected', () => {
    rejects({ auth, audioEncoding: 'MP3' }, 'audioEncoding');
    rejects({ auth, audioEncoding: 'linear16_pcm' }, 'audioEncoding');
    rejects({ auth, sampleRateHertz: 44100 }, 'sampleRateHertz');
    rejects({ auth, sampleRateHertz: '16000' }, 'sampleRateHertz');
    for (const chunkMs of [0, 5, 1001, 2.5, NaN, Infinity, -100, '100']) rejects({ auth, chunkMs }, 'chunkMs');
    for (const pace of [-1, NaN, Infinity, '1']) rejects({ auth, pace }, 'pace');
    rejects({}, 'auth');
    rejects({ auth: {} }, 'auth');
    rejects({ auth: { iamToken: '' } }, 'auth.iamToken');
    rejects({ auth: { apiKey: 42 } }, 'auth.apiKey');
    rejects({ auth: { iamToken: 'a', apiKey: 'b' } }, 'auth');
    rejects({ auth: { password: 'x' } }, 'auth');
    rejects({ auth, folderId: 'x'.repeat(51) }, 'folderId');
    rejects({ auth, folderId: '' }, 'folderId');
    rejects({ auth, endpoint: 'https://stt.api.cloud.yandex.net' }, 'endpoint');
    rejects({ auth, endpoint: 'stt.api.cloud.yandex.net' }, 'endpoint');
    rejects({ auth, languageCode: 'русский' }, 'languageCode');
    rejects({ auth, partialResults: 'yes' }, 'partialResults');
    rejects({ auth, sessionLimits: { maxAudioMs: 400_000 } }, 'sessionLimits.maxAudioMs');
    rejects({ auth, sessionLimits: { maxBytes: 20_000_000 } }, 'sessionLimits.maxBytes');
    rejects({ auth, signal: {} }, 'signal');
    rejects({ auth, metadata: { Authorization: 'x' } }, 'metadata["Authorization"]');
    rejects({ auth, metadata: { authorization: 'x' } }, 'metadata["authorization"]');
    rejects({ auth, chunkMS: 100 }, 'chunkMS');
    rejects({ auth, maxBufferedMs: 10 }, 'maxBufferedMs');
    rejects({ auth, audioEncoding: 'PCMU' }, 'audioEncoding');
    rejects({ auth, audioEncoding: 'MULAW', sampleRateHertz: 16000 }, 'sampleRateHertz');
    rejects({ auth, startLimiter: { perSecond: 40 } }, 'startLimiter');
    rejects({ auth, startLimiter: true }, 'startLimiter');
  });

  it('accepts a folder ID of exactly 50 characters and every supported rate', () => {
    expect(resolveOptions({ auth, folderId: 'b'.repeat(50) }).folderId).toHaveLength(50);
    for (const rate of [8000, 16000, 48000]) expect(resolveOptions({ auth, sampleRateHertz: rate }).sampleRateHertz).toBe(rate);
  });

  it('takes G.711 telephone audio at 8 kHz, the rate implied when omitted', () => {
    for (const audioEncoding of ['MULAW', 'ALAW'] as const) {
      expect(resolveOptions({ auth, audioEncoding })).toMatchObject({ audioEncoding, sampleRateHertz: 8000 });
      expect(resolveOptions({ auth, audioEncoding, sampleRateHertz: 8000 }).sampleRateHertz).toBe(8000);
    }
  });

  it('allows plaintext only to loopback unless told to insist', () => {
    expect(resolveOptions({ auth, endpoint: '127.0.0.1:5000', tls: false }).tls).toBe(false);
    expect(resolveOptions({ auth, endpoint: 'localhost:5000', tls: false }).tls).toBe(false);
    expect(resolveOptions({ auth, endpoint: '[::1]:5000', tls: false }).tls).toBe(false);
    rejects({ auth, endpoint: 'stt.example.com:80', tls: false }, 'tls');
    expect(resolveOptions({ auth, endpoint: 'stt.example.com:80', tls: false, allowInsecure: true }).tls).toBe(false);
  });

  it('never puts a credential into the error message', () => {
    const secret = 'AQVN-super-secret-key\nwith-newline';
    try {
      resolveOptions({ auth: { apiKey: secret } });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('super-secret');
    }
  });
});
