import { describe, expect, it } from 'vitest';
import { resolveOptions, type RecognizeStreamOptions } from '../../src/options.js';

const auth = { iamToken: 'token-value-for-tests' };
const resolve = (encode: unknown) => resolveOptions({ auth, encode } as unknown as RecognizeStreamOptions).encode;

describe('the `encode` option', () => {
  it('is off by default; "opus" and the long form resolve with the defaults', () => {
    expect(resolve(undefined)).toBeUndefined();
    expect(resolve('opus')).toEqual({ codec: 'opus', bitrate: undefined, complexity: 5 });
    expect(resolve({ codec: 'opus', bitrate: 24000, complexity: 10 })).toEqual({ codec: 'opus', bitrate: 24000, complexity: 10 });
  });

  it.each([
    ['mp3', 'encode'],
    [{ codec: 'aac' }, 'encode.codec'],
    [{ codec: 'opus', bitrate: 1000 }, 'encode.bitrate'],
    [{ codec: 'opus', bitrate: 24000.5 }, 'encode.bitrate'],
    [{ codec: 'opus', complexity: 11 }, 'encode.complexity'],
    [{ codec: 'opus', frameMs: 20 }, 'encode.frameMs'],
    [null, 'encode'],
  ])('rejects %o synchronously, naming %s', (encode, option) => {
    expect(() => resolve(encode)).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option, message: expect.stringContaining(`\`${option}\``) }));
  });
});
