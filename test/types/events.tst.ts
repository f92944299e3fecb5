import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, test } from 'tstyche';
import type {
  CredentialsEvent,
  IdleEvent,
  RecognitionResult,
  RecognizeStream,
  RetryEvent,
  RolloverEvent,
  SeamEvent,
  SessionInfo,
  SpeechKitError,
  StatusEvent,
  UnconfirmedEvent,
} from 'speechkit-stream';

declare const stream: RecognizeStream;

describe('RecognizeStream events', () => {
  test('every documented event has its payload type', () => {
    stream.on('data', (r) => expect(r).type.toBe<RecognitionResult>());
    stream.on('error', (e) => expect(e).type.toBe<SpeechKitError>());
    stream.on('warning', (e) => expect(e).type.toBe<SpeechKitError>());
    stream.on('session', (e) => expect(e).type.toBe<SessionInfo>());
    stream.on('rollover', (e) => expect(e).type.toBe<RolloverEvent>());
    stream.on('retry', (e) => expect(e).type.toBe<RetryEvent>());
    stream.on('seam', (e) => expect(e).type.toBe<SeamEvent>());
    stream.on('idle', (e) => expect(e).type.toBe<IdleEvent>());
    stream.on('status', (e) => expect(e).type.toBe<StatusEvent>());
    stream.on('credentials', (e) => expect(e).type.toBe<CredentialsEvent>());
    stream.on('unconfirmed', (e) => expect(e).type.toBe<UnconfirmedEvent>());
    stream.on('pipe', (source) => expect(source).type.toBe<Readable>());
  });

  test('once, off and the other listener methods are typed too', () => {
    stream.once('rollover', (e) => expect(e).type.toBe<RolloverEvent>());
    stream.prependListener('retry', (e) => expect(e).type.toBe<RetryEvent>());
    stream.prependOnceListener('seam', (e) => expect(e).type.toBe<SeamEvent>());
    stream.addListener('status', (e) => expect(e).type.toBe<StatusEvent>());
    const onRetry = (e: RetryEvent) => void e;
    expect(stream.off).type.toBeCallableWith('retry', onRetry);
    expect(stream.removeListener).type.toBeCallableWith('retry', onRetry);
    expect(stream.off).type.not.toBeCallableWith('rollover', onRetry);
  });

  test('a listener for the wrong payload is refused', () => {
    expect(stream.on).type.not.toBeCallableWith('retry', (e: RolloverEvent) => void e);
    expect(stream.once).type.not.toBeCallableWith('data', (chunk: Buffer) => void chunk);
    expect(stream.on).type.not.toBeCallableWith('seam', (e: { reason: 'limit' }) => void e);
  });

  test('rollover reasons are the ones the stream emits', () => {
    stream.on('rollover', (e) => expect(e.reason).type.toBe<'end-of-utterance' | 'silence' | 'limit' | 'update'>());
  });

  test('error codes are a closed set', () => {
    stream.on('error', (e) => {
      expect(e.code === 'SPEECHKIT_ERR_UNAVAILABLE').type.toBe<boolean>();
      expect(e.code === 'SPEECHKIT_ERR_NO_SUCH_CODE').type.toRaiseError('This comparison appears to be unintentional');
    });
  });

  test('a Duplex\'s own events and any other name keep working', () => {
    expect(stream.on).type.toBeCallableWith('end', () => {});
    expect(stream.once).type.toBeCallableWith('drain', (value: unknown) => void value);
    expect(stream.on).type.toBeCallableWith('my-event', (a: number, b: string) => void [a, b]);
    expect(stream.on('rollover', () => {})).type.toBe<RecognizeStream>();
  });

  test('the stream goes into pipeline() and events.once()', () => {
    expect(pipeline(Readable.from([Buffer.alloc(2)]), stream, async (results: AsyncIterable<RecognitionResult>) => {
      for await (const r of results) void r.text;
    })).type.toBe<Promise<void>>();
    expect(once(stream, 'rollover')).type.toBe<Promise<any[]>>();
  });

  test('users need not emit: emit is checked against the same map', () => {
    expect(stream.emit).type.not.toBeCallableWith('idle', { session: 0 });
    expect(stream.emit).type.toBeCallableWith('idle', { session: 0, atMs: 100 });
  });
});
