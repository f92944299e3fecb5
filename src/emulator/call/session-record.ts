import type { FaultAction } from '../faults/fault-rules.js';
import type { PacingBreach } from '../limits/pacing-guard.js';
import type { V3SessionOptions } from '../v3/config.js';
import type { SessionConfig } from './session-config.js';
import type { SessionStatus } from './status.js';

export interface SessionResult {
  text: string;
  final: boolean;
  endOfUtterance: boolean;
  /** API v3: which event carried it (v2 results are `partial` or `final`). */
  type?: 'partial' | 'final' | 'refinement' | 'endOfUtterance' | 'classifier' | 'speakerAnalysis' | 'conversationAnalysis' | 'summarization';
  /** API v3: the final's number in its session (finals and refinements). */
  finalIndex?: number;
}

/** What the emulator saw and did in one call. */
export interface SessionRecord {
  /** 0-based, in start order (restarts at 0 after `reset()`). */
  index: number;
  /** The `x-request-id` the emulator sent back. */
  requestId: string;
  /** The `x-client-request-id` the client sent. */
  clientRequestId?: string;
  /** Request headers; `authorization` is reduced to its scheme, e.g. 'Bearer <redacted>'. */
  metadata: Record<string, string>;
  /** Which API the call used. */
  api: 'v2' | 'v3';
  /** v2: `config.folder_id`; v3: the `x-folder-id` header. */
  folderId?: string;
  config?: SessionConfig;
  /** API v3 only: the settings `config` has no room for. */
  v3Options?: V3SessionOptions;
  /** Audio messages: wall ms since the session started, and size. */
  messages: { atMs: number; bytes: number }[];
  /** Every audio_content byte received, concatenated (empty with `recordAudio: false`). */
  readonly audio: Buffer;
  /** Audio bytes received (counted with `recordAudio: false` too). */
  readonly bytes: number;
  /** Duration of the audio received, in ms (0 where the encoding's duration is not computed); v3 `silence_chunk`s included. */
  audioMs: number;
  /** API v3: every `silence_chunk`: wall ms since the session started, and its duration. */
  silenceChunks: { atMs: number; durationMs: number }[];
  /** API v3: every external `eou`: wall ms since the session started, and the audio ms received by then. */
  eouMessages: { atMs: number; audioMs: number }[];
  /** API v3: `status_code` keep-alive responses written. */
  statusMessages: number;
  /** Result chunks written to the client, in order. */
  results: SessionResult[];
  /** How the session ended; unset while it runs. */
  status?: SessionStatus;
  /** Whether the client half-closed its side. */
  halfClosed: boolean;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms. */
  endedAt?: number;
  /** Resolves (never rejects) when the session has ended. */
  ended: Promise<void>;
  /** The fault actions applied to this session, in the order they took effect. */
  faults: FaultAction[];
  /** Set when the session ended for pacing (`ServiceProfile.pacing`): how far ahead the audio ran. */
  pacingBreach?: PacingBreach;
  /** Responses written by a `flood` fault. */
  floodResponses: number;
  /** Results queued but never written because the session ended first (`halfClose: 'ok-early'`, `stall`, failures). */
  unsent: SessionResult[];
  /** Wall delays drawn for this session's finals, ms, in order (`finalLatencyMs`). */
  finalDelaysMs: number[];
}

/**
 * The live record of one call. Audio is kept as the received chunks and joined on first read, so
 * long sessions with many small messages stay linear in cost.
 */
export class SessionRecordImpl implements SessionRecord {
  readonly index: number;
  readonly requestId: string;
  declare readonly clientRequestId?: string;
  readonly metadata: Record<string, string>;
  api: 'v2' | 'v3' = 'v2';
  declare folderId?: string;
  declare config?: SessionConfig;
  declare v3Options?: V3SessionOptions;
  readonly messages: { atMs: number; bytes: number }[] = [];
  audioMs = 0;
  readonly silenceChunks: { atMs: number; durationMs: number }[] = [];
  readonly eouMessages: { atMs: number; audioMs: number }[] = [];
  statusMessages = 0;
  readonly results: SessionResult[] = [];
  declare status?: SessionStatus;
  halfClosed = false;
  readonly startedAt: number;
  declare endedAt?: number;
  readonly ended: Promise<void>;
  readonly faults: FaultAction[] = [];
  declare pacingBreach?: PacingBreach;
  floodResponses = 0;
  readonly unsent: SessionResult[] = [];
  readonly finalDelaysMs: number[] = [];
  #chunks: Buffer[] = [];
  #joined: Buffer | null = Buffer.alloc(0);
  #bytes = 0;
  #resolveEnded!: () => void;

  readonly #keepAudio: boolean;

  constructor(init: { index: number; requestId: string; clientRequestId?: string; metadata: Record<string, string>; keepAudio?: boolean }) {
    this.index = init.index;
    this.#keepAudio = init.keepAudio ?? true;
    this.requestId = init.requestId;
    if (init.clientRequestId !== undefined) this.clientRequestId = init.clientRequestId;
    this.metadata = init.metadata;
    this.startedAt = Date.now();
    this.ended = new Promise<void>((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  get audio(): Buffer {
    this.#joined ??= Buffer.concat(this.#chunks, this.#bytes);
    return this.#joined;
  }

  /** Audio bytes received so far. */
  get bytes(): number {
    return this.#bytes;
  }

  addAudio(chunk: Buffer, atMs: number): void {
    if (this.#keepAudio) this.#chunks.push(Buffer.from(chunk));
    this.#bytes += chunk.length;
    this.#joined = null;
    this.messages.push({ atMs, bytes: chunk.length });
  }

  /** Records how the session ended; only the first call counts. */
  finish(status: SessionStatus): void {
    if (this.status) return;
    this.status = status;
    this.endedAt = Date.now();
    this.#resolveEnded();
  }
}
