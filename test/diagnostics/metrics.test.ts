import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { dialledDigitsPcm, dialledDigitsLayout } from '../../src/emulator/index.js';
import { instrumentSpeechKit, SpeechKitMetrics as M, type SpeechKitInstrumentation } from '../../src/metrics/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { createSessionStartLimiter } from '../../src/session/start-limiter.js';
import type { RolloverEvent } from '../../src/stream-events.js';
import { recognize, streamOptions, withEmulator } from '../helpers/emulator.js';

/**
 * The metrics end to end: real streams on the emulator (loopback gRPC), the real OpenTelemetry SDK
 * with its in-memory exporter, and each metric checked against what the stream and the emulator
 * saw: counts exactly, latencies within the emulator's configured delays.
 */

const rate = 8000 as const;
const bytesPerMs = (rate * 2) / 1000;
/** Room for a loaded machine above a latency's configured value (never below it). */
const SLOW_MACHINE_MS = 1_500;

let instrumentation: SpeechKitInstrumentation | undefined;
let provider: MeterProvider | undefined;
afterEach(async () => {
  instrumentation?.unsubscribe();
  await provider?.shutdown();
  instrumentation = undefined;
  provider = undefined;
});

function instrument() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  provider = new MeterProvider({ readers: [reader] });
  instrumentation = instrumentSpeechKit({ meterProvider: provider });
  /** Every metric as of now. */
  return async (): Promise<Metrics> => {
    exporter.reset();
    await reader.forceFlush();
    return new Metrics(exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)));
  };
}

class Metrics {
  constructor(private readonly all: MetricData[]) {}

  private points(name: string, attributes: Record<string, unknown>) {
    const metric = this.all.find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []).filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
  }

  /** A counter's (or up-down counter's) value, summed over the points whose attributes include `attributes`. */
  value(name: string, attributes: Record<string, unknown> = {}): number {
    return this.points(name, attributes).reduce((sum, p) => sum + (p.value as number), 0);
  }

  /** Every attribute set a metric has points for, with its value. */
  byAttribute(name: string, attribute: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.points(name, {})) out[String(p.attributes[attribute])] = (out[String(p.attributes[attribute])] ?? 0) + (p.value as number);
    return out;
  }

  histogram(name: string): Histogram {
    const [point, more] = this.points(name, {});
    expect(more, `${name}: one point`).toBeUndefined();
    return (point?.value ?? { count: 0, sum: 0, min: undefined, max: undefined }) as Histogram;
  }
}

