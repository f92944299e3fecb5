/**
 * Is the session's call still alive? A connection that stops forwarding (no RST, no FIN) looks
 * healthy to gRPC until its keepalive gives up (~40 s), while the audio sent meanwhile is lost.
 * Two facts give such a call away within `stallTimeoutMs`:
 *
 * - the transport stops acknowledging writes (HTTP/2 flow control runs dry once the peer stops
 *   reading): the oldest unacknowledged write gets older than the timeout;
 * - the service owes a response and none comes. What is owed depends on the API: v3 answers any
 *   audio (partials, audio cursors, `status_code` keep-alives at a fixed interval); v2 with
 *   partial results answers speech; v2 without them answers only a pause after speech (its final).
 *   Legitimate silence therefore never makes a v2 session look dead.
 *
 * While the reader is not reading, the call is paused and the service cannot answer: nothing is
 * owed until it resumes. A service may also be quiet for its own reasons (v2 hears noise that is
 * no speech, and sends no final for it): a session that replaces one given up for 'no-response'
 * owes nothing until its service has answered once, so such audio costs one reconnect, not the
 * stream.
 *
 * A call that is merely slow is not a dead one: when this process or the service is short of CPU,
 * every call on the connection is acknowledged and answered late. What the connection's calls
 * heard lately, and how late (`ConnectionLag`), extends the timeout by that lag; a dead connection
 * delivers nothing, so its extension expires within one timeout. Pure: wall times come in as
 * arguments (the injected clock).
 */
import type { ConnectionLag } from './connection-lag.js';


/** What the service answers without being asked for anything else. */
export type LivenessExpectation = 'any-audio' | 'speech' | 'pause-after-speech';

/** Audio silence after speech, in ms, after which a v2 service owes the utterance's final. */
export const PAUSE_OWES_FINAL_MS = 1_000;

/** The least audio with speech after which a v2 service without partial results owes a final (see `LivenessWatch`). */
export const MIN_OWES_AFTER_SPEECH_MS = 10_000;

export const DEFAULT_STALL_TIMEOUT_MS = 5_000;
/** Acknowledged writes kept at the head of the list before it is compacted. */
const COMPACT_UNACKED = 1_024;
export const MIN_STALL_TIMEOUT_MS = 200;
export const MAX_STALL_TIMEOUT_MS = 300_000;

export type LivenessVerdict = 'alive' | 'no-response' | 'unacknowledged';

