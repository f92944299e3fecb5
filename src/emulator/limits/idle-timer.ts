/** The idle limit of one session: `onIdle` runs once `idleMs` of wall time pass without a `touch()`. */
export class IdleTimer {
  readonly #idleMs: number;
  readonly #onIdle: () => void;
  #timer: NodeJS.Timeout | null = null;

  constructor(idleMs: number, onIdle: () => void) {
    this.#idleMs = idleMs;
    this.#onIdle = onIdle;
  }

  /** A client message arrived: the wait starts again. */
  touch(): void {
    this.stop();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#onIdle();
    }, this.#idleMs);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
