import { randomBytes, randomUUID } from 'node:crypto';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { redactedHeaders } from '../auth/credentials.js';
import { watchTokenExpiry } from '../auth/token-expiry.js';
import type { FaultRule } from '../faults/fault-rules.js';
import { FaultTriggers } from '../faults/fault-triggers.js';
import { IdleTimer } from '../limits/idle-timer.js';
import { idleBreach } from '../limits/limits.js';
import { transportReset } from '../network/http2-stream.js';
import { admitCall } from './admission.js';
import { CallOutput } from './call-output.js';
import type { ActiveSession, SessionContext } from './session-context.js';
import type { SessionRecordImpl, SessionResult } from './session-record.js';
import { makeStatus, OK_STATUS, type GrpcStatusName, type SessionStatus } from './status.js';

type State = 'open' | 'ending' | 'ended';

/** Wall time between the client's half-close and its handling; see `#onHalfClose`. */
const HALF_CLOSE_SETTLE_MS = 20;
/** `halfClose: 'ok-early'`: the OK goes out this soon after the half-close, racing the client's own end. */
const OK_EARLY_MS = 10;

/**
 * One bidirectional streaming call from its start to its one end: it sends the response headers,
 * admits the call (faults at call start, credentials), watches the fault trigger points, enforces
 * the idle limit, writes responses in order with their delays, and ends the call exactly once,
 * recording how. `CallSession` adds what a session does in between.
 */
export abstract class CallLifecycle<Req, Res> implements ActiveSession {
  protected readonly call: ServerDuplexStream<Req, Res>;
  protected readonly ctx: SessionContext;
  protected readonly record: SessionRecordImpl;
  readonly #startedAt = performance.now();
  readonly #out: CallOutput<Res>;
  /** The faults the server queued for this session; the call's header may add more at its start. */
  readonly #queuedFaults: FaultRule[];
  #triggers: FaultTriggers | null = null;
  #state: State = 'open';
  readonly #idle: IdleTimer;
  #settleTimer: NodeJS.Timeout | null = null;
  #stopExpiryWatch: (() => void) | null = null;

  constructor(call: ServerDuplexStream<Req, Res>, ctx: SessionContext) {
    this.call = call;
    this.ctx = ctx;
    const clientRequestId = call.metadata.get('x-client-request-id').find((v) => typeof v === 'string');
    const opened = ctx.openSession({
      requestId: randomUUID(),
      ...(clientRequestId !== undefined ? { clientRequestId } : {}),
      metadata: redactedHeaders(call.metadata),
    });
    this.record = opened.record;
    this.#queuedFaults = opened.faults;
    const target = {
      ended: () => this.#state === 'ended',
      write: (response: Res, results: readonly SessionResult[]) => {
        this.call.write(response);
        this.record.results.push(...results);
      },
      unsent: (results: readonly SessionResult[]) => this.record.unsent.push(...results),
      guard: (fn: () => void) => this.#guard(fn),
    };
    this.#out = new CallOutput<Res>(target, ctx.responseDelayMs);
    this.#idle = new IdleTimer(ctx.limits.idleMs, () => this.#guard(() => this.fail('OUT_OF_RANGE', idleBreach(this.ctx.limits))));
  }

  /** Handles messages until the call ends. Never throws. */
  start(): void {
    this.ctx.track(this);
    this.#guard(() => this.#begin());
  }

