import { randomUUID } from 'node:crypto';
import type { ApiAdapter, ApiResponse, ResponseMapper } from '../api/adapter.js';
import type { AudioFrame, SessionWire } from '../audio/frame.js';
import type { CallStatus, SttCall, Transport } from '../transport/call.js';
import { connectionLag } from './connection-lag.js';
import type { LivenessWatch } from './liveness.js';
import { SessionTimeline } from './timeline.js';

export interface SessionHandlers {
  onResponse(session: Session, response: ApiResponse): void;
  onHeaders(session: Session): void;
  onDrain(session: Session): void;
  /** Exactly once per session. */
  onEnd(session: Session, status: CallStatus): void;
  /**
   * Removes known secrets from text the server sent (header values, status details and messages)
   * before the session stores or passes it on: a server or proxy may echo the credential.
   */
  scrub(text: string): string;
  /** Follows the session for the diagnostics channels; it changes nothing. */
  observer?: SessionObserver;
}

/** What the diagnostics probe hears of a session (src/diagnostics/stream-probe.ts). */
export interface SessionObserver {
  /** The call started. */
  opened(session: Session): void;
  /** A frame of the stream's audio went out, `bytes` on the wire (0 when sent as a duration). */
  sent(session: Session, frame: AudioFrame, bytes: number): void;
  /** Right before `onEnd`. */
  ended(session: Session, status: CallStatus): void;
}

export type SessionState = 'opening' | 'open' | 'half-closed' | 'ended';

/**
 * One gRPC call: settings first, then audio frames, then half-close, then one terminal status.
 * It owns no timers and makes no decisions; the stream decides when to open, feed and close it.
 */
export class Session {
  readonly clientRequestId = randomUUID();
  requestId: string | undefined;
  traceId: string | undefined;
  state: SessionState = 'opening';
  /** Audio sent in this session, in ms and bytes (keep-alive silence included): what the service's limits count. Silence sent as a duration counts ms, not bytes. */
  audioMs = 0;
  bytes = 0;
  /** Whole-stream position just after the last frame of the user's audio sent here. */
  streamEndMs: number;
  /** The client half-closed the call: an OK status after this is a normal end. */
  halfClosed = false;
  /** Set when `send` hit a full transport buffer; cleared on drain. */
  blocked = false;
  /** The session is inside its soft rollover window: roll over at the next natural boundary. */
  inSoftWindow = false;
  /** Replaced by a newer session (rollover or idle close); its failures no longer matter. */
  retired = false;
  status: CallStatus | undefined;
  /** Why the stream gave up on this call as dead (see `LivenessWatch`); its end is then a recoverable failure. */
  stalled: 'no-response' | 'unacknowledged' | undefined;
  /** The stream stopped reading this call's responses (reader backpressure). */
  paused = false;
  /** Opened and not yet proven healthy (see `RecoveryPolicy`); its timer's cancel, once armed. */
  healthPending = true;
  cancelHealth: (() => void) | undefined;
  /** The bound on waiting for this session's last results after its half-close; cancels it. */
  cancelDrain: (() => void) | undefined;
  /** End of the latest final with plausible times this session sent, whole-stream ms. */
  finalsEndMs = -Infinity;
  readonly timeline: SessionTimeline;
  private call: SttCall | undefined;
  private silenceSinceMs: number | undefined;
  private readonly mapResponse: ResponseMapper;

  constructor(
    readonly index: number,
    /** Whole-stream position of the session's first sample. */
    readonly baseOffsetMs: number,
    /** A draw in [0, 1) that spreads this session's rollover point. */
    readonly jitter01: number,
    private readonly api: ApiAdapter,
    private readonly handlers: SessionHandlers,
    /** Liveness bookkeeping on the stream's clock; absent, the session is not watched. */
    readonly liveness?: { watch: LivenessWatch; now: () => number },
  ) {
    this.streamEndMs = baseOffsetMs;
    this.timeline = new SessionTimeline(baseOffsetMs);
    // A time past everything the session was sent is not clamped into it (into trailing keep-alive
    // silence, say): it stays past the end, so the result's times are seen to be wrong.
    this.mapResponse = api.responseMapper(index, (ms) => (ms > this.audioMs ? this.streamEndMs + (ms - this.audioMs) : this.timeline.toStreamMs(ms)));
  }

  private wire: SessionWire | undefined;

