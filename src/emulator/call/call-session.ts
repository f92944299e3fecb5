import type { ServerDuplexStream } from '@grpc/grpc-js';
import { AudioRejected, type AudioDecoder } from '../audio/audio-decoder.js';
import { DEFAULT_BOGUS_SHIFT_MS, faultStatus, type FaultRule } from '../faults/fault-rules.js';
import { FinalLatency } from '../faults/final-latency.js';
import { startFlood } from '../faults/flood.js';
import { PacingGuard, pacingBreachDetails } from '../limits/pacing-guard.js';
import { transportKiller } from '../network/http2-stream.js';
import type { ServiceProfile } from '../server/profile.js';
import { CallLifecycle } from './call-lifecycle.js';
import type { SessionContext } from './session-context.js';
import { makeStatus, OK_STATUS } from './status.js';

/**
 * One bidirectional streaming call: the parts every API version shares. On top of the call's
 * lifecycle it applies the profile to what the session sends (final latency, the pacing rule) and
 * carries out the faults that fire (fail, end, drop, stall, flood, bogus times). Subclasses turn
 * request messages into responses.
 */
export abstract class CallSession<Req, Res> extends CallLifecycle<Req, Res> {
  readonly #pacing: PacingGuard | null;
  readonly #latency: FinalLatency;
  #bogusShifts: number[] = [];

  constructor(call: ServerDuplexStream<Req, Res>, ctx: SessionContext) {
    super(call, ctx);
    const { pacing, finalLatencyMs, seed } = ctx.profile;
    this.#pacing = pacing === false ? null : new PacingGuard(pacing);
    this.#latency = new FinalLatency(finalLatencyMs, seed ?? 1, this.record.index);
  }

  protected get profile(): ServiceProfile {
    return this.ctx.profile;
  }

  /** One response of a `flood`: a partial that changes no transcript. */
  protected abstract floodResponse(): Res;

  /** Records audio bytes just received and decodes them; null when the service would refuse them (the session then fails). */
  protected decodeAudio(decoder: AudioDecoder, bytes: Buffer): Int16Array | null {
    this.record.addAudio(bytes, this.wallMs());
    try {
      return decoder.push(bytes);
    } catch (error) {
      if (!(error instanceof AudioRejected)) throw error;
      this.fail('INVALID_ARGUMENT', error.message);
      return null;
    }
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
    if (!this.#pacing || !this.open) return false;
    const excessMs = this.#pacing.spend(audioMs, this.wallMs());
    if (excessMs === 0) return false;
    this.record.pacingBreach = { atWallMs: this.wallMs(), audioMs: this.record.audioMs, excessMs };
    this.log(`pacing breach: ${excessMs.toFixed(0)} ms ahead`);
    this.fail('INVALID_ARGUMENT', pacingBreachDetails(this.ctx.profile.pacing as { maxRatio: number; leadMs: number }, excessMs));
    return true;
  }

  protected override fireFault(rule: FaultRule): void {
    switch (rule.action) {
      case 'drop':
        return this.#drop();
      case 'end':
        return this.finish(OK_STATUS);
      case 'stall':
      case 'stall-reads':
        return this.stall(rule.action === 'stall-reads');
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

  #flood(durationMs: number | undefined): void {
    const until = durationMs === undefined ? Infinity : this.wallMs() + durationMs;
    startFlood(
      this.call,
      () => this.floodResponse(),
      () => !this.ended && !this.stalled && this.wallMs() < until,
      () => this.record.floodResponses++,
    );
  }

  /**
   * Kills the transport under the call (see `transportKiller`): the client sees UNAVAILABLE
   * "Connection dropped" for a destroyed connection, INTERNAL for a reset stream. grpc-js gives
   * handlers no public way to do either; where neither is reachable the call ends with
   * UNAVAILABLE "connection dropped".
   */
  #drop(): void {
    const killer = transportKiller(this.call);
    if (!killer) return this.endNow(makeStatus('UNAVAILABLE', 'connection dropped'));
    if (killer.kind === 'connection') {
      this.abandon(makeStatus('UNAVAILABLE', 'connection dropped'));
      this.log('dropped the HTTP/2 connection');
    } else {
      this.abandon(makeStatus('INTERNAL', 'stream reset with INTERNAL_ERROR'));
      this.log('reset the HTTP/2 stream');
    }
    killer.kill();
  }
}
