import type { Duplex } from 'node:stream';
import { describe, expect, test } from 'tstyche';
import * as api from 'speechkit-stream';
import { RecognizeStream, type RecognizeStreamOptions } from 'speechkit-stream';

describe('the public surface', () => {
  test('exports exactly these values', () => {
    expect<keyof typeof api>().type.toBe<
      | 'createRecognizeStream'
      | 'RecognizeStream'
      | 'createMultiChannelStream'
      | 'MultiChannelStream'
      | 'ErrorCodes'
      | 'SpeechKitError'
      | 'createSessionStartLimiter'
      | 'DiagnosticsChannels'
      | 'decodeAudio'
      | 'createOggOpusEncoder'
      | 'encodeOggOpus'
    >();
  });

  test('exports no internals', () => {
    expect<import('speechkit-stream').StreamInternals>().type.toRaiseError("has no exported member 'StreamInternals'");
    expect<import('speechkit-stream').ResolvedOptions>().type.toRaiseError("has no exported member 'ResolvedOptions'");
    expect<import('speechkit-stream').RetryClass>().type.toRaiseError("has no exported member 'RetryClass'");
    expect<typeof import('speechkit-stream').GrpcStatus>().type.toRaiseError("has no exported member 'GrpcStatus'");
    expect<typeof import('speechkit-stream').RETRY_TABLE>().type.toRaiseError("has no exported member 'RETRY_TABLE'");
  });

  test('the test seam is not part of the constructor', () => {
    expect<ConstructorParameters<typeof RecognizeStream>>().type.toBe<[options: RecognizeStreamOptions]>();
    expect(RecognizeStream).type.toBeConstructableWith({ auth: { apiKey: 'key' } });
    expect(RecognizeStream).type.not.toBeConstructableWith({ auth: { apiKey: 'key' } }, { transport: {} });
  });

  test('the stream is still a Duplex', () => {
    expect<RecognizeStream>().type.toBeAssignableTo<Duplex>();
    expect<RecognizeStream>().type.toBeAssignableTo<NodeJS.ReadWriteStream>();
  });
});
