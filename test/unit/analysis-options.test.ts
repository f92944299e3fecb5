import { describe, expect, it } from 'vitest';
import { sessionOptionsRequest } from '../../src/api/v3.js';
import { ErrorCodes, SpeechKitError } from '../../src/errors.js';
import { resolveOptions, type RecognizeStreamOptions } from '../../src/options.js';
import { messageType } from '../../src/transport/proto.js';

const request = messageType('v3', 'speechkit.stt.v3.StreamingRequest');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const pcm16k = { encoding: 'LINEAR16_PCM', sampleRateHertz: 16000, source: 'options' } as const;
const resolve = (extra: Record<string, unknown>) => resolveOptions({ auth: { iamToken: 't' }, api: 'v3', ...extra } as RecognizeStreamOptions);
const sessionOptions = (extra: Record<string, unknown>) => sessionOptionsRequest(resolve({ model: 'general', textNormalization: false, ...extra }), pcm16k).session_options!;

function refusal(extra: Record<string, unknown>): SpeechKitError {
  try {
    resolve(extra);
  } catch (error) {
    return error as SpeechKitError;
  }
  throw new Error('accepted');
}

describe('v3 analysis options on the wire', () => {
  it('encodes a classifier byte for byte (hand-encoded: the golden session options, then field 3)', () => {
    const message = sessionOptionsRequest(resolve({ model: 'general', textNormalization: false, classifiers: [{ name: 'answerphone', triggers: ['onUtterance'] }] }), pcm16k);
    // 0a2a: session_options (42 bytes) = recognition_model (the fact sheet's golden 22 bytes)
    // + 1a12 recognition_classifier { 0a10 classifiers { 0a0b "answerphone", 1201 01 triggers [ON_UTTERANCE] (packed) } }
    const golden = '0a2a' + '0a140a0767656e6572616c12090a07080110807d1801' + '1a12' + '0a10' + '0a0b' + Buffer.from('answerphone').toString('hex') + '120101';
    expect(hex(request.serialize(message))).toBe(golden);
  });

  it('builds every analysis field from the options, and nothing that was not asked for', () => {
    expect(sessionOptions({})).toEqual({ recognition_model: expect.anything() });
    const all = sessionOptions({
      textNormalization: true,
      phoneFormatting: false,
      classifiers: [{ name: 'answerphone', triggers: ['onUtterance', 'onFinal', 'onPartial', 'onFinal'] }, { name: 'insult', triggers: ['onFinal'] }],
      speechAnalysis: { speakerAnalysis: true, conversationAnalysis: true, quantiles: [0.9, 0.5], silenceThresholdMs: 300, simultaneousSilenceThresholdMs: 500, simultaneousSpeechThresholdMs: 200 },
      speakerLabeling: true,
      summarization: {
        modelUri: 'gpt://b1g/yandexgpt-lite/latest',
        properties: [{ instruction: 'Summarize' }, { instruction: 'JSON', format: 'json' }, { instruction: 'Schema', format: { jsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], n: 1, x: null } } }],
      },
    });
    expect(all.recognition_model!.text_normalization).toEqual({ text_normalization: 'TEXT_NORMALIZATION_ENABLED', phone_formatting_mode: 'PHONE_FORMATTING_MODE_DISABLED' });
    expect(all.recognition_classifier).toEqual({
      classifiers: [
        { classifier: 'answerphone', triggers: ['ON_UTTERANCE', 'ON_FINAL', 'ON_PARTIAL'] },
        { classifier: 'insult', triggers: ['ON_FINAL'] },
      ],
    });
    expect(all.speech_analysis).toEqual({
      enable_speaker_analysis: true,
      enable_conversation_analysis: true,
      descriptive_statistics_quantiles: [0.5, 0.9],
      speaker_options: { silence_threshold_ms: 300 },
      converstation_options: { simultaneous_silence_threshold_ms: 500, simultaneous_speech_threshold_ms: 200 },
    });
    expect(all.speaker_labeling).toEqual({ speaker_labeling: 'SPEAKER_LABELING_ENABLED' });
    expect(all.summarization).toEqual({
      model_uri: 'gpt://b1g/yandexgpt-lite/latest',
      properties: [
        { instruction: 'Summarize' },
        { instruction: 'JSON', json_object: true },
        {
          instruction: 'Schema',
          json_schema: {
            schema: {
              fields: {
                type: { stringValue: 'object' },
                properties: { structValue: { fields: { ok: { structValue: { fields: { type: { stringValue: 'boolean' } } } } } } },
                required: { listValue: { values: [{ stringValue: 'ok' }] } },
                n: { numberValue: 1 },
                x: { nullValue: 'NULL_VALUE' },
              },
            },
          },
        },
      ],
    });
    // It survives the codec: the Struct and the misspelled field number 5 included.
    const decoded = request.deserialize(request.serialize({ session_options: all })) as Record<string, any>;
    expect(decoded.session_options.speech_analysis.converstation_options).toEqual({ simultaneous_silence_threshold_ms: 500, simultaneous_speech_threshold_ms: 200 });
    expect(decoded.session_options.summarization.properties[2].json_schema.schema.fields.required.listValue.values[0].stringValue).toBe('ok');
    expect(sessionOptions({ speechAnalysis: { conversationAnalysis: true } }).speech_analysis).toEqual({ enable_conversation_analysis: true });
  });
});

