import { describe, expect, it } from 'vitest';
import { audioRequest, configRequest, mapResponse } from '../../src/api/v2.js';
import { resolveOptions } from '../../src/options.js';
import { messageType } from '../../src/transport/proto.js';

// Golden vectors from the wire fact sheet (section 7), encoded by the reference implementation.
const GOLDEN = {
  config: '0a150a0e080110c03e1a0572752d525538011203623167',
  audio: '12020909',
  response: '0a0f0a090a026869150000803f10011801',
  word: '0a0808011080cab5ee011a026869',
};

const v2 = (name: string) => messageType('v2', `yandex.cloud.ai.stt.v2.${name}`);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('v2 wire format', () => {
  it('encodes the settings message byte for byte as the service expects', () => {
    const options = resolveOptions({ auth: { iamToken: 't' }, folderId: 'b1g', languageCode: 'ru-RU', partialResults: true });
    const message = configRequest(options, { encoding: 'LINEAR16_PCM', sampleRateHertz: 8000, source: 'options' });
    expect(hex(v2('StreamingRecognitionRequest').serialize(message))).toBe(GOLDEN.config);
  });

  it('encodes an audio message', () => {
    expect(hex(v2('StreamingRecognitionRequest').serialize(audioRequest(Buffer.from([9, 9]))))).toBe(GOLDEN.audio);
  });

  it('decodes a response and maps it to a result', () => {
    const decoded = v2('StreamingRecognitionResponse').deserialize(Buffer.from(GOLDEN.response, 'hex'));
    const [result] = mapResponse(decoded as never, 3, (ms) => ms);
    expect(result).toMatchObject({ type: 'final', text: 'hi', final: true, endOfUtterance: true, session: 3 });
    expect(result!.alternatives[0]!.confidence).toBe(1);
  });

  it('decodes word times and moves them to whole-stream time', () => {
    const word = v2('WordInfo').deserialize(Buffer.from(GOLDEN.word, 'hex'));
    expect(word).toMatchObject({ word: 'hi', start_time: { seconds: 1, nanos: 500_000_000 } });
    expect(hex(v2('WordInfo').serialize({ start_time: { seconds: 1, nanos: 500_000_000 }, word: 'hi' }))).toBe(GOLDEN.word);
    const [result] = mapResponse({ chunks: [{ alternatives: [{ text: 'hi', confidence: 0, words: [word as never] }], final: true, end_of_utterance: false }] }, 1, (ms) => 60_000 + ms);
    expect(result!.alternatives[0]!.words[0]).toMatchObject({ text: 'hi', startMs: 61_500, endMs: 60_000 });
    expect(result!.startMs).toBe(61_500);
  });
});
