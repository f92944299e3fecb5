/**
 * The end of the stream, made safe against a service that ends the call with OK without
 * finalizing what it heard last (or whose OK crosses our half-close). Before half-closing, the
 * stream makes sure the service has finalized the last speech by itself:
 *
 * - if the audio ends with less than `FLUSH_SILENCE_MS` of silence after the last speech, it adds
 *   silence (keep-alive silence: off the stream timeline, counted against the session's limits)
 *   so the service's own end-of-utterance detection fires;
 * - it waits, at most `FLUSH_WAIT_MS` from the end of the audio, for a final that covers the last
 *   speech, and only then half-closes.
 *
 * If the call still ends with OK while that speech is unconfirmed, a new session replays it, at
 * most `MAX_FLUSH_RECOVERIES` times; after that the stream reports it (`unconfirmed` event).
 * Audio whose level the stream cannot read (Ogg Opus passed through) is ended as before: it
 * half-closes at once and trusts the service's flush; Ogg Opus made by `encode` gets no added
 * silence either (nothing may follow its last page), only the replay. Pure: times come in as
 * arguments.
 */
export const FLUSH_SILENCE_MS = 1_000;
export const FLUSH_WAIT_MS = 3_000;
export const MAX_FLUSH_RECOVERIES = 2;

export type FlushStep = { kind: 'half-close' } | { kind: 'silence' } | { kind: 'wait'; untilMs: number };

/** Payload of the `unconfirmed` event. */
export interface UnconfirmedEvent {
  /** The session whose OK ended the stream. */
  session: number;
  /** Whole-stream span of audio with speech that no final covered, in ms. */
  fromMs: number;
  /** End of that span, in ms. */
  toMs: number;
  /** New sessions that replayed it without a final either. */
  recoveries: number;
}

export class EndFlush {
  private lastSpeechStartMs: number | undefined;
  private lastSpeechEndMs = 0;
  /** Some audio's level is unknown: no claim about speech can be made. */
  private levelUnknown = false;
  private startedAt: number | undefined;
  private addedMs = 0;
  /** Where this session last heard an end-of-utterance message (external classifier). */
  private eouAtMs: number | undefined;
  private recoveries = 0;
  /** Whole-stream end of the finals delivered so far (a replaced session's included). */
  finalsUpToMs = 0;

  /** A frame of the user's audio went out; `speech` undefined when its level is unknown. */
  sent(streamMs: number, durationMs: number, speech: boolean | undefined): void {
    if (speech === undefined) {
      this.levelUnknown = true;
    } else if (speech) {
      this.lastSpeechStartMs = streamMs;
      this.lastSpeechEndMs = streamMs + durationMs;
    }
  }

  /** A final reached the reader; it covers the audio up to `endMs`. */
  finalled(endMs: number): void {
    if (endMs > this.finalsUpToMs) this.finalsUpToMs = endMs;
  }

  /** A new session: it has heard none of the flush silence. */
  newSession(): void {
    this.startedAt = undefined;
    this.addedMs = 0;
    this.eouAtMs = undefined;
  }

  /** The session was told the utterance ends at `streamMs`: after the last speech, nothing more is needed to end it. */
  eouSent(streamMs: number): void {
    this.eouAtMs = streamMs;
  }

  /** Whether finals up to `confirmedMs` cover the last speech sent. */
  covered(confirmedMs: number): boolean {
    return this.levelUnknown || this.lastSpeechStartMs === undefined || Math.max(confirmedMs, this.finalsUpToMs) > this.lastSpeechStartMs;
  }

  /** All audio is sent: what to do before half-closing. */
  next(nowMs: number, confirmedMs: number, streamEndMs: number): FlushStep {
    if (this.covered(confirmedMs)) return { kind: 'half-close' };
    this.startedAt ??= nowMs;
    if (nowMs - this.startedAt >= FLUSH_WAIT_MS) return { kind: 'half-close' };
    const ended = this.eouAtMs !== undefined && this.eouAtMs >= this.lastSpeechEndMs;
    if (!ended && streamEndMs - this.lastSpeechEndMs + this.addedMs < FLUSH_SILENCE_MS) return { kind: 'silence' };
    return { kind: 'wait', untilMs: this.startedAt + FLUSH_WAIT_MS };
  }

  silenceSent(durationMs: number): void {
    this.addedMs += durationMs;
  }

  /**
   * The last session ended with OK after our half-close. Returns 'ok' when the last speech is
   * covered, 'recover' when a new session should replay it, or the event to report.
   */
  /** Flush recoveries started so far. */
  get recoveryCount(): number {
    return this.recoveries;
  }

  endedOk(session: number, confirmedMs: number): 'ok' | 'recover' | UnconfirmedEvent {
    if (this.covered(confirmedMs)) return 'ok';
    if (this.recoveries < MAX_FLUSH_RECOVERIES) {
      this.recoveries++;
      return 'recover';
    }
    return { session, fromMs: Math.max(confirmedMs, this.finalsUpToMs), toMs: this.lastSpeechEndMs, recoveries: this.recoveries };
  }
}
