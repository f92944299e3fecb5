import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authFromEnvironment, refuseSecretArguments } from '../../src/cli/auth.js';
import { runRecognize } from '../../src/cli/recognize.js';
import { createServiceAccountKey, dialledDigitsPcm } from '../../src/emulator/index.js';
import { writeKeyFile } from '../helpers/auth.js';
import { withEmulator } from '../helpers/emulator.js';

afterEach(() => vi.restoreAllMocks());

describe('CLI credentials', () => {
  it('come from --key-file, then SPEECHKIT_KEY_FILE, SPEECHKIT_API_KEY, SPEECHKIT_IAM_TOKEN', () => {
    const env = { SPEECHKIT_KEY_FILE: '/env/key.json', SPEECHKIT_API_KEY: 'api', SPEECHKIT_IAM_TOKEN: 'iam' };
    expect(authFromEnvironment({ keyFile: '/arg/key.json' }, env)).toEqual({ serviceAccountKey: '/arg/key.json' });
    expect(authFromEnvironment({}, env)).toEqual({ serviceAccountKey: '/env/key.json' });
    expect(authFromEnvironment({}, { ...env, SPEECHKIT_KEY_FILE: '' })).toEqual({ apiKey: 'api' });
    expect(authFromEnvironment({}, { SPEECHKIT_IAM_TOKEN: 'iam' })).toEqual({ iamToken: 'iam' });
    expect(authFromEnvironment({ iamEndpoint: 'http://127.0.0.1:1/iam/v1/tokens' }, env)).toEqual({
      serviceAccountKey: '/env/key.json',
      iamEndpoint: 'http://127.0.0.1:1/iam/v1/tokens',
    });
    expect(authFromEnvironment({}, { SPEECHKIT_KEY_FILE: '/k', SPEECHKIT_IAM_ENDPOINT: 'https://iam.example/iam/v1/tokens' })).toEqual({
      serviceAccountKey: '/k',
      iamEndpoint: 'https://iam.example/iam/v1/tokens',
    });
    expect(() => authFromEnvironment({}, {})).toThrow(/No credentials: pass --key-file PATH, or set SPEECHKIT_KEY_FILE/);
    expect(() => authFromEnvironment({ iamEndpoint: 'https://x/' }, { SPEECHKIT_API_KEY: 'k' })).toThrow(/only applies with a key file/);
  });

  it('are never taken from arguments, and the refusal does not repeat them', () => {
    for (const argv of [['--api-key', 'AQVN-secret'], ['--iam-token=t1.secret'], ['f.wav', '--TOKEN', 'x'], ['--key', 'x']]) {
      let error: unknown;
      try {
        refuseSecretArguments(argv);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_OPTION', message: expect.stringMatching(/visible to every user in `ps`/) });
      expect((error as Error).message).not.toMatch(/secret/);
    }
    expect(() => refuseSecretArguments(['f.wav', '--key-file', '/k.json', '--rate', '8000'])).not.toThrow();
  });

  it('recognize --key-file authenticates with the service-account key against the emulator', async () => {
    const key = createServiceAccountKey();
    const keyFile = writeKeyFile(key);
    const audioFile = join(dirname(keyFile), 'audio.pcm');
    writeFileSync(audioFile, dialledDigitsPcm(['2026'], { sampleRate: 8000 }));
    await withEmulator({ iam: { keys: [key] } }, async (emulator) => {
      const printed: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
      const code = await runRecognize([
        audioFile, '--endpoint', emulator.address, '--insecure', '--key-file', keyFile,
        '--iam-endpoint', emulator.iam!.endpoint, '--rate', '8000', '--pace', '0', '--json',
      ]);
      expect(code).toBe(0);
      expect(printed.map((l) => JSON.parse(l)).filter((r) => r.final).map((r) => r.text)).toEqual(['2026']);
      expect(emulator.iam!.exchanges).toEqual([expect.objectContaining({ ok: true, keyId: key.id })]);
    });
    await expect(runRecognize([audioFile, '--api-key', 'AQVN-secret'])).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_OPTION' });
  });
});
