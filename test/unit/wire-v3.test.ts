import { describe, expect, it } from 'vitest';
import { chunkRequest, eouRequest, sessionOptionsRequest, silenceRequest, v3Metadata, v3ResponseMapper } from '../../src/api/v3.js';
import { resolveOptions, type RecognizeStreamOptions } from '../../src/options.js';
import { messageType, METHOD_PATHS, methodCodec } from '../../src/transport/proto.js';

// Golden vectors from the wire fact sheet (section 7), encoded by the reference implementation.
const GOLDEN = {
  sessionOptions: '0a160a140a0767656e6572616c12090a07080110807d1801',
  chunk: '12050a03010203',
  silence: '1a0308ac02',
  eou: '2200',
  final: '0a040a0275311202280118052a160a140a090a026869106418f40312026869186420f4034a0130',
  status: '4206080112026f6b',
  eouUpdate: '320310b009',
};

const request = messageType('v3', 'speechkit.stt.v3.StreamingRequest');
const response = messageType('v3', 'speechkit.stt.v3.StreamingResponse');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const options = (extra: Partial<RecognizeStreamOptions> = {}) => resolveOptions({ auth: { iamToken: 't' }, api: 'v3', ...extra });
const pcm16k = { encoding: 'LINEAR16_PCM', sampleRateHertz: 16000, source: 'options' } as const;
const decode = (golden: string) => response.deserialize(Buffer.from(golden, 'hex'));

describe('v3 wire format', () => {
  it('calls /speechkit.stt.v3.Recognizer/RecognizeStreaming', () => {
    expect(METHOD_PATHS.v3).toBe('/speechkit.stt.v3.Recognizer/RecognizeStreaming');
    expect(methodCodec('v3').path).toBe(METHOD_PATHS.v3);
  });

  it('encodes the session options byte for byte (model and raw PCM, nothing else at the defaults)', () => {
    const message = sessionOptionsRequest(options({ model: 'general', textNormalization: false }), pcm16k);
    expect(hex(request.serialize(message))).toBe(GOLDEN.sessionOptions);
  });

  it('encodes chunk, silence_chunk and eou', () => {
    expect(hex(request.serialize(chunkRequest(Buffer.from([1, 2, 3]))))).toBe(GOLDEN.chunk);
    expect(hex(request.serialize(silenceRequest(300)))).toBe(GOLDEN.silence);
    expect(hex(request.serialize(eouRequest()))).toBe(GOLDEN.eou);
  });

  it('maps the shared options onto v3 settings', () => {
    const message = sessionOptionsRequest(
      options({ languageCode: 'kk-KZ', profanityFilter: true, literatureText: true, eouClassifier: { type: 'default', sensitivity: 'high', maxPauseBetweenWordsHintMs: 700 }, audioProcessingType: 'FULL_DATA' }),
      { encoding: 'OGG_OPUS', sampleRateHertz: undefined, source: 'ogg-signature' },
    );
    const decoded = request.deserialize(request.serialize(message)) as Record<string, any>;
    expect(decoded.session_options.recognition_model).toMatchObject({
      model: '',
      audio_format: { container_audio: { container_audio_type: 'OGG_OPUS' } },
      text_normalization: { text_normalization: 'TEXT_NORMALIZATION_ENABLED', profanity_filter: true, literature_text: true },
      language_restriction: { restriction_type: 'WHITELIST', language_code: ['kk-KZ'] },
      audio_processing_type: 'FULL_DATA',
    });
    expect(decoded.session_options.eou_classifier).toMatchObject({ default_classifier: { type: 'HIGH', max_pause_between_words_hint_ms: 700 } });
    const external = sessionOptionsRequest(options({ rawResults: true, languageCode: 'auto', eouClassifier: 'external' }), pcm16k);
    expect(external.session_options!.recognition_model!.text_normalization).toBeUndefined();
    expect(external.session_options!.recognition_model!.language_restriction).toBeUndefined();
    expect(external.session_options!.eou_classifier).toEqual({ external_classifier: {} });
    const blacklist = sessionOptionsRequest(options({ languageRestriction: { type: 'blacklist', languageCodes: ['en-US'] } }), pcm16k);
    expect(blacklist.session_options!.recognition_model!.language_restriction).toEqual({ restriction_type: 'BLACKLIST', language_code: ['en-US'] });
  });

  it('sends the folder as x-folder-id, and nothing without one', () => {
    expect(v3Metadata(options({ folderId: 'b1g' }))).toEqual({ 'x-folder-id': 'b1g' });
    expect(v3Metadata(options())).toEqual({});
  });

  it('decodes a final with cursors and maps it to a numbered final on the stream timeline', () => {
    const map = v3ResponseMapper(2, (ms) => 10_000 + ms);
    const out = map(decode(GOLDEN.final));
    expect(out.finalCursorMs).toBe(0);
    expect(out.results).toEqual([
      {
        type: 'final', final: true, endOfUtterance: false, finalIndex: 1, session: 2, channelTag: '0', text: 'hi', startMs: 10_100, endMs: 10_500,
        alternatives: [{ text: 'hi', confidence: 0, words: [{ text: 'hi', startMs: 10_100, endMs: 10_500, confidence: 0 }] }],
      },
    ]);
  });

  it('turns status codes into events and eou updates into end-of-utterance results', () => {
    const map = v3ResponseMapper(0, (ms) => ms + 50);
    expect(map(decode(GOLDEN.status))).toEqual({ results: [], status: { code: 'WORKING', message: 'ok' } });
    expect(map(decode(GOLDEN.eouUpdate)).results).toEqual([
      { type: 'endOfUtterance', final: false, endOfUtterance: true, text: '', alternatives: [], session: 0, channelTag: '0', endMs: 1_250 },
    ]);
  });

  it('maps partials, refinements (naming their final), languages, and counts finals without cursors', () => {
    const map = v3ResponseMapper(0, (ms) => ms);
    const alt = (text: string) => ({ alternatives: [{ text, words: [], start_time_ms: 100, end_time_ms: 900, confidence: 0, languages: [{ language_code: 'ru-RU', probability: 0.9 }] }] });
    const roundTrip = (message: object) => response.deserialize(response.serialize(message));
    expect(map(roundTrip({ partial: alt('one') })).results[0]).toMatchObject({ type: 'partial', final: false, text: 'one', startMs: 100, endMs: 900 });
    expect(map(roundTrip({ final: alt('one two') })).results[0]).toMatchObject({ type: 'final', finalIndex: 0, alternatives: [{ languages: [{ languageCode: 'ru-RU', probability: 0.9 }] }] });
    expect(map(roundTrip({ final: alt('three') })).results[0]).toMatchObject({ type: 'final', finalIndex: 1 });
    expect(map(roundTrip({ final_refinement: { final_index: 1, normalized_text: alt('3') } })).results[0]).toMatchObject({ type: 'refinement', final: false, finalIndex: 1, text: '3' });
    expect(map(roundTrip({ partial: { alternatives: [] } })).results[0]).toMatchObject({ type: 'partial', text: '', alternatives: [] });
    // Analysis is a result of its own (see analysis-results.test.ts); a keep-alive is not.
    expect(map(roundTrip({ classifier_update: { window_type: 'LAST_FINAL' } })).results[0]).toMatchObject({ type: 'classifier', window: 'final', text: '' });
    expect(map(roundTrip({ status_code: { code_type: 'WORKING' } })).results).toEqual([]);
  });
});
