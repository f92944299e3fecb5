import type { ServerDuplexStream } from '@grpc/grpc-js';

/**
 * Responses the flood lets wait in the call's writable buffer. Far above the stream's high-water
 * mark (16), so the flood is not throttled to one event-loop turn per 16 writes, yet bounded, so
 * a client that stops reading costs the emulator bounded memory.
 */
const MAX_BUFFERED = 256;

/**
 * Writes `make()` as fast as the call's transport takes it until `active()` turns false: up to
 * MAX_BUFFERED responses waiting, then wait for 'drain'. Each burst yields to the event loop so
 * the emulator's other work (its other calls, the session's own responses) goes on.
 */
export function startFlood<Res>(
  call: ServerDuplexStream<unknown, Res>,
  make: () => Res,
  active: () => boolean,
  onWritten: () => void,
): void {
  const turn = (): void => {
    if (!active()) return;
    let more = true;
    while (call.writableLength < MAX_BUFFERED) {
      more = call.write(make());
      onWritten();
      if (!active()) return;
    }
    // A full buffer means write() has returned false, so 'drain' will come once it empties.
    if (!more) call.once('drain', () => setImmediate(turn));
    else setImmediate(turn);
  };
  setImmediate(turn);
}