  /** Starts the call, sends the settings message and then the audio's prelude, if any. */
  open(transport: Transport, metadata: Record<string, string>, config: unknown, wire?: SessionWire): void {
    if (this.state !== 'opening') return;
    this.call = transport.open(this.api.method, { ...metadata, 'x-client-request-id': this.clientRequestId }, {
      onResponse: (message) => {
        this.liveness?.watch.responded(this.liveness.now());
        if (this.state === 'ended') return;
        const response = this.mapResponse(message);
        if (response.status) response.status = { ...response.status, message: this.scrub(response.status.message) };
        this.handlers.onResponse(this, response);
      },
      onHeaders: (headers) => {
        this.requestId = this.scrub(headers['x-request-id']);
        this.traceId = this.scrub(headers['x-server-trace-id']);
        this.handlers.onHeaders(this);
      },
      onDrain: () => {
        this.blocked = false;
        this.handlers.onDrain(this);
      },
      onStatus: (status) => this.end(status),
    });
    this.state = 'open';
    this.wire = wire;
    if (this.call.connection) this.liveness?.watch.attach(connectionLag(this.call.connection));
    this.liveness?.watch.written(this.liveness.now());
    this.blocked = !this.call.write(config, this.acknowledged);
    if (this.paused) this.call.pause();
    if (wire?.prelude) this.write(wire.prelude, 0);
    this.handlers.observer?.opened(this);
  }

  /**
   * Sends a frame of the user's audio. `asSilence` sends it as a duration instead of bytes (the
   * API must offer that); it stays on the stream timeline either way.
   */
  send(frame: AudioFrame, asSilence = false, silent?: boolean): void {
    const bytes = this.bytes;
    if (this.silenceSinceMs !== undefined) {
      this.timeline.mark(this.audioMs, frame.streamMs);
      this.silenceSinceMs = undefined;
    }
    if (asSilence && this.api.silenceMessage) this.writeMessage(this.api.silenceMessage(frame.durationMs), 0, frame.durationMs);
    else this.write(this.wire ? this.wire.encode(frame) : frame.data, frame.durationMs);
    this.streamEndMs = frame.streamMs + frame.durationMs;
    this.liveness?.watch.sentAudio(this.liveness.now(), frame.durationMs, silent === undefined ? undefined : !silent);
    this.handlers.observer?.sent(this, frame, this.bytes - bytes);
  }

  /**
   * Keep-alive silence: session time that is not part of the user's stream. Sent as a duration
   * when the API can; otherwise as the frame `audio()` makes, through the session's wire (Ogg
   * silence goes on the session's own pages).
   */
  sendSilence(durationMs: number, audio: () => AudioFrame): void {
    if (this.silenceSinceMs === undefined) {
      this.silenceSinceMs = this.audioMs;
      this.timeline.markInserted(this.audioMs, this.streamEndMs);
    }
    if (this.api.silenceMessage) {
      this.writeMessage(this.api.silenceMessage(durationMs), 0, durationMs);
    } else {
      const frame = audio();
      this.write(this.wire ? this.wire.encode(frame) : frame.data, frame.durationMs);
    }
    this.liveness?.watch.sentAudio(this.liveness.now(), durationMs, false);
  }

  /** Tells the service the utterance ends here (external end-of-utterance classifier). */
  sendEndOfUtterance(): void {
    if (!this.api.eouMessage) throw new Error('internal: the API has no end-of-utterance message');
    this.writeMessage(this.api.eouMessage(), 0, 0);
  }

  private write(data: Buffer, durationMs: number): void {
    this.writeMessage(this.api.audioMessage(data), data.length, durationMs);
  }

  private writeMessage(message: unknown, bytes: number, durationMs: number): void {
    if (this.state !== 'open' || !this.call) throw new Error(`internal: send on a ${this.state} session`);
    this.audioMs += durationMs;
    this.bytes += bytes;
    this.liveness?.watch.written(this.liveness.now());
    if (!this.call.write(message, this.acknowledged)) this.blocked = true;
  }

  /** The transport took a write off its buffers (acknowledgements come in write order). */
  private readonly acknowledged = (): void => {
    this.liveness?.watch.acknowledged(this.liveness.now());
  };

  /** Stops (true) or resumes (false) taking responses from the call: reader backpressure. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (this.liveness) this.liveness.watch.setPaused(paused, this.liveness.now());
    if (!this.call || this.state === 'ended') return;
    if (paused) this.call.pause();
    else this.call.resume();
  }

  halfClose(): void {
    if (this.state !== 'open' || !this.call) return;
    this.state = 'half-closed';
    this.halfClosed = true;
    this.call.end();
  }

  /** Cancels the call; a no-op once it has ended. */
  cancel(reason = 'Cancelled by the client'): void {
    if (this.state === 'ended') return;
    if (this.call) this.call.cancel(this.stalled !== undefined);
    else this.end({ code: 1, details: reason });
  }

  private end(status: CallStatus): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    const scrubbed = { code: status.code, details: this.scrub(status.details) ?? '' };
    this.status = scrubbed;
    this.handlers.observer?.ended(this, scrubbed);
    this.handlers.onEnd(this, scrubbed);
  }

  private scrub<T extends string | undefined>(text: T): T {
    return (text === undefined ? text : this.handlers.scrub(text)) as T;
  }
}