describe('instrumentSpeechKit on the emulator, read by the OpenTelemetry SDK', () => {
  it('counts sessions, rollovers by reason, retries by code, the audio sent by kind, and errors by code', async () => {
    const collect = instrument();
    const audio = dialledDigitsPcm(['12', '34', '56', '78'], { sampleRate: rate });
    const faults = [{ session: 1, action: 'fail' as const, status: 'UNAVAILABLE' as const, afterAudioMs: 600 }];
    await withEmulator({ faults }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, sessionLimits: { maxAudioMs: 2_000 }, retry: { minDelayMs: 10, maxDelayMs: 20 } }));
      const rollovers: RolloverEvent[] = [];
      stream.on('rollover', (e) => rollovers.push(e));
      await recognize(stream, audio);
      await Promise.all(emulator.sessions.map((s) => s.ended));
      const m = await collect();

      expect(m.value(M.SESSIONS_OPENED)).toBe(stream.sessionCount);
      expect(m.value(M.SESSIONS_OPENED, { 'speechkit.api': 'v2' })).toBe(stream.sessionCount);
      expect(m.value(M.SESSIONS_ACTIVE)).toBe(0);
      expect(m.byAttribute(M.SESSIONS_ENDED, 'rpc.grpc.status_code')).toEqual({ 0: stream.sessionCount - 1, 14: 1 });
      // A rollover per `rollover` event, by its reason.
      const reasons: Record<string, number> = {};
      for (const e of rollovers) reasons[e.reason] = (reasons[e.reason] ?? 0) + 1;
      expect(rollovers.length).toBeGreaterThan(0);
      expect(m.byAttribute(M.ROLLOVERS, 'speechkit.rollover.reason')).toEqual(reasons);
      expect(m.byAttribute(M.RETRIES, 'speechkit.error.code')).toEqual({ SPEECHKIT_ERR_UNAVAILABLE: 1 });
      // The user's audio exactly once; the replays after the rollovers and the retry on top.
      expect(m.value(M.AUDIO_SIZE, { 'speechkit.audio.kind': 'audio' })).toBe(audio.length);
      expect(m.value(M.AUDIO_DURATION, { 'speechkit.audio.kind': 'audio' })).toBeCloseTo(audio.length / bytesPerMs / 1000, 6);
      expect(m.value(M.AUDIO_SIZE, { 'speechkit.audio.kind': 'replay' })).toBeGreaterThan(0);
      // Seconds are a sum of fractions: equal to the bytes up to floating-point rounding.
      expect(m.value(M.AUDIO_SIZE, { 'speechkit.audio.kind': 'replay' })).toBeCloseTo(m.value(M.AUDIO_DURATION, { 'speechkit.audio.kind': 'replay' }) * 1000 * bytesPerMs, 3);
      // All kinds together are what the sessions that ended cleanly delivered, and what the failed one was sent.
      const received = emulator.sessions.reduce((sum, s) => sum + s.bytes, 0);
      expect(m.value(M.AUDIO_SIZE)).toBeGreaterThanOrEqual(received);
      expect(m.value(M.AUDIO_SIZE) - received).toBeLessThanOrEqual(600 * bytesPerMs);
      expect(m.value(M.ERRORS)).toBe(0);
    });

    await withEmulator({ faults: [{ action: 'fail', status: 'INVALID_ARGUMENT', afterAudioMs: 200 }] }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate }));
      await expect(recognize(stream, audio)).rejects.toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_ARGUMENT' });
      const m = await collect();
      expect(m.byAttribute(M.ERRORS, 'speechkit.error.code')).toEqual({ SPEECHKIT_ERR_INVALID_ARGUMENT: 1 });
      expect(m.value(M.SESSIONS_ACTIVE)).toBe(0);
    });
  });

  it('final and first-partial latencies lie within the emulator’s configured delays; active sessions while one runs', async () => {
    const collect = instrument();
    const eouSilenceMs = 400;
    const chunkMs = 100;
    const digits = { sampleRate: rate, toneMs: 200, toneGapMs: 100, utteranceGapMs: 1_500, trailMs: 1_000 };
    const utterances = ['12', '34', '56'];
    const audio = dialledDigitsPcm(utterances, digits);
    await withEmulator({ profile: { finalLatencyMs: [300, 600] }, recognizer: { eouSilenceMs } }, async (emulator) => {
      // Paced at real time, as a live source is: the send times are the audio's own.
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, pace: 1, chunkMs, partialResults: true }));
      let whileRunning: Promise<Metrics> | undefined;
      stream.once('session', () => {
        whileRunning = collect();
      });
      const results = await recognize(stream, audio);
      await Promise.all(emulator.sessions.map((s) => s.ended));
      expect((await whileRunning!).value(M.SESSIONS_ACTIVE)).toBe(1);
      const m = await collect();
      expect(emulator.sessions).toHaveLength(1);
      expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(utterances);

      // A final leaves the service its delay after the utterance's pause; the pause is audio sent
      // after the final's end. Frames are 100 ms: the final's end and the pause's end each fall
      // somewhere in one.
      const delays = emulator.sessions[0]!.finalDelaysMs;
      expect(delays).toHaveLength(3);
      const final = m.histogram(M.FINAL_LATENCY);
      expect(final.count).toBe(3);
      expect(final.min! * 1000).toBeGreaterThanOrEqual(eouSilenceMs + Math.min(...delays) - 2 * chunkMs);
      expect(final.max! * 1000).toBeLessThanOrEqual(eouSilenceMs + Math.max(...delays) + chunkMs + SLOW_MACHINE_MS);
      const expectedSumMs = delays.reduce((sum, d) => sum + eouSilenceMs + d, 0);
      expect(final.sum! * 1000).toBeGreaterThanOrEqual(expectedSumMs - 3 * 2 * chunkMs);

      // The first partial of each utterance comes once its first tone (200 ms) has been heard.
      const firstPartial = m.histogram(M.FIRST_PARTIAL_LATENCY);
      expect(firstPartial.count).toBe(3);
      expect(firstPartial.min! * 1000).toBeGreaterThanOrEqual(digits.toneMs - chunkMs);
      expect(firstPartial.max! * 1000).toBeLessThanOrEqual(digits.toneMs + chunkMs + SLOW_MACHINE_MS);
      // The layout the emulator heard: each first partial starts at its utterance's first tone.
      const firstTones = dialledDigitsLayout(utterances, digits).tones.filter((t, i, all) => i === 0 || all[i - 1]!.utterance !== t.utterance);
      const firstPartials = results.filter((r, i) => r.type === 'partial' && (i === 0 || results[i - 1]!.type === 'final'));
      expect(firstPartials.map((r) => r.startMs)).toEqual(firstTones.map((t) => t.startMs));
      expect(m.value(M.SESSIONS_ACTIVE)).toBe(0);
    });
  });

  it('start-slot waits: the queue a small quota makes, 0 where a slot was free', async () => {
    const collect = instrument();
    const audio = dialledDigitsPcm(['1'], { sampleRate: rate, trailMs: 700 });
    await withEmulator({}, async (emulator) => {
      const starts = createSessionStartLimiter({ perSecond: 2 });
      const streams = [0, 1, 2].map(() => new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, startLimiter: starts })));
      await Promise.all(streams.map((s) => recognize(s, audio)));
      const wait = (await collect()).histogram(M.START_SLOT_WAIT);
      // Two starts a second (510 ms apart): the first at once, the second and third in turn.
      expect(wait.count).toBe(3);
      expect(wait.min).toBe(0);
      expect(wait.max!).toBeGreaterThanOrEqual(0.9);
      expect(wait.sum).toBeGreaterThanOrEqual(1.4);
    });
  });

  it('records nothing more after unsubscribe()', async () => {
    const collect = instrument();
    const audio = dialledDigitsPcm(['1'], { sampleRate: rate });
    await withEmulator({}, async (emulator) => {
      await recognize(new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate })), audio);
      const before = await collect();
      expect(before.value(M.SESSIONS_OPENED)).toBe(1);
      instrumentation!.unsubscribe();
      instrumentation!.unsubscribe();
      await recognize(new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate })), audio);
      const after = await collect();
      expect(after.value(M.SESSIONS_OPENED)).toBe(1);
      expect(after.value(M.AUDIO_SIZE)).toBe(before.value(M.AUDIO_SIZE));
    });
  });
});
