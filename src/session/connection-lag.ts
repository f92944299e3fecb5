/**
 * How far behind one connection runs, as its calls hear it. A call that gets no acknowledgement or
 * response for `stallTimeoutMs` is either on a dead connection or merely queued behind a slow one:
 * a process (or a service) short of CPU acknowledges and answers every call on the connection
 * late, by about the same time. Each call therefore reports how late what it heard came (a write
 * acknowledged `lag` ms after it was made; a response `lag` ms after it was owed), and a call on
 * the same connection is given that much longer before it is judged dead.
 *
 * Evidence expires: a lag heard more than a stall timeout ago extends nothing. A connection that
 * stops forwarding delivers nothing more to any of its calls, so its calls are judged on the plain
 * timeout again within one timeout of its last delivery. A call stuck on its own while its
 * neighbours are served on time (the service stopped reading or answering that call) gets no
 * extension either: its neighbours' lag is small. Pure: times come in as arguments.
 */
export class ConnectionLag {
  /** The largest lag heard while fresh, and when; and the latest, which outlives it when it expires. */
  private maxMs = 0;
  private maxAt = -Infinity;
  private lastMs = 0;
  private lastAt = -Infinity;

  /** Something arrived `lagMs` late at `nowMs`; a stall timeout of `windowMs` judges its freshness. */
  heard(lagMs: number, nowMs: number, windowMs: number): void {
    this.lastMs = lagMs;
    this.lastAt = nowMs;
    if (nowMs - this.maxAt >= windowMs || lagMs >= this.maxMs) {
      this.maxMs = lagMs;
      this.maxAt = nowMs;
    }
  }

  /** How much longer than its timeout a call on this connection is given now. */
  extension(nowMs: number, windowMs: number): number {
    const max = nowMs - this.maxAt < windowMs ? this.maxMs : 0;
    const last = nowMs - this.lastAt < windowMs ? this.lastMs : 0;
    return Math.min(Math.max(max, last), windowMs * MAX_EXTENSION_TIMEOUTS);
  }

  /** When the current extension may next shrink (the evidence it rests on expires). */
  changesAt(nowMs: number, windowMs: number): number {
    const maxFresh = nowMs - this.maxAt < windowMs;
    return maxFresh && this.maxMs > this.lastMs ? this.maxAt + windowMs : this.lastAt + windowMs;
  }
}

/** However slow its connection, a call is judged dead after this many timeouts plus its own. */
const MAX_EXTENSION_TIMEOUTS = 10;

const connections = new WeakMap<object, ConnectionLag>();

/** The lag record shared by every call on the connection `token` names (the transport's handle). */
export function connectionLag(token: object): ConnectionLag {
  let lag = connections.get(token);
  if (!lag) connections.set(token, (lag = new ConnectionLag()));
  return lag;
}
