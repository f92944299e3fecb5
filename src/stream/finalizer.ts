import type { AudioFrame } from '../audio/frame.js';
import type { Session } from '../session/session.js';

/** What the finalizer asks of the stream. */
export interface FinalizeHost {
  /** The service ends utterances on our mark (v3, external classifier): no half-close needed. */
  readonly byMark: boolean;
  /** A backoff before the next session runs (its replay is not queued yet). */
  reopening(): boolean;
  /** Whether the speech sent so far has its finals. */
  covered(): boolean;
  /** Whether the session heard what ends its utterance and its final came (or the bounded wait is over); else works towards it. */
  flushed(session: Session): boolean;
  /** Half-closes the session and starts its drain timer. */
  close(session: Session): void;
  /** A turn under way ends here (`speechEnd`). */
  turnEnds(): void;
  /** The flush of the session starts over (its wait, its added silence). */
  flushRestarts(): void;
}

/** What the stream's pump does after a step: send the frame, stop sending, or look again. */
export type FinalizeStep = 'go' | 'hold' | 'again';

/** Frames start within this much of a position count as starting at it. */
const EPSILON_MS = 1e-6;

/**
 * The `finalize()` calls still owed: each asks the service to finalize everything written before
 * its position (`atMs`), and resolves once it did, in call order. The pump asks `step()` before
 * each frame: audio before the first position goes on; at it, nothing more is sent until the
 * service has finalized it (a mark inside the session, or a half-close whose session must end;
 * the next session then starts at the position, replaying nothing). Every promise settles:
 * speech-free audio at once, and all on `settleAll()` (the stream ended or was destroyed).
 */
export class Finalizer {
  private readonly waiting: { atMs: number; resolve: () => void }[] = [];
  /** The session half-closed to finalize the first position, until it ends. */
  closing: number | undefined;
  /** Half-closes made for the first position (a failed or unfinalizing session makes another). */
  private attempts = 0;

  constructor(private readonly host: FinalizeHost) {}

  /** The first position still owed, or undefined. */
  get target(): number | undefined {
    return this.waiting[0]?.atMs;
  }

  add(atMs: number): Promise<void> {
    return new Promise<void>((resolve) => this.waiting.push({ atMs, resolve }));
  }

  /** Before `frame` (undefined: none ready) goes to `session` (the current one, if any). */
  step(frame: AudioFrame | undefined, session: Session | undefined): FinalizeStep {
    const target = this.target;
    if (target === undefined) return 'go';
    if (frame && frame.streamMs < target - EPSILON_MS) return 'go';
    if (!session) {
      // No session holds audio before the position: a finalize closed it, or none has opened.
      if (this.host.reopening()) return 'hold';
      this.settle();
      return 'again';
    }
    if (session.state !== 'open' || session.blocked || session.streamEndMs < target - EPSILON_MS) return 'hold';
    this.host.turnEnds();
    if (this.host.covered()) {
      this.settle();
      return 'again';
    }
    if (this.closing === session.index) return 'hold';
    if (this.host.byMark || this.attempts > 0) {
      // The mark ends the utterance inside the session; and a session that replays speech a
      // half-close did not finalize hears what ends it first (as at the end of the audio).
      if (!this.host.flushed(session)) return 'hold';
      if (this.host.byMark || this.host.covered()) {
        this.settle();
        return 'again';
      }
    }
    // A half-close at once: the quickest final (the service finalizes what it heard), and the
    // session's end, checked like the last one's, tells whether it did.
    this.attempts++;
    this.closing = session.index;
    this.host.close(session);
    return 'hold';
  }

  settleAll(): void {
    while (this.waiting.length > 0) this.settle();
  }

  /** The first position is finalized (or there was nothing to finalize before it). */
  private settle(): void {
    this.closing = undefined;
    this.attempts = 0;
    // The next finalize's flush waits its own bounded time, not what is left of this one's.
    this.host.flushRestarts();
    this.waiting.shift()?.resolve();
  }
}
