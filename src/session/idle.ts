/**
 * What to do when no audio has gone to the service for a while (a live source paused, or the
 * reader stopped reading). The service ends a session after 5 s without a message.
 *
 * - `keepalive` (default): send a frame of silence now and then; the session stays open (and the
 *   silence counts against its limits). Silence is free to make in every format: zeros for PCM, a
 *   3-byte silent packet per 20 ms on the session's own Ogg pages for Ogg Opus, and a duration
 *   (`silence_chunk`) with API v3.
 * - `close`: half-close the session after a short pause (its finals are delivered) and open the
 *   next one when audio resumes; the cheaper choice for long pauses.
 */
export type IdlePolicy = 'keepalive' | 'close';

/** The long form of the `idle` option. */
export interface IdleOptions {
  /** Default: `keepalive`. */
  policy: IdlePolicy | undefined;
  /** Pause after which the policy acts, in ms. Default 1000: well inside the service's 5 s. */
  afterMs: number;
}

export const DEFAULT_IDLE_AFTER_MS = 1_000;
/** The service ends a session after this long without a message (its docs). */
export const SERVICE_IDLE_LIMIT_MS = 5_000;
/** No session goes longer than this without a message, whatever was sent before (1.5 s to spare). */
export const MAX_SILENT_MS = SERVICE_IDLE_LIMIT_MS - 1_500;
/** The least keep-alive worth sending: one Opus packet, and the smallest unit every format can make. */
export const MIN_KEEPALIVE_MS = 20;

/** Keep-alive for every format and API: each one can make silence (see above). */
export function defaultIdlePolicy(_encoding: 'LINEAR16_PCM' | 'OGG_OPUS', _canSendSilence = false): IdlePolicy {
  return 'keepalive';
}

/**
 * Where a session's gaps are, on the clock. Audio covers wall time from when it goes out: a
 * source that keeps real time sends each frame as it completes, and its next frame completes a
 * frame's length later. Audio the source writes covers time the same way while no whole frame
 * waits, so a frame still filling up at real time is no gap either. A gap is wall time that
 * nothing covers; keep-alive may fill it, never with more silence than its wall time.
 *
 * Audio sent or written ahead of real time (a replay, a file) covers more; but no session is left
 * more than `MAX_SILENT_MS` without a message, whatever came before. Unpaced, nothing keeps real
 * time, so coverage counts for at most `maxCreditMs` past the last message (a frame filling up).
 */
export class IdleGap {
  private sentUntil = 0;
  private writtenUntil = 0;
  private lastMessageAt = 0;

  constructor(private readonly maxCreditMs = Infinity) {}

  /** A new session: its settings message went at `nowMs`, and nothing it was sent covers the time after. */
  opened(nowMs: number): void {
    this.sentUntil = nowMs;
    this.lastMessageAt = nowMs;
  }

  /** The source wrote `durationMs` of audio. */
  audioWritten(durationMs: number, nowMs: number): void {
    if (durationMs > 0) this.writtenUntil = Math.max(this.writtenUntil, nowMs) + durationMs;
  }

  /** The user's audio went out. */
  audioSent(durationMs: number, nowMs: number): void {
    this.sentUntil = Math.max(this.sentUntil, nowMs) + durationMs;
    this.lastMessageAt = nowMs;
  }

  /** A message that covers no time went out (keep-alive silence fills a gap already past). */
  messageSent(nowMs: number): void {
    this.lastMessageAt = nowMs;
  }

  /**
   * When the gap will have lasted `afterMs`: the earliest keep-alive. `filling`: no whole frame
   * waits, so what the source writes is on its way to the session.
   */
  keepAliveAt(afterMs: number, filling: boolean): number {
    return this.gapStart(afterMs, filling) + afterMs;
  }

  /** Wall time of the gap so far, at `nowMs` (0 before `keepAliveAt`): the most silence that may fill it. */
  gapMs(nowMs: number, afterMs: number, filling: boolean): number {
    if (nowMs < this.keepAliveAt(afterMs, filling)) return 0;
    return nowMs - this.gapStart(afterMs, filling);
  }

  private gapStart(afterMs: number, filling: boolean): number {
    const covered = filling ? Math.max(this.sentUntil, this.writtenUntil) : this.sentUntil;
    const credit = Math.min(this.maxCreditMs, Math.max(0, MAX_SILENT_MS - afterMs));
    return Math.max(this.lastMessageAt, Math.min(covered, this.lastMessageAt + credit));
  }
}

/** Silence for one keep-alive: a chunk, never more than the gap, in whole `MIN_KEEPALIVE_MS` (Ogg silence comes in 20 ms packets). */
export function keepAliveMs(gapMs: number, chunkMs: number): number {
  return Math.floor(Math.min(Math.max(chunkMs, MIN_KEEPALIVE_MS), gapMs) / MIN_KEEPALIVE_MS) * MIN_KEEPALIVE_MS;
}

export interface KeepAliveInput {
  /** Silence the gap allows now (see `IdleGap.gapMs`), and at most a chunk. */
  wantedMs: number;
  /** What the session has been sent: audio and keep-alive alike count against its limits. */
  usage: { audioMs: number; bytes: number };
  limits: { maxAudioMs: number; maxBytes: number };
  /** Fraction of a limit that only the wait for a start slot may go past (`rollover.hardRatio`). */
  hardRatio: number;
  /** Bytes per ms of keep-alive (0 when silence goes as a duration). */
  bytesPerMs: number;
  /** The session is waiting for its rollover's start slot. */
  rolloverPending: boolean;
}

export type KeepAliveStep =
  | { kind: 'silence'; ms: number }
  /** The silence would cross the hard margin: roll over instead. */
  | { kind: 'rollover' }
  /** Waiting for a start slot, and the headroom up to the limit cannot hold another keep-alive: end the session cleanly. */
  | { kind: 'end-session' };

/**
 * Keep-alive counts like audio. Below the hard margin it goes as wanted; past it the session must
 * roll over, and while that rollover waits for a start slot the session is kept open with what
 * fits between its usage and the limit itself, and ended cleanly (its audio replayed by the next
 * session) once nothing more fits.
 */
export function keepAliveStep(input: KeepAliveInput): KeepAliveStep {
  const { wantedMs, usage, limits, hardRatio, bytesPerMs, rolloverPending } = input;
  const fits = (ms: number, ratio: number) =>
    usage.audioMs + ms <= limits.maxAudioMs * ratio && usage.bytes + ms * bytesPerMs <= limits.maxBytes * ratio;
  if (fits(wantedMs, hardRatio)) return { kind: 'silence', ms: wantedMs };
  if (!rolloverPending) return { kind: 'rollover' };
  const headroomMs = Math.min(
    limits.maxAudioMs - usage.audioMs,
    bytesPerMs > 0 ? (limits.maxBytes - usage.bytes) / bytesPerMs : Infinity,
  );
  const ms = Math.floor(Math.min(wantedMs, headroomMs) / MIN_KEEPALIVE_MS) * MIN_KEEPALIVE_MS;
  if (ms >= MIN_KEEPALIVE_MS && fits(ms, 1)) return { kind: 'silence', ms };
  return { kind: 'end-session' };
}
