import { systemClock, type Clock } from '../timing/clock.js';
import { ServeErrorCodes } from './errors.js';
import { invalidServeOption } from './options.js';
import type { ErrorLine, ServeLine } from './lines.js';

/** Options of {@link createWebhook}. */
export interface WebhookOptions {
  /** Where every line is POSTed, one JSON object per request (`content-type: application/json`). */
  url: string;
  /** Further attempts after a failed one (network error, timeout, 408, 429, 5xx); default 3. */
  retries?: number;
  /** Wait before the first retry, doubled for each next one; default 250 ms. */
  retryDelayMs?: number;
  /** One attempt's time limit; default 5,000 ms. */
  timeoutMs?: number;
  /** Lines waiting to be delivered at most; past it a line is dropped with an error; default 10,000. */
  maxQueued?: number;
  /** Told of each line given up on (after its retries, or dropped from a full queue). */
  onError?: (line: ErrorLine) => void;
  /** Time for the retry waits (tests); default the system clock. */
  clock?: Clock;
}

/** Delivers lines to a URL, in order, one request at a time, each retried a bounded number of times. */
export interface Webhook {
  /** Queues a line; never throws, never waits. */
  send(line: ServeLine): void;
  /** Resolves once every queued line was delivered or given up on. */
  flush(): Promise<void>;
  /** Lines delivered, given up on, and waiting. */
  readonly stats: { delivered: number; failed: number; queued: number };
}

const RETRIED_STATUS = new Set([408, 429]);

/**
 * A webhook for `serve`'s lines, with node's `fetch`. Lines go one at a time so the receiver sees
 * them in order; a line that fails is retried after `retryDelayMs`, 2×, 4×… up to `retries`
 * times, then reported through `onError` (never POSTed itself, so a dead webhook cannot loop).
 */
export function createWebhook(options: WebhookOptions): Webhook {
  const url = checkedUrl(options.url);
  const retries = count(options.retries ?? 3, 'retries');
  const retryDelayMs = count(options.retryDelayMs ?? 250, 'retryDelayMs');
  const timeoutMs = count(options.timeoutMs ?? 5_000, 'timeoutMs');
  const maxQueued = count(options.maxQueued ?? 10_000, 'maxQueued');
  const clock = options.clock ?? systemClock;
  const queue: ServeLine[] = [];
  const stats = { delivered: 0, failed: 0, queued: 0 };
  let running: Promise<void> | undefined;

  const giveUp = (line: ServeLine, why: string) => {
    stats.failed++;
    const call = 'call' in line && line.call !== undefined ? { call: line.call } : {};
    options.onError?.({ ...call, type: 'error', code: ServeErrorCodes.WEBHOOK, message: `webhook ${url.origin}: ${why} (a ${line.type} line was not delivered)` });
  };

  const deliver = async (line: ServeLine): Promise<void> => {
    const body = JSON.stringify(line);
    let why = '';
    let attempts = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      attempts = attempt + 1;
      if (attempt > 0) await sleep(clock, retryDelayMs * 2 ** (attempt - 1));
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        // The body is not wanted, but an unread one holds the connection.
        await response.body?.cancel().catch(() => undefined);
        if (response.ok) {
          stats.delivered++;
          return;
        }
        why = `HTTP ${response.status}`;
        if (response.status < 500 && !RETRIED_STATUS.has(response.status)) break;
      } catch (error) {
        why = (error as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : (error as Error).message;
      }
    }
    giveUp(line, `${why} after ${attempts} attempt(s)`);
  };

  const drain = async (): Promise<void> => {
    for (let line = queue.shift(); line; line = queue.shift()) {
      stats.queued = queue.length;
      await deliver(line);
    }
    running = undefined;
  };

  return {
    stats,
    send(line) {
      if (queue.length >= maxQueued) {
        giveUp(line, `${maxQueued} lines already waiting`);
        return;
      }
      queue.push(line);
      stats.queued = queue.length;
      running ??= drain();
    },
    flush: () => running ?? Promise.resolve(),
  };
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

function checkedUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw invalidServeOption('webhook.url', 'an http: or https: URL', value);
  return url;
}

function count(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw invalidServeOption(`webhook.${name}`, 'a whole number ≥ 0', value);
  return value;
}
