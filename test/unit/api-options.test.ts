import { describe, expect, it } from 'vitest';
import { resolveOptions, type RecognizeStreamOptions } from '../../src/options.js';
import { createRecognizeStream } from '../../src/recognize-stream.js';

const auth = { iamToken: 'token-value-for-tests' };

function rejects(options: Record<string, unknown>, option: string, message?: RegExp): void {
  let thrown: unknown;
  try {
    resolveOptions({ auth, ...options } as unknown as RecognizeStreamOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected \`${option}\` to be rejected`).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option });
  expect((thrown as Error).message).toContain(`\`${option}\``);
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('api and v3 options', () => {
  it('defaults to v2, and v3 normalizes text unless raw results were asked for', () => {
    expect(resolveOptions({ auth })).toMatchObject({ api: 'v2' });
    expect(resolveOptions({ auth, api: 'v3' }).v3).toEqual({
      textNormalization: true,
      languageRestriction: undefined,
      eouClassifier: undefined,
      audioProcessingType: undefined,
      compressSilence: undefined,
      analysis: { classifiers: undefined, speechAnalysis: undefined, speakerLabeling: false, summarization: undefined, phoneFormatting: true },
    });
    expect(resolveOptions({ auth, api: 'v3', rawResults: true }).v3.textNormalization).toBe(false);
    expect(resolveOptions({ auth, api: 'v3', textNormalization: false }).v3.textNormalization).toBe(false);
  });

  it('resolves the shorthand forms', () => {
    const o = resolveOptions({ auth, api: 'v3', eouClassifier: 'external', compressSilence: true, languageRestriction: { languageCodes: ['ru-RU', 'kk-KZ'] } });
    expect(o.v3).toMatchObject({
      eouClassifier: { type: 'external' },
      compressSilence: { afterMs: 500 },
      languageRestriction: { type: 'whitelist', languageCodes: ['ru-RU', 'kk-KZ'] },
    });
    expect(resolveOptions({ auth, api: 'v3', eouClassifier: { type: 'default', sensitivity: 'high', maxPauseBetweenWordsHintMs: 800 } }).v3.eouClassifier).toEqual({
      type: 'default',
      sensitivity: 'high',
      maxPauseBetweenWordsHintMs: 800,
    });
    expect(resolveOptions({ auth, api: 'v3', compressSilence: { afterMs: 0 } }).v3.compressSilence).toEqual({ afterMs: 0 });
  });

  it('refuses settings of the other API, naming them', () => {
    for (const option of ['textNormalization', 'languageRestriction', 'eouClassifier', 'audioProcessingType', 'compressSilence']) {
      rejects({ [option]: option === 'textNormalization' ? true : 'x' }, option, /api: 'v3'/);
    }
    rejects({ api: 'v3', normalizePartials: true }, 'normalizePartials', /textNormalization/);
    rejects({ api: 'v1' }, 'api');
  });

  it('refuses contradictions and bad values', () => {
    rejects({ api: 'v3', rawResults: true, textNormalization: true }, 'textNormalization', /rawResults/);
    rejects({ api: 'v3', languageCode: 'ru-RU', languageRestriction: { languageCodes: ['en-US'] } }, 'languageRestriction', /languageCode/);
    rejects({ api: 'v3', languageRestriction: { languageCodes: [] } }, 'languageRestriction.languageCodes');
    rejects({ api: 'v3', languageRestriction: { languageCodes: ['english'] } }, 'languageRestriction.languageCodes');
    rejects({ api: 'v3', languageRestriction: { type: 'allow', languageCodes: ['ru-RU'] } }, 'languageRestriction.type');
    rejects({ api: 'v3', languageRestriction: { languages: ['ru-RU'] } }, 'languageRestriction.languages');
    rejects({ api: 'v3', eouClassifier: 'smart' }, 'eouClassifier.type');
    rejects({ api: 'v3', eouClassifier: { type: 'external', sensitivity: 'high' } }, 'eouClassifier');
    rejects({ api: 'v3', eouClassifier: { type: 'default', sensitivity: 'low' } }, 'eouClassifier.sensitivity');
    for (const hint of [0, -5, 1.5, 60_000, '800']) rejects({ api: 'v3', eouClassifier: { type: 'default', maxPauseBetweenWordsHintMs: hint } }, 'eouClassifier.maxPauseBetweenWordsHintMs');
    rejects({ api: 'v3', audioProcessingType: 'real_time' }, 'audioProcessingType');
    rejects({ api: 'v3', compressSilence: 'yes' }, 'compressSilence');
    for (const afterMs of [-1, NaN, 20_000]) rejects({ api: 'v3', compressSilence: { afterMs } }, 'compressSilence.afterMs');
    rejects({ api: 'v3', compressSilence: { minMs: 100 } }, 'compressSilence.minMs');
  });

  it('refuses markEndOfUtterance() unless the external classifier is chosen', () => {
    for (const options of [{}, { api: 'v3' as const }, { api: 'v3' as const, eouClassifier: 'default' as const }]) {
      const stream = createRecognizeStream({ auth, sampleRateHertz: 8000, ...options });
      expect(() => stream.markEndOfUtterance()).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option: 'eouClassifier' }));
      stream.destroy();
    }
  });
});