  #begin(): void {
    const headers = new Metadata();
    headers.set('x-request-id', this.record.requestId);
    headers.set('x-server-trace-id', randomBytes(16).toString('hex'));
    this.call.sendMetadata(headers);
    this.call.on('data', (message: Req) => this.#guard(() => this.#onData(message)));
    this.call.on('end', () => this.#guard(() => this.#onHalfClose()));
    this.call.on('cancelled', () => this.#onCancelled());
    this.log(`start${this.record.clientRequestId ? ` client-request-id=${this.record.clientRequestId}` : ''}`);

    const admission = admitCall(this.call.metadata, this.#queuedFaults, this.ctx.auth, this.#out.delayMs);
    // Delays hold back everything the session writes, its final status included.
    this.#out.delayMs = admission.delayMs;
    this.record.faults.push(...admission.applied);
    this.#triggers = new FaultTriggers(admission.faults, {
      open: () => this.#state === 'open',
      stalled: () => this.#out.stalled,
      progress: () => ({ audioMs: this.record.audioMs, bytes: this.record.bytes, wallMs: this.wallMs() }),
      fire: (rule) => {
        this.record.faults.push(rule.action);
        this.log(`fault ${rule.action}`);
        this.fireFault(rule);
      },
      guard: (fn) => this.#guard(fn),
    });
    if (admission.end) {
      if (admission.end.byFault) this.log('fault refuse');
      return this.fail(admission.end.name, admission.end.details);
    }
    if (admission.expiresAtMs !== undefined && this.ctx.auth.endSessionsOnExpiry) {
      // The token this session started with runs out: the session ends as the service would refuse it.
      this.#stopExpiryWatch = watchTokenExpiry(admission.expiresAtMs, () =>
        this.#guard(() => {
          this.log('IAM token expired');
          this.fail('UNAUTHENTICATED', 'the IAM token has expired');
        }),
      );
    }
    this.#idle.touch();
  }

  /** Request message, in order, while the session is open. */
  protected abstract onMessage(message: Req): void;
  /** The client half-closed while the session was open; `flush`: emit the open utterance first. */
  protected abstract onHalfClose(flush: boolean): void;
  /** A fault rule's trigger point was reached (the rule is recorded and logged already). */
  protected abstract fireFault(rule: FaultRule): void;

  protected log(line: string): void {
    this.ctx.log(`session ${this.record.index}: ${line}`);
  }

  /** Wall ms since the call started. */
  protected wallMs(): number {
    return performance.now() - this.#startedAt;
  }

  /** Whether the session still takes input (it has not begun to end). */
  protected get open(): boolean {
    return this.#state === 'open';
  }

  /** Whether the call is over: nothing is written to it any more. */
  protected get ended(): boolean {
    return this.#state === 'ended';
  }

  /** A `stall` fault took effect: nothing goes out any more. */
  protected get stalled(): boolean {
    return this.#out.stalled;
  }

  /**
   * Queues a response; `results` is what the record will show once it is written. `extraDelayMs`
   * adds to the session's response delay (a final's latency); order is kept either way.
   */
  protected send(response: Res, results: SessionResult[], extraDelayMs = 0): void {
    if (this.#state !== 'open') return;
    this.#out.push(response, results, extraDelayMs);
  }

  /**
   * Sends a response `lateMs` after now, outside the order of the queue: responses queued
   * meanwhile go first. An OK end waits for it; any other end drops it.
   */
  protected sendLate(response: Res, results: SessionResult[], lateMs: number): void {
    if (this.#state !== 'open') return;
    this.#out.pushLate(response, results, lateMs);
  }

  /** Stops taking input and ends the call after the responses already queued (and, for OK, the late ones). */
  protected finish(status: SessionStatus): void {
    if (this.#state !== 'open' || this.#out.stalled) return;
    this.#state = 'ending';
    this.#clearTimers();
    this.#out.end(() => this.#end(status), status.code === 0);
  }

  protected fail(name: GrpcStatusName, details: string): void {
    this.finish(makeStatus(name, details));
  }

  /** Starts watching the fault trigger points; call once the session is set up (after the config). */
  protected armFaults(): void {
    this.#triggers?.arm();
  }

  /** Fires, once each and in order, the faults whose trigger point has been reached. */
  protected checkFaults(): void {
    this.#triggers?.check();
  }

  /** The call stays open and nothing comes back; with `stopReading`, HTTP/2 flow control backs up too. */
  protected stall(stopReading: boolean): void {
    this.#idle.stop();
    this.#out.stall();
    if (stopReading) this.call.pause();
  }

  /** Ends the call now with `status`; responses still waiting are never sent. */
  protected endNow(status: SessionStatus): void {
    this.#out.cancel();
    this.#end(status);
  }

  /** The call is over without a status sent (the client cancelled, or the transport is gone): records `status`. */
  protected abandon(status: SessionStatus): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#cleanup();
    this.record.finish(status);
  }

  shutdown(details: string): void {
    if (this.#state === 'ended') return;
    this.endNow(makeStatus('UNAVAILABLE', details));
  }

  #onData(message: Req): void {
    if (this.#state !== 'open') return;
    this.#idle.touch();
    this.onMessage(message);
  }

  /**
   * A client cancel (grpc-js `call.cancel()`, an abort) reaches the server as END_STREAM followed
   * a moment later by RST_STREAM: Node's `Http2Stream.close()` ends the writable side before it
   * resets. Taken at face value the END_STREAM is a half-close, and an instant flush + OK would win
   * the race against the reset. A real service also needs a moment to finalize after a half-close,
   * so the emulator waits HALF_CLOSE_SETTLE_MS of wall time first; a reset arriving meanwhile makes
   * the session CANCELLED, as the client intended.
   */
  #onHalfClose(): void {
    if (this.#state !== 'open' || this.#out.stalled) return;
    this.#idle.stop();
    const mode = this.ctx.profile.halfClose;
    this.#settleTimer = setTimeout(
      () => {
        this.#settleTimer = null;
        this.#guard(() => {
          if (this.#state !== 'open' || this.#out.stalled || transportReset(this.call)) return;
          this.record.halfClosed = true;
          if (mode !== 'ok-early') return this.onHalfClose(mode === 'flush');
          // OK at once: the open utterance and every response still waiting are never sent.
          this.endNow(OK_STATUS);
        });
      },
      mode === 'ok-early' ? OK_EARLY_MS : HALF_CLOSE_SETTLE_MS,
    );
  }

  #onCancelled(): void {
    if (this.#state === 'ended') return;
    this.abandon(makeStatus('CANCELLED', 'cancelled by the client or the connection was lost'));
    this.log('cancelled');
  }

  #end(status: SessionStatus): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#cleanup();
    try {
      if (status.code === 0) this.call.end();
      else this.call.emit('error', { code: status.code, details: status.details, metadata: new Metadata() });
    } catch (err) {
      this.log(`could not send status: ${(err as Error).message}`);
    }
    this.record.finish(status);
    this.log(`end ${status.name}: ${status.details}`);
  }

  #clearTimers(): void {
    this.#idle.stop();
    if (this.#settleTimer) clearTimeout(this.#settleTimer);
    this.#settleTimer = null;
    this.#triggers?.stop();
    this.#stopExpiryWatch?.();
    this.#stopExpiryWatch = null;
  }

  #cleanup(): void {
    this.#clearTimers();
    this.#out.cancel();
    this.#out.dropLate();
    this.ctx.untrack(this);
  }

  /** A bug in a handler must end this call with INTERNAL, not crash the process. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(`internal error: ${(err as Error).stack ?? String(err)}`);
      if (this.#state === 'ended') return;
      this.endNow(makeStatus('INTERNAL', 'emulator internal error'));
    }
  }
}
