/** The protocols `serve` speaks. */
export type ServeProtocol = 'twilio' | 'audiosocket' | 'audio-fork' | 'jambonz' | 'browser';

/** A running server of one protocol. */
export interface ServeServer {
  readonly protocol: ServeProtocol;
  /** The address it listens on. */
  readonly host: string;
  readonly port: number;
  /** What a media server connects to: `ws://host:port/path`, or `tcp://host:port` for AudioSocket. */
  readonly url: string;
  /** Calls in progress (a call is counted until its `end` line is written). */
  activeCalls(): number;
  /** Open connections, calls or not. */
  connections(): number;
  /**
   * Stops taking connections and ends every call in progress: its audio so far is recognized, it
   * gets an error line `SPEECHKIT_ERR_SERVE_SHUTDOWN` and its `end` line; then every connection closes.
   */
  close(): Promise<void>;
}
