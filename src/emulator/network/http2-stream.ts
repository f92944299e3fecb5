import { constants as http2Constants } from 'node:http2';

/**
 * grpc-js gives server handlers no public way at their HTTP/2 stream; the emulator needs it to
 * drop a connection and to tell a client's reset from its half-close. Everything here is found
 * by shape, so a grpc-js upgrade that moves it degrades to "not found", never a crash.
 */

export interface Http2StreamLike {
  session?: { destroy?: () => void } | undefined;
  close?: (code: number) => void;
  closed?: boolean;
  destroyed?: boolean;
  rstCode?: number;
}

/** Whether the call's HTTP/2 stream is known to have been reset or destroyed (false when unknown). */
export function transportReset(call: unknown): boolean {
  const stream = findHttp2Stream(call);
  if (!stream) return false;
  return stream.destroyed === true || (typeof stream.rstCode === 'number' && stream.rstCode !== 0);
}

export function findHttp2Stream(call: unknown): Http2StreamLike | undefined {
  let node: unknown = (call as { call?: unknown }).call;
  for (let depth = 0; depth < 16 && node && typeof node === 'object'; depth++) {
    const stream = (node as { stream?: unknown }).stream;
    if (
      stream &&
      typeof stream === 'object' &&
      typeof (stream as { respond?: unknown }).respond === 'function' &&
      'session' in stream
    ) {
      return stream as Http2StreamLike;
    }
    node = (node as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

/**
 * How to kill the transport under a call, the most realistic way first: destroy its HTTP/2
 * session, which closes the TCP connection (and every other call on it, as a real connection loss
 * would), or else reset its stream with INTERNAL_ERROR. Undefined when neither is reachable.
 */
export function transportKiller(call: unknown): { kind: 'connection' | 'stream'; kill(): void } | undefined {
  const stream = findHttp2Stream(call);
  const session = stream?.session;
  if (session?.destroy) return { kind: 'connection', kill: () => session.destroy!() };
  if (stream?.close) return { kind: 'stream', kill: () => stream.close!(http2Constants.NGHTTP2_INTERNAL_ERROR) };
  return undefined;
}
