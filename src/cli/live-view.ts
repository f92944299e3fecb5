/** What the terminal view needs of a stream: a TTY's write and width. */
export interface TerminalOut {
  write(text: string): unknown;
  columns?: number | undefined;
}

const CLEAR_LINE = '\r\x1b[2K';
const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;

/**
 * The command line on a terminal: finals scroll, each once; below them one status line that is
 * rewritten in place: the current partial, and the progress (dim). Notes (rollovers, retries)
 * scroll dimly. The status line is cut to the terminal's width, because a line that wraps can no
 * longer be rewritten with a carriage return.
 */
export class LiveView {
  #partial = '';
  #progress = '';
  #shown = false;

  constructor(private readonly out: TerminalOut) {}

  partial(text: string): void {
    this.#partial = text;
    this.#draw();
  }

  progress(text: string): void {
    this.#progress = text;
    this.#draw();
  }

  final(text: string): void {
    this.#partial = '';
    this.#line(text);
  }

  note(text: string): void {
    this.#line(dim(text));
  }

  /** Clears the status line (the view is done; the terminal is left at the start of a line). */
  close(): void {
    if (this.#shown) this.out.write(CLEAR_LINE);
    this.#shown = false;
  }

  #line(text: string): void {
    this.out.write(`${CLEAR_LINE}${text}\n`);
    this.#shown = false;
    this.#draw();
  }

  #draw(): void {
    // A pseudo-terminal may report no size (0): assume the classic 80 columns.
    const width = (this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80) - 1;
    let progress = this.#progress ? `${this.#progress}  ` : '';
    // The partial is what the line is for: the progress gives way first on a narrow terminal.
    if (width - progress.length < Math.min(20, this.#partial.length)) progress = '';
    const room = width - progress.length;
    const partial = this.#partial.length > room ? `…${this.#partial.slice(-(room - 1))}` : this.#partial;
    if (!progress && !partial && !this.#shown) return;
    this.out.write(`${CLEAR_LINE}${progress ? dim(progress) : ''}${partial}`);
    this.#shown = progress !== '' || partial !== '';
  }
}
