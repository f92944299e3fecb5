/**
 * What the rest of the library knows about a gRPC call. Only the transport implements it, so
 * sessions and the stream can be driven by a fake call in unit tests.
 */
export interface CallStatus {
  code: number;
  details: string;
}

export interface CallHandlers {
  onResponse(message: unknown): void;
  /** The service's response headers, once. */
  onHeaders(headers: Record<string, string>): void;
  /** The call's terminal status, exactly once. */
  onStatus(status: CallStatus): void;
  /** The call can take more messages after `write` returned false. */
  onDrain(): void;
}

export interface SttCall {
  /**
   * Returns false when the transport's buffer is full: wait for `onDrain` before writing more.
   * `onWritten` runs once the message has left the transport's own buffers for the connection
   * (in write order); a message still waiting there is not sent.
   */
  write(message: unknown, onWritten?: () => void): boolean;
  /** Half-close: no more messages; responses keep coming until the status. */
  end(): void;
  /** `deadConnection`: the call was found stalled; new calls must not reuse its connection. */
  cancel(deadConnection?: boolean): void;
  /** Stop / resume delivering responses (reader backpressure). */
  pause(): void;
  resume(): void;
  /**
   * Names the connection the call runs on (the same object for every call sharing it), so that a
   * call can be judged against its neighbours: slow with them, or stuck alone. Absent: unknown.
   */
  readonly connection?: object;
}

export type ApiMethod = 'v2' | 'v3';

export interface Transport {
  open(method: ApiMethod, metadata: Record<string, string>, handlers: CallHandlers): SttCall;
  /** Releases channels; open calls are cancelled. */
  close(): void;
}
