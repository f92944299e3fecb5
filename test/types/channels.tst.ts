import type { Readable } from 'node:stream';
import { describe, expect, test } from 'tstyche';
import {
  createMultiChannelStream,
  createRecognizeStream,
  MultiChannelStream,
  type ChannelLayout,
  type ChannelRef,
  type MultiChannelStreamEvents,
  type MultiChannelStreamOptions,
  type RecognitionResult,
  type RecognizeStream,
  type RetryEvent,
  type RolloverEvent,
  type SpeechKitError,
  type TurnEvent,
  type VoiceActivityOptions,
} from 'speechkit-stream';

declare const auth: { apiKey: string };
declare const legA: Readable;
declare const legB: Readable;

describe('createMultiChannelStream', () => {
  test('takes the README\'s options: WAV, raw interleaved, tracks, names', () => {
    expect(createMultiChannelStream({ auth, channelNames: ['caller', 'agent'] })).type.toBe<MultiChannelStream>();
    expect(createMultiChannelStream({ auth, audioEncoding: 'MULAW', audioChannelCount: 2 })).type.toBe<MultiChannelStream>();
    expect(createMultiChannelStream({ auth, audioEncoding: 'MULAW', channels: [legA, legB] })).type.toBe<MultiChannelStream>();
    expect(createMultiChannelStream({ auth, audioChannelCount: '2' })).type.toRaiseError();
    expect(createMultiChannelStream({ auth, channelNames: [1] })).type.toRaiseError();
    expect(createMultiChannelStream({ auth, channelNames: ['caller', 'agent'], silentChannelMs: 5000 })).type.toBe<MultiChannelStream>();
    expect<MultiChannelStreamOptions>().type.toBeAssignableFrom({ auth, api: 'v3' as const, voiceActivity: true });
  });

  test('the test seam is not part of the constructor', () => {
    expect<ConstructorParameters<typeof MultiChannelStream>>().type.toBe<[options: MultiChannelStreamOptions]>();
  });

  test('finalize, layout and counts', () => {
    const stream = createMultiChannelStream({ auth });
    expect(stream.finalize()).type.toBe<Promise<void>>();
    expect(stream.finalize(1)).type.toBe<Promise<void>>();
    expect(stream.finalize('1')).type.toBe<Promise<void>>();
    expect(stream.layout).type.toBe<ChannelLayout | undefined>();
    expect(stream.channelCount).type.toBe<number>();
    expect(stream.sessionCount).type.toBe<number>();
  });

  test('events carry the channel', () => {
    const stream = createMultiChannelStream({ auth });
    stream.on('data', (r) => expect(r).type.toBe<RecognitionResult>());
    stream.on('error', (e) => expect(e).type.toBe<SpeechKitError>());
    stream.on('rollover', (e) => expect(e).type.toBe<RolloverEvent & ChannelRef>());
    stream.on('retry', (e) => expect(e.channelTag).type.toBe<string>());
    stream.once('retry', (e) => expect(e).type.toBe<RetryEvent & ChannelRef>());
    stream.on('speechStart', (e) => expect(e).type.toBe<TurnEvent>());
    expect<MultiChannelStreamEvents['noInput']>().type.toBe<[event: TurnEvent]>();
    expect<ChannelRef['channelName']>().type.toBe<string | undefined>();
  });

  test('results name their channel', () => {
    expect<RecognitionResult['channelTag']>().type.toBe<string>();
    expect<RecognitionResult['channelName']>().type.toBe<string | undefined>();
  });
});

describe('turn-taking on a recognition stream', () => {
  test('voiceActivity, its events and finalize()', () => {
    const stream: RecognizeStream = createRecognizeStream({ auth, sampleRateHertz: 8000, voiceActivity: { hangoverMs: 500, noInputMs: 5000 } });
    stream.on('speechStart', (e) => expect(e).type.toBe<TurnEvent>());
    stream.on('speechEnd', (e) => expect(e.atMs).type.toBe<number>());
    stream.on('noInput', (e) => expect(e.channelTag).type.toBe<string>());
    expect(stream.finalize()).type.toBe<Promise<void>>();
    expect(createRecognizeStream({ auth, voiceActivity: { hangover: 500 } })).type.toRaiseError();
    expect<VoiceActivityOptions>().type.toBe<{ thresholdDb?: number; minSpeechMs?: number; hangoverMs?: number; noInputMs?: number }>();
  });
});
