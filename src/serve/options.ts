import { ErrorCodes, SpeechKitError, type RecognizeStreamOptions } from '../index.js';
import type { ServeLine } from './lines.js';

/** Options every protocol's server takes. */
export interface ServeOptions {
  /**
   * What every call's recognizer starts from: `auth`, `endpoint`, `languageCode`, `api`… The
   * protocol sets each track's `audioEncoding` and `sampleRateHertz`.
   */
  recognizer: RecognizeStreamOptions;
  /** Port to listen on; default 0 (any free port: read `server.port`). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** WebSocket protocols: the path calls connect to (the query string is ignored); default `/`. */
  path?: string;
  /** Also write `partial` lines (the protocol's interim replies are sent when it asks for them). */
  partial?: boolean;
  /** Every line, in order per call: print it, POST it (see `createWebhook`), store it. */
  onLine?: (line: ServeLine) => void;
  /**
   * WebSocket protocols: replies waiting for a peer that does not read them, in bytes, before the
   * call is ended with `SPEECHKIT_ERR_SERVE_SLOW_CONSUMER`; default 1 MiB.
   */
  maxReplyBufferBytes?: number;
  /** Largest message or frame accepted, in bytes (a larger one ends the call); default 1 MiB. */
  maxMessageBytes?: number;
}

export interface ResolvedServeOptions {
  recognizer: RecognizeStreamOptions;
  port: number;
  host: string;
  path: string;
  partial: boolean;
  onLine: (line: ServeLine) => void;
  maxReplyBufferBytes: number;
  maxMessageBytes: number;
}

const MiB = 1024 * 1024;

export function invalidServeOption(option: string, expected: string, got: unknown): SpeechKitError {
  return new SpeechKitError(ErrorCodes.INVALID_OPTION, `Invalid option \`${option}\`: expected ${expected}; got ${JSON.stringify(got) ?? String(got)}`, { option });
}

/** Checks the options before anything listens; throws `SPEECHKIT_ERR_INVALID_OPTION` naming the option. */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  if (options === null || typeof options !== 'object') throw invalidServeOption('options', 'an object', options);
  if (options.recognizer === null || typeof options.recognizer !== 'object') throw invalidServeOption('recognizer', 'recognize options (auth, endpoint…)', options.recognizer);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidServeOption('port', 'an integer 0–65535', options.port);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw invalidServeOption('host', 'an interface name or address', options.host);
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalidServeOption('path', "a path starting with '/'", options.path);
  const positive = (name: 'maxReplyBufferBytes' | 'maxMessageBytes', fallback: number) => {
    const value = options[name] ?? fallback;
    if (!Number.isInteger(value) || value <= 0) throw invalidServeOption(name, 'a positive integer', options[name]);
    return value;
  };
  if (options.onLine !== undefined && typeof options.onLine !== 'function') throw invalidServeOption('onLine', 'a function', typeof options.onLine);
  return {
    recognizer: options.recognizer,
    port,
    host,
    path,
    partial: options.partial === true,
    onLine: options.onLine ?? (() => undefined),
    maxReplyBufferBytes: positive('maxReplyBufferBytes', MiB),
    maxMessageBytes: positive('maxMessageBytes', MiB),
  };
}
