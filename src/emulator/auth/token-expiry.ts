/**
 * Calls `onExpired` once the wall clock has reached `expiresAtMs` (when a token runs out). Timers
 * may fire a little early against Date.now(); it waits again until the time has really come.
 * Returns a function that cancels the watch.
 */
export function watchTokenExpiry(expiresAtMs: number, onExpired: () => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    timer = setTimeout(() => {
      timer = null;
      if (Date.now() < expiresAtMs) return arm();
      onExpired();
    }, Math.max(0, expiresAtMs - Date.now()));
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
