/** The command line's exit codes (the README lists them). */
export const EXIT = {
  /** Done: every result was written. */
  OK: 0,
  /** Recognition or the server failed; the error is on stderr with its code. */
  FAILED: 1,
  /** The command line was wrong (unknown command or option value, missing file). */
  USAGE: 2,
  /** Ctrl-C: the audio stopped there, and the results for what was sent were still written. */
  INTERRUPTED: 130,
} as const;
