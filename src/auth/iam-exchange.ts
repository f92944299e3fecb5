import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { redact } from '../errors.js';
import type { Clock } from '../timing/clock.js';
import { trustedRoots, type TrustedCa } from '../transport/tls.js';

/** IAM's REST endpoint that exchanges a service-account JWT for an IAM token. */
export const DEFAULT_IAM_ENDPOINT = 'https://iam.api.cloud.yandex.net/iam/v1/tokens';
/** How long one exchange may take, connection included. */
export const IAM_TIMEOUT_MS = 15_000;
/** IAM's answer is a few hundred bytes; anything much larger is not an answer. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** How much of IAM's own error message an error quotes. */
const MAX_QUOTED_CHARS = 200;

/** An IAM token and when IAM says it expires. */
export interface IssuedToken {
  token: string;
  /** Unix epoch milliseconds. */
  expiresAtMs: number;
}

/** A failed exchange. `transient` ones (network, timeout, 5xx, 429) are worth trying again. */
export class ExchangeFailure extends Error {
  constructor(message: string, readonly transient: boolean) {
    super(message);
  }
}

export interface ExchangeTarget {
  url: URL;
  ca: TrustedCa | undefined;
  clock: Clock;
  timeoutMs?: number;
}

/**
 * One `POST {"jwt": …}` to the IAM endpoint. Resolves with the token; rejects with an
 * `ExchangeFailure` whose message quotes at most a scrubbed excerpt of what IAM said. With
 * `background`, neither the socket nor the timeout keeps the process alive.
 */
export function exchangeJwt(target: ExchangeTarget, jwt: string, secrets: readonly string[], background = false): Promise<IssuedToken> {
  const scrub = [jwt, ...jwt.split('.').slice(1), ...secrets];
  const { url, clock } = target;
  const timeoutMs = target.timeoutMs ?? IAM_TIMEOUT_MS;
  const body = JSON.stringify({ jwt });
  return new Promise<IssuedToken>((resolve, reject) => {
    let settled = false;
    const finish = (error: ExchangeFailure | undefined, token?: IssuedToken) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      if (error) reject(error);
      else resolve(token!);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json' },
      ...(url.protocol === 'https:' && target.ca !== undefined && { ca: trustedRoots(target.ca) }),
    });
    const timer = clock.setTimeout(() => {
      finish(new ExchangeFailure(`no answer from ${url.origin} within ${timeoutMs} ms`, true));
      req.destroy();
    }, timeoutMs);
    if (background) {
      (timer as { unref?: () => void }).unref?.();
      req.on('socket', (socket) => socket.unref());
    }
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish(new ExchangeFailure(`could not reach ${url.origin}: ${error.code ?? redact(error.message, scrub)}`, !isCertificateError(error)));
    });
    req.on('response', (res) => {
      readBody(res).then(
        (text) => {
          try {
            finish(undefined, parseAnswer(res.statusCode ?? 0, text, url, scrub));
          } catch (error) {
            finish(error as ExchangeFailure);
          }
        },
        (error: Error) => finish(new ExchangeFailure(`${url.origin}: ${error.message}`, true)),
      );
    });
    req.end(body);
  });
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        // Rejected before the destroy, whose own events would otherwise win the race.
        reject(new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`));
        res.destroy();
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', () => reject(new Error('connection lost while reading the answer')));
    res.on('aborted', () => reject(new Error('connection lost while reading the answer')));
  });
}

function parseAnswer(status: number, text: string, url: URL, scrub: readonly string[]): IssuedToken {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (status !== 200) {
    const said = quote((json as { message?: unknown } | undefined)?.message, scrub);
    const transient = status >= 500 || status === 429 || status === 408;
    const meaning = status === 401 || status === 403 ? ' (the service-account key was refused: check that it exists, belongs to the account and is not revoked)' : '';
    throw new ExchangeFailure(`IAM answered HTTP ${status}${meaning}${said ? `: ${said}` : ''}`, transient);
  }
  const answer = json as { iamToken?: unknown; expiresAt?: unknown } | undefined;
  if (answer === undefined || answer === null || typeof answer !== 'object') {
    throw new ExchangeFailure(`${url.origin} answered HTTP 200 with something that is not IAM's JSON`, true);
  }
  const token = answer.iamToken;
  if (typeof token !== 'string' || !/^[\x21-\x7e]{1,8192}$/.test(token)) {
    throw new ExchangeFailure(`${url.origin} answered without a usable "iamToken"`, true);
  }
  const expiresAtMs = parseRfc3339(answer.expiresAt);
  if (expiresAtMs === undefined) throw new ExchangeFailure(`${url.origin} answered without a valid "expiresAt"`, true);
  return { token, expiresAtMs };
}

/** IAM writes nanoseconds ("…:20.123456789Z"); keep milliseconds so every runtime parses it. */
function parseRfc3339(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) return undefined;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? ms : undefined;
}

function quote(message: unknown, scrub: readonly string[]): string {
  if (typeof message !== 'string') return '';
  // eslint-disable-next-line no-control-regex
  const clean = redact(message, scrub).replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  return clean.length > MAX_QUOTED_CHARS ? `${clean.slice(0, MAX_QUOTED_CHARS)}…` : clean;
}

function isCertificateError(error: NodeJS.ErrnoException): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(error.code ?? '');
}
