/**
 * `speechkit-stream/metrics`: OpenTelemetry counters and histograms of every stream in the
 * process, fed by the diagnostics channels (`DiagnosticsChannels`). `@opentelemetry/api` is an
 * optional peer dependency: only this entry loads it, so the core stays light, and any exporter
 * (Prometheus, OTLP, …) the application's MeterProvider has sees the metrics.
 *
 * ```ts
 * import { instrumentSpeechKit } from 'speechkit-stream/metrics';
 * const instrumentation = instrumentSpeechKit({ meterProvider }); // or { meter }, or the global provider
 * // … streams run …
 * instrumentation.unsubscribe();
 * ```
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { metrics, ValueType, type Meter, type MeterProvider } from '@opentelemetry/api';
import { DiagnosticsChannels, type DiagnosticsChannelName, type DiagnosticsMessages, type SentAudio } from '../diagnostics/channels.js';

/** The name every metric is recorded under (README, "Metrics"). */
export const SpeechKitMetrics = {
  SESSIONS_OPENED: 'speechkit.session.opened',
  SESSIONS_ACTIVE: 'speechkit.session.active',
  SESSIONS_ENDED: 'speechkit.session.ended',
  ROLLOVERS: 'speechkit.rollover',
  RETRIES: 'speechkit.retry',
  START_SLOT_WAIT: 'speechkit.start_slot.wait',
  FINAL_LATENCY: 'speechkit.final.latency',
  FIRST_PARTIAL_LATENCY: 'speechkit.first_partial.latency',
  AUDIO_DURATION: 'speechkit.audio.duration',
  AUDIO_SIZE: 'speechkit.audio.size',
  ERRORS: 'speechkit.error',
} as const;

/** Options of `instrumentSpeechKit()`. */
export interface InstrumentSpeechKitOptions {
  /** The meter to record with. Default: `meterProvider.getMeter('speechkit-stream')`. */
  meter?: Meter;
  /** Where the default meter comes from. Default: OpenTelemetry's global provider. */
  meterProvider?: MeterProvider;
}

/** What `instrumentSpeechKit()` hands back. */
export interface SpeechKitInstrumentation {
  /** Stops recording: leaves every channel. Calling it again does nothing. */
  unsubscribe(): void;
}

