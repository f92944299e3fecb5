import type { Meter } from '@opentelemetry/api';
import { describe, expect, test } from 'tstyche';
import { DiagnosticsChannels, type DiagnosticsChannelName, type DiagnosticsMessages, type StreamResultMessage } from 'speechkit-stream';
import { instrumentSpeechKit, SpeechKitMetrics, type SpeechKitInstrumentation } from 'speechkit-stream/metrics';

describe('diagnostics channels', () => {
  test('every channel name has its payload type, and only those', () => {
    expect<keyof DiagnosticsMessages>().type.toBe<DiagnosticsChannelName>();
    expect(DiagnosticsChannels.STREAM_RESULT).type.toBe<'speechkit-stream:stream:result'>();
    expect<DiagnosticsMessages[typeof DiagnosticsChannels.STREAM_RESULT]>().type.toBe<StreamResultMessage>();
  });

  test('a result payload carries no text', () => {
    expect<StreamResultMessage>().type.not.toHaveProperty('text');
    expect<StreamResultMessage>().type.not.toHaveProperty('alternatives');
  });
});

describe('speechkit-stream/metrics', () => {
  test('takes a meter, a meter provider or nothing, and hands back a way to stop', () => {
    expect(instrumentSpeechKit()).type.toBe<SpeechKitInstrumentation>();
    expect(instrumentSpeechKit).type.toBeCallableWith({ meter: {} as Meter });
    expect(instrumentSpeechKit).type.not.toBeCallableWith({ meter: 'speechkit' });
    expect(SpeechKitMetrics.FINAL_LATENCY).type.toBe<'speechkit.final.latency'>();
  });
});
