import type { ApiAdapter } from '../api/adapter.js';
import type { AudioFrame } from '../audio/frame.js';
import type { AudioIntake } from '../audio/intake.js';
import type { Credentials } from '../auth/credentials.js';
import { ErrorCodes, redact, SpeechKitError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { SessionInfo } from '../results.js';
import { Session, type SessionHandlers, type SessionObserver } from '../session/session.js';
import type { Transport } from '../transport/call.js';

/** What the stream lends its sessions: the wire, the credentials, and where their headers go. */
export interface SessionFactoryDeps {
  options: ResolvedOptions;
  api: ApiAdapter;
  intake: AudioIntake;
  credentials: Credentials;
  transport: Transport;
  random: () => number;
  observer: SessionObserver;
  /** A session's response headers came: the `session` event. */
  onHeaders: (info: SessionInfo) => void;
  /** Whether the stream is gone (a session that waited for its slot then never opens). */
  destroyed: () => boolean;
}

/** The handlers a caller gives; the factory adds the headers, scrubbing and observer. */
export type OwnHandlers = Pick<SessionHandlers, 'onResponse' | 'onDrain' | 'onEnd'>;

/**
 * Makes and opens one stream's sessions, the current ones and the repairs alike: numbers them in
 * order, keeps the ones whose call has not ended (ended ones are let go, so a days-long stream
 * stays small), pauses them while the reader is full, and opens each with fresh credentials once
 * its start slot has come.
 */
export class SessionFactory {
  private readonly live = new Set<Session>();
  private opened = 0;
  private paused = false;

  constructor(private readonly deps: SessionFactoryDeps) {}

  /** Sessions made so far. */
  get count(): number {
    return this.opened;
  }

  /** Sessions whose call has not ended. */
  sessions(): Iterable<Session> {
    return this.live;
  }

  create(baseOffsetMs: number, handlers: OwnHandlers, liveness?: Session['liveness']): Session {
    const { api, random, credentials, observer, onHeaders } = this.deps;
    const session = new Session(this.opened++, baseOffsetMs, random(), api, {
      ...handlers,
      onHeaders: (s) => onHeaders(sessionInfo(s)),
      scrub: (text) => redact(text, credentials.secrets()),
      observer,
    }, liveness);
    this.live.add(session);
    if (this.paused) session.setPaused(true);
    return session;
  }

  /**
   * Opens `session` once its credentials and `slot` are there, starting its wire with `first()`
   * (the frame it will hear first, known only then). A failure to get credentials goes to
   * `onNoCredentials` as an AUTH error whose message holds no secret.
   */
  open(session: Session, slot: Promise<void>, first: () => AudioFrame | undefined, onOpen: () => void, onNoCredentials: (error: SpeechKitError) => void): void {
    const { options, api, intake, credentials, transport, destroyed } = this.deps;
    const metadata = { ...options.metadata, ...api.metadata(options) };
    const config = api.configMessage(options, intake.format!);
    Promise.all([credentials.authorization(), slot]).then(
      ([authorization]) => {
        if (destroyed() || session.state !== 'opening') return;
        session.open(transport, { ...metadata, authorization }, config, intake.openSession(first()));
        onOpen();
      },
      (error: unknown) => {
        const message = redact(error instanceof Error ? error.message : String(error), credentials.secrets());
        onNoCredentials(new SpeechKitError(ErrorCodes.AUTH, `Could not get credentials: ${message}`, { session: session.index }));
      },
    );
  }

  /** The session's call ended. */
  ended(session: Session): void {
    this.live.delete(session);
  }

  /**
   * Reader backpressure reaches the service: while the reader's buffer is full no call is read,
   * so gRPC flow control holds the service's responses there instead of in our memory.
   */
  setPaused(paused: boolean): void {
    this.paused = paused;
    for (const session of this.live) session.setPaused(paused);
  }
}

/** The ids by which a session is found in SpeechKit's logs (never a secret). */
export function sessionIds(session: Session) {
  return {
    session: session.index,
    clientRequestId: session.clientRequestId,
    ...(session.requestId !== undefined && { requestId: session.requestId }),
    ...(session.traceId !== undefined && { traceId: session.traceId }),
  };
}

export function sessionInfo(session: Session): SessionInfo {
  return { ...sessionIds(session), baseOffsetMs: session.baseOffsetMs };
}
