import type { ApiVersion } from '../api/api-options.js';
import type { AudioFrame } from '../audio/frame.js';
import type { RecognitionResult } from '../results.js';
import type { RetryEvent } from '../session/recovery-policy.js';
import type { RolloverReason } from '../session/rollover.js';
import type { Session, SessionObserver } from '../session/session.js';
import type { SessionStartLimiter } from '../session/start-limiter.js';
import type { Clock } from '../timing/clock.js';
import type { CallStatus } from '../transport/call.js';
import {
  channels,
  type DiagnosticsSessionIds,
  type SessionEndMessage,
  type SessionOpenMessage,
  type SessionRetryMessage,
  type SessionRolloverMessage,
  type SessionStartSlotMessage,
  type StreamErrorMessage,
  type StreamResultMessage,
} from './channels.js';
import { SendTimes } from './send-times.js';

/** Positions closer than this are the same frame edge. */
const EPSILON_MS = 1e-6;
/** Ended sessions whose send times are kept: their last finals can still be released by the result gate. */
const ENDED_KEPT = 2;

let streamsCreated = 0;

/** One session as the probe follows it: when it opened and what it was sent. */
interface SessionTally {
  readonly openedAt: number;
  readonly audio: { ms: number; bytes: number };
  readonly replay: { ms: number; bytes: number };
  /** Kept only while someone listens for results. */
  sends: SendTimes | undefined;
}

/**
 * What one stream publishes to the diagnostics channels (see `DiagnosticsChannels`). The stream
 * hands it its sessions' lives (as their `SessionObserver`), its rollovers, retries, results and
 * its error; the probe counts what every session was sent, always (a few additions per frame),
 * and builds a payload only for a channel someone subscribes to.
 */
export class StreamProbe implements SessionObserver {
  readonly streamId = streamsCreated++;
  private readonly sessions = new Map<number, SessionTally>();
  private readonly endedOrder: number[] = [];
  /** The furthest stream position any session was sent: audio before it is heard again. */
  private furthestMs = 0;
  private firstPartialDue = true;

  constructor(
    private readonly clock: Clock,
    private readonly api: ApiVersion,
  ) {}

  opened(session: Session): void {
    this.sessions.set(session.index, { openedAt: this.clock.now(), audio: { ms: 0, bytes: 0 }, replay: { ms: 0, bytes: 0 }, sends: undefined });
    if (!channels.sessionOpen.hasSubscribers) return;
    channels.sessionOpen.publish({ ...this.ids(session), api: this.api, baseOffsetMs: session.baseOffsetMs } satisfies SessionOpenMessage);
  }

  sent(session: Session, frame: AudioFrame, bytes: number): void {
    const tally = this.sessions.get(session.index);
    if (!tally) return;
    const endMs = frame.streamMs + frame.durationMs;
    const kind = frame.streamMs < this.furthestMs - EPSILON_MS ? tally.replay : tally.audio;
    kind.ms += frame.durationMs;
    kind.bytes += bytes;
    if (endMs > this.furthestMs) this.furthestMs = endMs;
    if (channels.result.hasSubscribers) (tally.sends ??= new SendTimes(frame.streamMs)).add(endMs, this.clock.now());
    else tally.sends = undefined;
  }

  ended(session: Session, status: CallStatus): void {
    const tally = this.sessions.get(session.index);
    if (!tally) return;
    this.endedOrder.push(session.index);
    if (this.endedOrder.length > ENDED_KEPT) this.sessions.delete(this.endedOrder.shift()!);
    if (!channels.sessionEnd.hasSubscribers) return;
    const { audio, replay } = tally;
    channels.sessionEnd.publish({
      ...this.ids(session),
      api: this.api,
      grpcCode: status.code,
      retired: session.retired,
      durationMs: this.clock.now() - tally.openedAt,
      sent: {
        audio: { ...audio },
        replay: { ...replay },
        keepAlive: { ms: Math.max(0, session.audioMs - audio.ms - replay.ms), bytes: Math.max(0, session.bytes - audio.bytes - replay.bytes) },
      },
    } satisfies SessionEndMessage);
  }

