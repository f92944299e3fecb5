import { randomBytes, randomUUID } from 'node:crypto';
import { constants as http2Constants } from 'node:http2';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { checkAuthorization, redactedHeaders, type AuthPolicy } from './auth/credentials.js';
import { DEFAULT_BOGUS_SHIFT_MS, faultStatus, FAULT_HEADER, isTriggered, parseFaultHeader, TRIGGERED_ACTIONS } from './faults/fault-rules.js';
import { FinalLatency } from './faults/final-latency.js';
import { findHttp2Stream, transportReset } from './network/http2-stream.js';
import { LateSends } from './faults/late-sends.js';
import { startFlood } from './faults/flood.js';
import { idleBreach, type RecognizerTiming, type SessionLimits } from './limits/limits.js';
import { PacingGuard, pacingBreachDetails } from './limits/pacing-guard.js';
import { ResponseQueue } from './response-queue.js';
import { SessionRecordImpl } from './session-record.js';
import { makeStatus, OK_STATUS } from './status.js';
import type { FaultRule } from './faults/fault-rules.js';
import type { GrpcStatusName, ServiceProfile, SessionResult, SessionStatus } from './types.js';

/** What the server gives every call, whatever the API version. */
export interface SessionContext {
  readonly limits: SessionLimits;
  readonly timing: RecognizerTiming;
  readonly auth: AuthPolicy;
  readonly responseDelayMs: number;
  readonly profile: ServiceProfile;
  log(line: string): void;
  /** Registers a new session record and hands back the faults scheduled for it. */
  openSession(init: {
    requestId: string;
    clientRequestId?: string;
    metadata: Record<string, string>;
  }): { record: SessionRecordImpl; faults: FaultRule[] };
  /** Keeps the session reachable for `close()` until it ends. */
  track(session: ActiveSession): void;
  untrack(session: ActiveSession): void;
}

export interface ActiveSession {
  /** Ends the call at once with UNAVAILABLE (server going away). */
  shutdown(details: string): void;
}

type State = 'open' | 'ending' | 'ended';

/** Wall time between the client's half-close and its handling; see `#onHalfClose`. */
const HALF_CLOSE_SETTLE_MS = 20;
/** `halfClose: 'ok-early'`: the OK goes out this soon after the half-close, racing the client's own end. */
const OK_EARLY_MS = 10;

/**
 * One bidirectional streaming call: the parts every API version shares. It sends the response
 * headers, checks credentials, applies faults, enforces the idle limit, writes responses in order
 * with their delays, and ends the call exactly once, recording how. Subclasses turn request
 * messages into responses.
 */
