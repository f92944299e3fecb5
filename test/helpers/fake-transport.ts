import type { ApiMethod, CallHandlers, CallStatus, SttCall, Transport } from '../../src/transport/call.js';
import type { Clock } from '../../src/timing/clock.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognizeStreamOptions } from '../../src/options.js';
import type { RecognitionResult } from '../../src/results.js';
import { FakeClock } from './fake-clock.js';

export interface FakeCall {
  metadata: Record<string, string>;
  handlers: CallHandlers;
  /** Every message written, with the clock time it was written at. */
  writes: { at: number; message: Record<string, unknown> }[];
  halfClosed: boolean;
  cancelled: boolean;
  ended: boolean;
  respond(message: unknown): void;
  finish(status?: Partial<CallStatus>): void;
  /** Audio bytes written (v2 `audio_content`). */
  audio(): Buffer;
  /** While true, writes are not acknowledged (a connection that stopped forwarding); false releases them. */
  holdAcks: boolean;
  /** Acknowledgements held back, in write order. */
  heldAcks: (() => void)[];
  /** Set by the stream's reader backpressure. */
  paused: boolean;
  /** While true, `write` returns false (a full transport buffer); `drain()` clears it and tells the stream. */
  full: boolean;
  drain(): void;
}

/** An in-memory transport: each opened call is recorded and driven by the test. */
export class FakeTransport implements Transport {
  readonly calls: FakeCall[] = [];
  onOpen: ((call: FakeCall) => void) | undefined;
  /** What the calls name as their connection (`SttCall.connection`); unset, they name none. */
  connection: object | undefined;

  constructor(private readonly clock: Clock) {}

  open(_method: ApiMethod, metadata: Record<string, string>, handlers: CallHandlers): SttCall {
    const clock = this.clock;
    const call: FakeCall = {
      metadata,
      handlers,
      writes: [],
      halfClosed: false,
      cancelled: false,
      ended: false,
      respond(message) {
        if (!this.ended) handlers.onResponse(message);
      },
      finish(status = {}) {
        if (this.ended) return;
        this.ended = true;
        handlers.onStatus({ code: status.code ?? 0, details: status.details ?? '' });
      },
      audio() {
        return Buffer.concat(this.writes.filter((w) => w.message.audio_content).map((w) => w.message.audio_content as Buffer));
      },
      holdAcks: false,
      heldAcks: [],
      paused: false,
      full: false,
      drain() {
        this.full = false;
        if (!this.ended) handlers.onDrain();
      },
    };
    this.calls.push(call);
    queueMicrotask(() => handlers.onHeaders({ 'x-request-id': `req-${this.calls.length - 1}` }));
    this.onOpen?.(call);
    return {
      write(message, onWritten) {
        call.writes.push({ at: clock.now(), message: message as Record<string, unknown> });
        if (onWritten) {
          if (call.holdAcks) call.heldAcks.push(onWritten);
          else queueMicrotask(onWritten);
        }
        return !call.full;
      },
      end() {
        call.halfClosed = true;
      },
      cancel() {
        call.cancelled = true;
        call.finish({ code: 1, details: 'Cancelled on client' });
      },
      pause() {
        call.paused = true;
      },
      resume() {
        call.paused = false;
      },
      ...(this.connection && { connection: this.connection }),
    };
  }

  close(): void {}
}

/** A v2 response with one final, end-of-utterance chunk whose one word spans the given session times. */
export function v2Final(text: string, startMs: number, endMs: number): unknown {
  const d = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
  return {
    chunks: [{ alternatives: [{ text, confidence: 1, words: [{ word: text, start_time: d(startMs), end_time: d(endMs), confidence: 1 }] }], final: true, end_of_utterance: true }],
  };
}

export const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Credentials that never change, for streams on a fake transport. */
export const fakeCredentials = { authorization: async () => 'Bearer t', secrets: () => ['t'] };

/** Moves fake time forward in steps, letting promises settle between steps. */
export async function runClock(clock: FakeClock, msToRun: number, step = 10): Promise<void> {
  for (let t = 0; t < msToRun; t += step) {
    await flushMicrotasks();
    clock.advance(step);
  }
  await flushMicrotasks();
}

/** A real RecognizeStream on a fake clock and transport, collecting its results and errors. */
export function fakeStream(options: Record<string, unknown>, clock = new FakeClock()) {
  const transport = new FakeTransport(clock);
  const stream = new RecognizeStream(
    // A fake service answers only what a test makes it answer: a silent one would look stalled.
    // Stall detection has its own tests (stream-stall.test.ts), which set stallTimeoutMs.
    { auth: { iamToken: 't' }, clock, stallTimeoutMs: 300_000, ...options } as RecognizeStreamOptions,
    { transport, credentials: fakeCredentials, random: () => 0.5 },
  );
  const results: RecognitionResult[] = [];
  const errors: Error[] = [];
  stream.on('data', (r: RecognitionResult) => results.push(r));
  stream.on('error', (e: Error) => errors.push(e));
  return { clock, transport, stream, results, errors };
}
