/**
 * How far behind one connection runs, as its calls hear it. A call that gets no acknowledgement or
 * response for `stallTimeoutMs` is either on a dead connection or merely queued behind a slow one:
 * a process (or a service) short of CPU acknowledges and answers every call on the connection
 * late, by about the same time. Each call therefore reports how late what it heard came (a write
 * acknowledged `lag` ms after it was made; a response `lag` ms after it was owed), and a call on
 * the same connection is given that much longer before it is judged dead.
 *
 * Evidence expires: nothing heard from the connection for one stall timeout extends nothing. A
 * connection that stops forwarding delivers nothing more to any of its calls, so its calls are
 * judged on the plain timeout again within one timeout of its last delivery. While it does
 * deliver, the largest lag it showed over the last few timeouts counts, not just the latest: a
 * connection short of CPU serves its calls unevenly (one write acknowledged after 100 ms, the
 * next call's after 1.7 s), so the latest lag says little about how long the slowest call may
 * wait. A call stuck on its own while its neighbours are served on time (the service stopped
 * reading or answering that call) gets little extension: its neighbours' lag is small. Pure:
 * times come in as arguments.
 */
export class ConnectionLag {
  /** The largest lag heard over the last `LAG_MEMORY_TIMEOUTS`, and when; the latest, and when. */
  private maxMs = 0;
  private maxAt = -Infinity;
  private lastMs = 0;
  private lastAt = -Infinity;

  /** Something arrived `lagMs` late at `nowMs`; `windowMs` is the stall timeout of the call that heard it. */
  heard(lagMs: number, nowMs: number, windowMs: number): void {
    this.lastMs = lagMs;
    this.lastAt = nowMs;
    if (nowMs - this.maxAt >= windowMs * LAG_MEMORY_TIMEOUTS || lagMs >= this.maxMs) {
      this.maxMs = lagMs;
      this.maxAt = nowMs;
    }
  }

  /** How much longer than its timeout a call on this connection is given now. */
  extension(nowMs: number, windowMs: number): number {
    if (nowMs - this.lastAt >= windowMs) return 0;
    const max = nowMs - this.maxAt < windowMs * LAG_MEMORY_TIMEOUTS ? this.maxMs : 0;
    return Math.min(Math.max(max, this.lastMs), windowMs * MAX_EXTENSION_TIMEOUTS);
  }

  /** When the current extension may next shrink (the evidence it rests on expires). */
  changesAt(nowMs: number, windowMs: number): number {
    const silent = this.lastAt + windowMs;
    return nowMs - this.maxAt < windowMs * LAG_MEMORY_TIMEOUTS ? Math.min(silent, this.maxAt + windowMs * LAG_MEMORY_TIMEOUTS) : silent;
  }
}

/** How long the largest lag a connection showed keeps counting, in stall timeouts. */
const LAG_MEMORY_TIMEOUTS = 6;
/** However slow its connection, a call is judged dead after this many timeouts plus its own. */
const MAX_EXTENSION_TIMEOUTS = 10;

const connections = new WeakMap<object, ConnectionLag>();

/** The lag record shared by every call on the connection `token` names (the transport's handle). */
export function connectionLag(token: object): ConnectionLag {
  let lag = connections.get(token);
  if (!lag) connections.set(token, (lag = new ConnectionLag()));
  return lag;
}