describe('v3 analysis options are validated before any traffic', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['classifiers', { classifiers: [] }, 'classifiers'],
    ['a classifier name', { classifiers: [{ name: 'Answer Phone', triggers: ['onUtterance'] }] }, 'classifiers[0].name'],
    ['a classifier twice', { classifiers: [{ name: 'a', triggers: ['onFinal'] }, { name: 'a', triggers: ['onFinal'] }] }, 'classifiers[1].name'],
    ['no trigger', { classifiers: [{ name: 'answerphone', triggers: [] }] }, 'classifiers[0].triggers'],
    ['a trigger', { classifiers: [{ name: 'answerphone', triggers: ['ON_UTTERANCE'] }] }, 'classifiers[0].triggers'],
    ['a classifier key', { classifiers: [{ name: 'answerphone', triggers: ['onFinal'], window: 1 }] }, 'classifiers[0].window'],
    ['speech analysis asking for nothing', { speechAnalysis: {} }, 'speechAnalysis'],
    ['a quantile of 1', { speechAnalysis: { speakerAnalysis: true, quantiles: [0.5, 1] } }, 'speechAnalysis.quantiles'],
    ['a fractional threshold', { speechAnalysis: { speakerAnalysis: true, silenceThresholdMs: 1.5 } }, 'speechAnalysis.silenceThresholdMs'],
    ['a speaker threshold without speaker analysis', { speechAnalysis: { conversationAnalysis: true, silenceThresholdMs: 100 } }, 'speechAnalysis.silenceThresholdMs'],
    ['a conversation threshold without conversation analysis', { speechAnalysis: { speakerAnalysis: true, simultaneousSpeechThresholdMs: 100 } }, 'speechAnalysis.simultaneousSpeechThresholdMs'],
    ['speaker labeling', { speakerLabeling: 'yes' }, 'speakerLabeling'],
    ['a model URI', { summarization: { modelUri: 'yandexgpt', properties: [{ instruction: 'x' }] } }, 'summarization.modelUri'],
    ['no properties', { summarization: { modelUri: 'gpt://b1g/m', properties: [] } }, 'summarization.properties'],
    ['an empty instruction', { summarization: { modelUri: 'gpt://b1g/m', properties: [{ instruction: ' ' }] } }, 'summarization.properties[0].instruction'],
    ['a format', { summarization: { modelUri: 'gpt://b1g/m', properties: [{ instruction: 'x', format: 'xml' }] } }, 'summarization.properties[0].format'],
    ['a schema that is not JSON', { summarization: { modelUri: 'gpt://b1g/m', properties: [{ instruction: 'x', format: { jsonSchema: { n: Number.NaN } } }] } }, 'summarization.properties[0].format.jsonSchema'],
    ['phone formatting off without normalization', { textNormalization: false, phoneFormatting: false }, 'phoneFormatting'],
  ])('refuses %s, naming the option', (_name, extra, option) => {
    const error = refusal(extra);
    expect(error).toBeInstanceOf(SpeechKitError);
    expect(error).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option });
  });

  it('refuses each analysis option with API v2 (it has no such setting)', () => {
    for (const [key, value] of Object.entries({
      classifiers: [{ name: 'answerphone', triggers: ['onUtterance'] }],
      speechAnalysis: { speakerAnalysis: true },
      speakerLabeling: true,
      summarization: { modelUri: 'gpt://b1g/m', properties: [{ instruction: 'x' }] },
      phoneFormatting: false,
    })) {
      const error = refusal({ api: 'v2', [key]: value });
      expect(error).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: key });
      expect(error.message).toMatch(/api: 'v3'/);
    }
  });
});
