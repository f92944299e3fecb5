import type { ServerDuplexStream } from '@grpc/grpc-js';

/** Writes per event-loop turn: a consumer that never pushes back must not starve the emulator's other work. */
const WRITES_PER_TURN = 64;

/**
 * Writes `make()` as fast as the call's transport takes it (stopping at back-pressure until
 * 'drain') until `active()` turns false. Nothing is buffered beyond the stream's own high-water
 * mark, so a slow client costs the emulator bounded memory.
 */
export function startFlood<Res>(
  call: ServerDuplexStream<unknown, Res>,
  make: () => Res,
  active: () => boolean,
  onWritten: () => void,
): void {
  const turn = (): void => {
    for (let i = 0; i < WRITES_PER_TURN; i++) {
      if (!active()) return;
      const more = call.write(make());
      onWritten();
      if (!more) {
        call.once('drain', turn);
        return;
      }
    }
    setImmediate(turn);
  };
  setImmediate(turn);
}