export abstract class CallSession<Req, Res> implements ActiveSession {
  protected readonly call: ServerDuplexStream<Req, Res>;
  protected readonly ctx: SessionContext;
  protected readonly record: SessionRecordImpl;
  readonly #startedAt = performance.now();
  readonly #queue = new ResponseQueue();
  #faults: FaultRule[];
  #delayMs: number;
  #state: State = 'open';
  #idleTimer: NodeJS.Timeout | null = null;
  #settleTimer: NodeJS.Timeout | null = null;
  #faultTimers: NodeJS.Timeout[] = [];
  #faultsArmed = false;
  readonly #fired = new Set<FaultRule>();
  readonly #pacing: PacingGuard | null;
  readonly #latency: FinalLatency;
  /** Responses sent late (v3 refinements, eou updates): an OK end waits for them. */
  readonly #late = new LateSends();
  #endAfterLate: SessionStatus | null = null;
  /** `stall`: nothing goes out any more. */
  #stalled = false;
  #bogusShifts: number[] = [];

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
    this.#faults = opened.faults;
    this.#delayMs = ctx.responseDelayMs;
    const { pacing, finalLatencyMs, seed } = ctx.profile;
    this.#pacing = pacing === false ? null : new PacingGuard(pacing);
    this.#latency = new FinalLatency(finalLatencyMs, seed ?? 1, this.record.index);
  }

  protected get profile(): ServiceProfile {
    return this.ctx.profile;
  }

  /** A `stall` fault took effect: nothing goes out any more. */
  protected get stalled(): boolean {
    return this.#stalled;
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

    this.#applyDelays(this.#faults);
    const refusal = this.#faults.find((f) => f.action === 'refuse');
    if (refusal) return this.#refuse(refusal);
    let headerFaults: FaultRule[];
    try {
      const values = this.call.metadata.get(FAULT_HEADER).filter((v): v is string => typeof v === 'string');
      headerFaults = parseFaultHeader(values);
    } catch (err) {
      return this.fail('INVALID_ARGUMENT', (err as Error).message);
    }
    this.#faults = [...this.#faults, ...headerFaults];
    this.#applyDelays(headerFaults);
    const headerRefusal = headerFaults.find((f) => f.action === 'refuse');
    if (headerRefusal) return this.#refuse(headerRefusal);
    const auth = checkAuthorization(this.call.metadata, this.ctx.auth);
    if (!auth.ok) return this.fail('UNAUTHENTICATED', auth.details);
    if (auth.expiresAtMs !== undefined && this.ctx.auth.endSessionsOnExpiry) this.#endAtExpiry(auth.expiresAtMs);
    this.#touch();
  }

  /** Request message, in order, while the session is open. */
  protected abstract onMessage(message: Req): void;
  /** The client half-closed while the session was open; `flush`: emit the open utterance first. */
  protected abstract onHalfClose(flush: boolean): void;
  /** One response of a `flood`: a partial that changes no transcript. */
  protected abstract floodResponse(): Res;

  protected log(line: string): void {
    this.ctx.log(`session ${this.record.index}: ${line}`);
  }

  /**
   * Queues a response; `results` is what the record will show once it is written. `extraDelayMs`
   * adds to the session's response delay (a final's latency); order is kept either way.
   */
  protected send(response: Res, results: SessionResult[], extraDelayMs = 0): void {
    if (this.#state !== 'open') return;
    this.#push(response, results, extraDelayMs);
  }

  /**
   * Sends a response `lateMs` after now, outside the order of the queue: responses queued
   * meanwhile go first. An OK end waits for it; any other end drops it.
   */
  protected sendLate(response: Res, results: SessionResult[], lateMs: number): void {
    if (this.#state !== 'open') return;
    const run = () =>
      this.#guard(() => {
        if (this.#state === 'ended') return;
        this.#push(response, results, 0);
        if (this.#late.pending === 0 && this.#endAfterLate) this.#queue.push(() => this.#end(this.#endAfterLate!), this.#delayMs);
      });
    this.#late.schedule(run, results, lateMs);
  }

  #push(response: Res, results: SessionResult[], extraDelayMs: number): void {
    if (this.#stalled) {
      this.record.unsent.push(...results);
      return;
    }
    this.#queue.push(
      () => {
        if (this.#state === 'ended') return;
        this.call.write(response);
        this.record.results.push(...results);
      },
      this.#delayMs + extraDelayMs,
      results,
    );
  }

  /** The wall delay of the next final (`finalLatencyMs`), recorded. */
  protected nextFinalDelay(): number {
    const ms = this.#latency.next();
    this.record.finalDelaysMs.push(ms);
    return ms;
  }

  /** The shift a `bogus-times` fault put on the next final, or 0. */
  protected takeBogusShift(): number {
    return this.#bogusShifts.shift() ?? 0;
  }

  /**
   * Counts `audioMs` just received against the pacing rule; on a breach ends the session with
   * INVALID_ARGUMENT and returns true (the audio is then not recognized).
   */
  protected pacingBreached(audioMs: number): boolean {
    if (!this.#pacing || this.#state !== 'open') return false;
    const excessMs = this.#pacing.spend(audioMs, this.wallMs());
    if (excessMs === 0) return false;
    this.record.pacingBreach = { atWallMs: this.wallMs(), audioMs: this.record.audioMs, excessMs };
    this.log(`pacing breach: ${excessMs.toFixed(0)} ms ahead`);
    this.fail('INVALID_ARGUMENT', pacingBreachDetails(this.ctx.profile.pacing as { maxRatio: number; leadMs: number }, excessMs));
    return true;
  }

  /** Stops taking input and ends the call after the responses already queued (and, for OK, the late ones). */
  protected finish(status: SessionStatus): void {
    if (this.#state !== 'open' || this.#stalled) return;
    this.#state = 'ending';
    this.#clearTimers();
    if (status.code === 0 && this.#late.pending > 0) {
      this.#endAfterLate = status;
      return;
    }
    this.#dropLate();
    this.#queue.push(() => this.#end(status), this.#delayMs);
  }

  #dropLate(): void {
    this.record.unsent.push(...this.#late.drop());
  }
  protected fail(name: GrpcStatusName, details: string): void {
    this.finish(makeStatus(name, details));
  }

  /** Starts watching the fault trigger points; call once the session is set up (after the config). */
  protected armFaults(): void {
    if (this.#faultsArmed || this.#state !== 'open') return;
    this.#faultsArmed = true;
    for (const rule of this.#faults) {
      if (TRIGGERED_ACTIONS.has(rule.action) && rule.afterWallMs !== undefined) this.#watchWallClock(rule.afterWallMs);
    }
    this.checkFaults();
  }

  /** The token this session started with runs out: the session ends as the service would refuse it. */
  #endAtExpiry(expiresAtMs: number): void {
    const timer = setTimeout(() => {
      this.#faultTimers = this.#faultTimers.filter((t) => t !== timer);
      if (Date.now() < expiresAtMs) return this.#endAtExpiry(expiresAtMs);
      this.#guard(() => {
        this.log('IAM token expired');
        this.fail('UNAUTHENTICATED', 'the IAM token has expired');
      });
    }, Math.max(0, expiresAtMs - Date.now()));
    this.#faultTimers.push(timer);
  }

  /** Timers may fire a little early against performance.now(); re-arm until the point is really reached. */
  #watchWallClock(atMs: number): void {
    const wait = atMs - this.wallMs();
    if (wait <= 0 || this.#state !== 'open') return;
    const timer = setTimeout(() => {
      this.#faultTimers = this.#faultTimers.filter((t) => t !== timer);
      this.#guard(() => {
        this.checkFaults();
        this.#watchWallClock(atMs);
      });
    }, Math.ceil(wait));
    this.#faultTimers.push(timer);
  }

  /** Fires, once each and in order, the faults whose trigger point has been reached. */
  protected checkFaults(): void {
    if (!this.#faultsArmed) return;
    const progress = { audioMs: this.record.audioMs, bytes: this.record.bytes, wallMs: this.wallMs() };
    for (const rule of this.#faults) {
      if (this.#state !== 'open' || this.#stalled) return;
      if (!TRIGGERED_ACTIONS.has(rule.action) || this.#fired.has(rule) || !isTriggered(rule, progress)) continue;
      this.#fired.add(rule);
      this.record.faults.push(rule.action);
      this.log(`fault ${rule.action}`);
      this.#fire(rule);
    }
  }

  #fire(rule: FaultRule): void {
    switch (rule.action) {
      case 'drop':
        return this.#drop();
      case 'end':
        return this.finish(OK_STATUS);
      case 'stall':
      case 'stall-reads':
        return this.#stall(rule.action === 'stall-reads');
      case 'flood':
        return this.#flood(rule.durationMs);
      case 'bogus-times':
        this.#bogusShifts.push(rule.shiftMs ?? DEFAULT_BOGUS_SHIFT_MS);
        return;
      default: {
        const { name, details } = faultStatus(rule);
        this.fail(name, details);
      }
    }
  }

  /** The call stays open and nothing comes back; with `stopReading`, HTTP/2 flow control backs up too. */
  #stall(stopReading: boolean): void {
    this.#stalled = true;
    this.#stopIdle();
    this.record.unsent.push(...this.#queue.cancel());
    this.#dropLate();
    if (stopReading) this.call.pause();
  }

  #flood(durationMs: number | undefined): void {
    const until = durationMs === undefined ? Infinity : this.wallMs() + durationMs;
    startFlood(
      this.call,
      () => this.floodResponse(),
      () => this.#state !== 'ended' && !this.#stalled && this.wallMs() < until,
      () => this.record.floodResponses++,
    );
  }

  shutdown(details: string): void {
    if (this.#state === 'ended') return;
    this.record.unsent.push(...this.#queue.cancel());
    this.#end(makeStatus('UNAVAILABLE', details));
  }

  /** Wall ms since the call started. */
  protected wallMs(): number {
    return performance.now() - this.#startedAt;
  }

  /** Delays hold back everything the session writes, its final status included. */
  #applyDelays(rules: FaultRule[]): void {
    for (const rule of rules) {
      if (rule.action !== 'delay') continue;
      this.#delayMs += rule.delayMs ?? 0;
      this.record.faults.push('delay');
    }
  }

  #refuse(rule: FaultRule): void {
    this.record.faults.push('refuse');
    this.log('fault refuse');
    const { name, details } = faultStatus(rule);
    this.fail(name, details);
  }

  #onData(message: Req): void {
    if (this.#state !== 'open') return;
    this.#touch();
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
    if (this.#state !== 'open' || this.#stalled) return;
    this.#stopIdle();
    const mode = this.ctx.profile.halfClose;
    this.#settleTimer = setTimeout(
      () => {
        this.#settleTimer = null;
        this.#guard(() => {
          if (this.#state !== 'open' || this.#stalled || transportReset(this.call)) return;
          this.record.halfClosed = true;
          if (mode !== 'ok-early') return this.onHalfClose(mode === 'flush');
          // OK at once: the open utterance and every response still waiting are never sent.
          this.record.unsent.push(...this.#queue.cancel());
          this.#dropLate();
          this.#end(OK_STATUS);
        });
      },
      mode === 'ok-early' ? OK_EARLY_MS : HALF_CLOSE_SETTLE_MS,
    );
  }

  #onCancelled(): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#cleanup();
    this.record.finish(makeStatus('CANCELLED', 'cancelled by the client or the connection was lost'));
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

  /**
   * Kills the transport under the call. grpc-js gives handlers no public way to do that, so this
   * reaches the HTTP/2 stream the library keeps on its call object (`ServerDuplexStreamImpl.call`,
   * through any interceptor chain via `nextCall`, to `BaseServerInterceptingCall.stream`), checked
   * by shape at every step. Preferred: destroy the HTTP/2 session, which closes the TCP connection
   * (and every other call on it, as a real connection loss would); the client sees UNAVAILABLE
   * "Connection dropped". If only the stream is reachable: RST_STREAM with INTERNAL_ERROR (client
   * sees INTERNAL). If neither is reachable: end the call with UNAVAILABLE "connection dropped".
   */
  #drop(): void {
    const stream = findHttp2Stream(this.call);
    const session = stream?.session;
    if (!session?.destroy && !stream?.close) {
      this.record.unsent.push(...this.#queue.cancel());
      this.#end(makeStatus('UNAVAILABLE', 'connection dropped'));
      return;
    }
    this.#state = 'ended';
    this.#cleanup();
    if (session?.destroy) {
      this.record.finish(makeStatus('UNAVAILABLE', 'connection dropped'));
      this.log('dropped the HTTP/2 connection');
      session.destroy();
    } else {
      this.record.finish(makeStatus('INTERNAL', 'stream reset with INTERNAL_ERROR'));
      this.log('reset the HTTP/2 stream');
      stream!.close!(http2Constants.NGHTTP2_INTERNAL_ERROR);
    }
  }

  #touch(): void {
    this.#stopIdle();
    if (this.#state !== 'open') return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      this.#guard(() => this.fail('OUT_OF_RANGE', idleBreach(this.ctx.limits)));
    }, this.ctx.limits.idleMs);
  }

  #stopIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  #clearTimers(): void {
    this.#stopIdle();
    if (this.#settleTimer) clearTimeout(this.#settleTimer);
    this.#settleTimer = null;
    for (const t of this.#faultTimers) clearTimeout(t);
    this.#faultTimers = [];
  }

  #cleanup(): void {
    this.#clearTimers();
    this.record.unsent.push(...this.#queue.cancel());
    this.#dropLate();
    this.ctx.untrack(this);
  }

  /** A bug in a handler must end this call with INTERNAL, not crash the process. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(`internal error: ${(err as Error).stack ?? String(err)}`);
      if (this.#state === 'ended') return;
      this.record.unsent.push(...this.#queue.cancel());
      this.#end(makeStatus('INTERNAL', 'emulator internal error'));
    }
  }
}