  rollover(event: { reason: RolloverReason; fromSession: number; atMs: number; replayFromMs: number }): void {
    if (channels.rollover.hasSubscribers) channels.rollover.publish({ streamId: this.streamId, ...event } satisfies SessionRolloverMessage);
  }

  retry(event: RetryEvent): void {
    if (channels.retry.hasSubscribers) channels.retry.publish({ streamId: this.streamId, ...event } satisfies SessionRetryMessage);
  }

  /** A result handed to the reader (after the result gate: when the user gets it). */
  result(result: RecognitionResult): void {
    const firstPartial = result.type === 'partial' && this.firstPartialDue;
    if (result.type === 'final') this.firstPartialDue = true;
    else if (firstPartial) this.firstPartialDue = false;
    if (!channels.result.hasSubscribers) return;
    const message: StreamResultMessage = { streamId: this.streamId, session: result.session, type: result.type, firstPartial };
    if (result.type === 'final' || result.type === 'refinement') message.finalIndex = result.finalIndex;
    if (result.startMs !== undefined) message.startMs = result.startMs;
    if (result.endMs !== undefined) message.endMs = result.endMs;
    const latencyMs = this.latencyOf(result, firstPartial);
    if (latencyMs !== undefined) message.latencyMs = latencyMs;
    channels.result.publish(message);
  }

  /** The stream is destroyed with `error`. */
  error(error: Error): void {
    if (!channels.error.hasSubscribers) return;
    const code = (error as { code?: unknown }).code;
    channels.error.publish({ streamId: this.streamId, code: typeof code === 'string' ? code : undefined, error } satisfies StreamErrorMessage);
  }

  /**
   * The stream's start limiter, measured: each start's wait in its queue goes to
   * `speechkit-stream:session:startSlot`. Everything else is the limiter's own, bound to it (a
   * limiter may offer more than `SessionStartLimiter` says); without subscribers, its calls unchanged.
   */
  limiter(starts: SessionStartLimiter | undefined): SessionStartLimiter | undefined {
    if (!starts) return undefined;
    const slot = (waitedMs: number) => {
      channels.startSlot.publish({ streamId: this.streamId, waitedMs, waiting: starts.waiting } satisfies SessionStartSlotMessage);
    };
    const tryAcquire = (): boolean => {
      const taken = starts.tryAcquire();
      if (taken && channels.startSlot.hasSubscribers) slot(0);
      return taken;
    };
    const acquire = (onGranted: () => void): (() => void) => {
      if (!channels.startSlot.hasSubscribers) return starts.acquire(onGranted);
      const since = this.clock.now();
      return starts.acquire(() => {
        if (channels.startSlot.hasSubscribers) slot(this.clock.now() - since);
        onGranted();
      });
    };
    return new Proxy(starts, {
      get(target, property) {
        if (property === 'tryAcquire') return tryAcquire;
        if (property === 'acquire') return acquire;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  private latencyOf(result: RecognitionResult, firstPartial: boolean): number | undefined {
    const sends = this.sessions.get(result.session)?.sends;
    if (!sends) return undefined;
    const sentAt = result.type === 'final' && result.endMs !== undefined
      ? sends.at(result.endMs, 'end')
      : firstPartial && result.startMs !== undefined
      ? sends.at(result.startMs, 'start')
      : undefined;
    return sentAt === undefined ? undefined : this.clock.now() - sentAt;
  }

  private ids(session: Session): DiagnosticsSessionIds {
    return {
      streamId: this.streamId,
      session: session.index,
      clientRequestId: session.clientRequestId,
      ...(session.requestId !== undefined && { requestId: session.requestId }),
      ...(session.traceId !== undefined && { traceId: session.traceId }),
    };
  }
}
