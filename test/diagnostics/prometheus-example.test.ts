import { describe, expect, it } from 'vitest';
// @ts-expect-error The example is plain JavaScript, run as users run it.
import { runCalls } from '../../examples/prometheus/calls.js';
// @ts-expect-error The example is plain JavaScript, run as users run it.
import { startMetricsEndpoint } from '../../examples/prometheus/metrics.js';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { SpeechKitMetrics } from '../../src/metrics/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { recognize, streamOptions, withEmulator } from '../helpers/emulator.js';

/** Prometheus text format: `name{label="value",…} number` lines, by name, each with its labels. */
function parse(text: string): Map<string, { labels: Record<string, string>; value: number }[]> {
  const samples = new Map<string, { labels: Record<string, string>; value: number }[]>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.set(match[1]!, [...(samples.get(match[1]!) ?? []), { labels, value: Number(match[3]) }]);
  }
  return samples;
}

describe('the Prometheus example', () => {
  it('serves every metric at /metrics in Prometheus text format, counted from calls on the emulator', async () => {
    await withEmulator({}, async (emulator) => {
      const metrics = await startMetricsEndpoint({ port: 0 });
      try {
        const finals = await runCalls({ emulator, count: 3, pace: 0 });
        expect(finals).toEqual([['123', '456', '789'], ['123', '456', '789'], ['123', '456', '789']]);
        emulator.addFault({ action: 'fail', status: 'INVALID_ARGUMENT', afterAudioMs: 100 });
        await expect(recognize(new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000 })), dialledDigitsPcm(['1'], { sampleRate: 8000 }))).rejects.toThrow();
        const response = await fetch(metrics.url);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
        const samples = parse(await response.text());
        const value = (name: string, labels: Record<string, string> = {}) =>
          (samples.get(name) ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

        // Every metric is there under its Prometheus name: dots become underscores, counters get _total.
        const promNames = Object.values(SpeechKitMetrics).map((name) => name.replaceAll('.', '_'));
        for (const name of promNames) {
          expect([`${name}_total`, name, `${name}_count`].some((n) => samples.has(n)), name).toBe(true);
        }
        const sessions = emulator.sessions.length;
        expect(value('speechkit_session_opened_total', { speechkit_api: 'v2' })).toBe(sessions);
        expect(value('speechkit_session_active')).toBe(0);
        expect(value('speechkit_session_ended_total', { rpc_grpc_status_code: '14' })).toBe(1);
        expect(value('speechkit_retry_total', { speechkit_error_code: 'SPEECHKIT_ERR_UNAVAILABLE' })).toBe(1);
        expect(value('speechkit_error_total', { speechkit_error_code: 'SPEECHKIT_ERR_INVALID_ARGUMENT' })).toBe(1);
        expect(value('speechkit_rollover_total')).toBeGreaterThan(0);
        expect(value('speechkit_final_latency_count')).toBe(9);
        expect(value('speechkit_first_partial_latency_count')).toBe(9);
        expect(value('speechkit_start_slot_wait_count')).toBe(sessions);
        expect(value('speechkit_start_slot_wait_bucket', { le: '+Inf' })).toBe(sessions);
        const callBytes = dialledDigitsPcm(['123', '456', '789'], { sampleRate: 8000 }).length;
        expect(value('speechkit_audio_size_total', { speechkit_audio_kind: 'audio' })).toBeGreaterThanOrEqual(3 * callBytes);
        expect(value('speechkit_audio_size_total', { speechkit_audio_kind: 'replay' })).toBeGreaterThan(0);
        expect(value('speechkit_audio_duration_total', { speechkit_audio_kind: 'audio' })).toBeGreaterThanOrEqual((3 * callBytes) / 16_000);
      } finally {
        await metrics.close();
      }
    });
  });
});
