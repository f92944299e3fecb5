/**
 * Where a session gets its `authorization` header. Consulted at the start of every session, so a
 * refreshed token reaches the next session without touching the ones in flight.
 */
export interface Credentials {
  /** The `authorization` header value for a new session. */
  authorization(): Promise<string>;
  /** Every secret value in play, so errors and logs can be scrubbed of them. */
  secrets(): readonly string[];
  /**
   * Gets a new token now, after the service said UNAUTHENTICATED (an expired or revoked token).
   * Absent for credentials that cannot change, such as a static token or an API key.
   */
  refresh?(): Promise<void>;
  /** The stream is done with these credentials (lets shared token caches stop refreshing). */
  release?(): void;
}
