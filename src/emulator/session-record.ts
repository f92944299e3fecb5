import type {
  SessionConfig,
  SessionRecord,
  SessionResult,
  SessionStatus,
  V3SessionOptions,
} from './types.js';
import type { FaultAction } from './faults/fault-rules.js';
import type { PacingBreach } from './limits/pacing-guard.js';

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