/** Latencies, in seconds: from a quick final to a service that takes its time. */
const LATENCY_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
/** Start-slot waits, in seconds: 0 (a slot was free) up to a mass outage's queue at 40 starts a second. */
const WAIT_BUCKETS_S = [0, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const SENT_KINDS = ['audio', 'replay', 'keepAlive'] as const;
/** The `speechkit.audio.kind` attribute of each kind of audio sent. */
const KIND_NAMES: Record<(typeof SENT_KINDS)[number], string> = { audio: 'audio', replay: 'replay', keepAlive: 'keepalive' };

/**
 * Records the metrics of every `RecognizeStream` in the process (README, "Metrics") until
 * `unsubscribe()`: session counts, rollovers by reason, retries and errors by code, start-slot
 * waits, final and first-partial latencies, and the audio sent by kind (user audio, replay,
 * keep-alive), counted when each session ends.
 */
export function instrumentSpeechKit(options: InstrumentSpeechKitOptions = {}): SpeechKitInstrumentation {
  const meter = options.meter ?? (options.meterProvider ?? metrics.getMeterProvider()).getMeter('speechkit-stream');
  const M = SpeechKitMetrics;
  const opened = meter.createCounter(M.SESSIONS_OPENED, { unit: '{session}', valueType: ValueType.INT, description: 'Sessions (gRPC calls) started' });
  const active = meter.createUpDownCounter(M.SESSIONS_ACTIVE, { unit: '{session}', valueType: ValueType.INT, description: 'Sessions started and not yet ended' });
  const ended = meter.createCounter(M.SESSIONS_ENDED, { unit: '{session}', valueType: ValueType.INT, description: 'Sessions ended, by gRPC status' });
  const rollovers = meter.createCounter(M.ROLLOVERS, { unit: '{rollover}', valueType: ValueType.INT, description: 'Sessions replaced before a limit, by reason' });
  const retries = meter.createCounter(M.RETRIES, { unit: '{retry}', valueType: ValueType.INT, description: 'Sessions failed and retried, by error code' });
  const errors = meter.createCounter(M.ERRORS, { unit: '{error}', valueType: ValueType.INT, description: 'Streams failed, by error code' });
  const startWait = meter.createHistogram(M.START_SLOT_WAIT, {
    unit: 's',
    description: "Time a session start waited in the start limiter's queue",
    advice: { explicitBucketBoundaries: WAIT_BUCKETS_S },
  });
  const finalLatency = meter.createHistogram(M.FINAL_LATENCY, {
    unit: 's',
    description: "From sending the audio at a final's end to handing the final to the reader",
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS_S },
  });
  const firstPartialLatency = meter.createHistogram(M.FIRST_PARTIAL_LATENCY, {
    unit: 's',
    description: "From sending the audio at an utterance's start to handing its first partial to the reader",
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS_S },
  });
  const audioDuration = meter.createCounter(M.AUDIO_DURATION, { unit: 's', description: 'Audio sent to the service, by kind (counted when its session ends)' });
  const audioSize = meter.createCounter(M.AUDIO_SIZE, { unit: 'By', valueType: ValueType.INT, description: 'Audio bytes sent to the service, by kind (counted when its session ends)' });

  // Sessions seen opening: one that opened before we subscribed must not take `active` below zero.
  const live = new Set<string>();
  const handlers: { [N in DiagnosticsChannelName]: (message: DiagnosticsMessages[N]) => void } = {
    'speechkit-stream:session:open': (m) => {
      const attributes = { 'speechkit.api': m.api };
      opened.add(1, attributes);
      active.add(1, attributes);
      live.add(`${m.streamId}/${m.session}`);
    },
    'speechkit-stream:session:end': (m) => {
      const attributes = { 'speechkit.api': m.api };
      if (live.delete(`${m.streamId}/${m.session}`)) active.add(-1, attributes);
      ended.add(1, { ...attributes, 'rpc.grpc.status_code': m.grpcCode });
      for (const kind of SENT_KINDS) {
        const sent: SentAudio = m.sent[kind];
        const kindAttributes = { ...attributes, 'speechkit.audio.kind': KIND_NAMES[kind] };
        audioDuration.add(sent.ms / 1000, kindAttributes);
        audioSize.add(sent.bytes, kindAttributes);
      }
    },
    'speechkit-stream:session:rollover': (m) => rollovers.add(1, { 'speechkit.rollover.reason': m.reason }),
    'speechkit-stream:session:retry': (m) => retries.add(1, { 'speechkit.error.code': m.code }),
    'speechkit-stream:session:startSlot': (m) => startWait.record(m.waitedMs / 1000),
    'speechkit-stream:stream:result': (m) => {
      if (m.latencyMs === undefined) return;
      if (m.type === 'final') finalLatency.record(m.latencyMs / 1000);
      else if (m.firstPartial) firstPartialLatency.record(m.latencyMs / 1000);
    },
    'speechkit-stream:stream:error': (m) => errors.add(1, { 'speechkit.error.code': m.code ?? 'unknown' }),
  };
  const subscriptions = Object.values(DiagnosticsChannels).map((name) => {
    const onMessage = handlers[name] as (message: unknown) => void;
    diagnosticsChannel.subscribe(name, onMessage);
    return () => diagnosticsChannel.unsubscribe(name, onMessage);
  });
  let done = false;
  return {
    unsubscribe() {
      if (done) return;
      done = true;
      for (const leave of subscriptions) leave();
      live.clear();
    },
  };
}