export class LivenessWatch {
  /** Wall time since which a response is owed; undefined when none is. */
  private owedSince: number | undefined;
  private speechUnanswered = false;
  private pauseMs = 0;
  /** Audio sent since the last response, from its first speech on. */
  private unansweredMs = 0;
  private paused = false;
  /** Wall times of writes the transport has not acknowledged yet, oldest first. */
  private readonly unacked: number[] = [];
  private unackedHead = 0;
  /** The call's connection, once it has one: how late its calls hear back (absent: no extension). */
  private connection: ConnectionLag | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly expects: LivenessExpectation,
    /** False: nothing is owed until the first response (see above). */
    private owesResponses = true,
    /**
     * Audio with speech in it after which a final is owed however short its pauses
     * ('pause-after-speech'): `maxReplayMs`, so that a service that stopped answering between
     * closely spaced utterances is found while the replay buffer (`maxReplayMs` + the timeout)
     * still holds everything since its last final (a recognizer that hears that much speech and
     * finalizes none is as good as gone; if it was not, the cost is one reconnect).
     */
    private readonly owesAfterSpeechMs = Infinity,
  ) {}

  /** Whether responses are owed at all (false until the first one, for a session started quiet). */
  get owes(): boolean {
    return this.owesResponses;
  }

  /** The call opened on this connection. */
  attach(connection: ConnectionLag | undefined): void {
    this.connection = connection;
  }

  /** A message went to the transport. */
  written(nowMs: number): void {
    this.unacked.push(nowMs);
  }

  /** The transport acknowledged the oldest unacknowledged write (acknowledgements come in order). */
  acknowledged(nowMs: number): void {
    if (this.unackedHead >= this.unacked.length) return;
    this.connection?.heard(nowMs - this.unacked[this.unackedHead]!, nowMs, this.timeoutMs);
    this.unackedHead++;
    if (this.unackedHead === this.unacked.length) {
      this.unacked.length = 0;
      this.unackedHead = 0;
    } else if (this.unackedHead >= COMPACT_UNACKED) {
      // A call that always has a write in flight never empties the list: drop what is behind.
      this.unacked.splice(0, this.unackedHead);
      this.unackedHead = 0;
    }
  }

  /** Writes remembered (acknowledged ones not yet dropped included); for tests. */
  get unackedHeld(): number {
    return this.unacked.length;
  }

  /** Audio went out: `speech` is false for known silence, undefined when unknown (counted as speech). */
  sentAudio(nowMs: number, durationMs: number, speech: boolean | undefined): void {
    if (this.expects === 'any-audio') {
      this.owedSince ??= nowMs;
      return;
    }
    if (this.speechUnanswered || speech !== false) {
      this.unansweredMs += durationMs;
      if (this.unansweredMs >= this.owesAfterSpeechMs) this.owedSince ??= nowMs;
    }
    if (speech !== false) {
      this.pauseMs = 0;
      this.speechUnanswered = true;
      if (this.expects === 'speech') this.owedSince ??= nowMs;
      return;
    }
    if (this.expects !== 'pause-after-speech' || !this.speechUnanswered) return;
    this.pauseMs += durationMs;
    if (this.pauseMs >= PAUSE_OWES_FINAL_MS) this.owedSince ??= nowMs;
  }

  /** Any response from the service. */
  responded(nowMs: number): void {
    this.connection?.heard(this.owedSince === undefined || this.paused ? 0 : nowMs - this.owedSince, nowMs, this.timeoutMs);
    this.owesResponses = true;
    this.owedSince = undefined;
    this.speechUnanswered = false;
    this.pauseMs = 0;
    this.unansweredMs = 0;
  }

  /** The stream stopped (true) or resumed (false) reading the call's responses. */
  setPaused(paused: boolean, nowMs: number): void {
    if (this.paused === paused) return;
    this.paused = paused;
    // The service could not answer while paused: what it owes is owed from the resume on.
    if (!paused && this.owedSince !== undefined) this.owedSince = nowMs;
  }

  check(nowMs: number): LivenessVerdict {
    const limit = this.timeoutMs + this.extension(nowMs);
    const oldest = this.oldestUnacked();
    if (oldest !== undefined && nowMs - oldest >= limit) return 'unacknowledged';
    const owed = this.owed();
    if (owed !== undefined && nowMs - owed >= limit) return 'no-response';
    return 'alive';
  }

  /** When `check` could next find a stall (an early look just looks again); undefined when nothing is pending. */
  nextCheckAt(nowMs: number): number | undefined {
    const oldest = this.oldestUnacked();
    const owed = this.owed();
    if (oldest === undefined && owed === undefined) return undefined;
    const due = Math.min(oldest ?? Infinity, owed ?? Infinity) + this.timeoutMs;
    const extension = this.extension(nowMs);
    if (extension === 0 || !this.connection) return due;
    // The extension may shrink when the evidence for it expires: look again then.
    return Math.min(due + extension, Math.max(due, this.connection.changesAt(nowMs, this.timeoutMs)));
  }

  private extension(nowMs: number): number {
    return this.connection?.extension(nowMs, this.timeoutMs) ?? 0;
  }

  private owed(): number | undefined {
    return this.owesResponses && !this.paused ? this.owedSince : undefined;
  }

  private oldestUnacked(): number | undefined {
    return this.unackedHead < this.unacked.length ? this.unacked[this.unackedHead] : undefined;
  }
}

/** What a session of this API owes (see above). */
export function livenessExpectation(api: 'v2' | 'v3', partialResults: boolean): LivenessExpectation {
  if (api === 'v3') return 'any-audio';
  return partialResults ? 'speech' : 'pause-after-speech';
}
