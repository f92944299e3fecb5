import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EmulatorTlsOptions } from '../network/tls.js';
import type { IamAuthority } from './iam-authority.js';

/** IAM's REST path for `IamTokenService.Create`. */
export const IAM_TOKENS_PATH = '/iam/v1/tokens';
/** A `{"jwt": …}` body is under 9 KB; the proto caps the JWT at 8000 characters. */
const MAX_BODY_BYTES = 16 * 1024;

/** Replaces the IAM endpoint's next answer(s). */
export interface IamFaultRule {
  /** HTTP status (default 500). */
  status?: number;
  /** Raw body to send instead of the JSON error (e.g. garbage). */
  body?: string;
  /** Wait this long (wall ms) before answering. */
  delayMs?: number;
  /** Close the connection without answering. */
  drop?: boolean;
  /** How many requests the rule applies to (default 1). */
  times?: number;
}

export interface IamServer {
  /** Full URL of the token endpoint. */
  readonly url: string;
  addFault(rule: IamFaultRule): void;
  close(): Promise<void>;
}

/**
 * IAM's REST token endpoint on a local port: `POST /iam/v1/tokens` with `{"jwt": …}` answers
 * `{"iamToken", "expiresAt"}`, or an error body `{"code", "message", "details"}` with HTTP 400/401
 * as IAM does. Faults replace the next answers (a status, a body, a delay, or a dropped connection).
 */
export async function startIamServer(
  authority: IamAuthority,
  options: { host: string; tls: EmulatorTlsOptions | undefined; log: (line: string) => void },
): Promise<IamServer> {
  const faults: { rule: IamFaultRule; remaining: number }[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, { code: 13, message: 'emulator internal error', details: [] });
      else res.destroy();
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createHttpServer(handler);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    if (path !== IAM_TOKENS_PATH) return reply(res, 404, { code: 5, message: `no such path: ${path.slice(0, 100)}`, details: [] });
    if (req.method !== 'POST') return reply(res, 405, { code: 12, message: 'use POST', details: [] });
    const text = await readBody(req);
    if (text === undefined) return reply(res, 413, { code: 3, message: `body larger than ${MAX_BODY_BYTES} bytes`, details: [] });
    const fault = takeFault();
    if (fault) return applyFault(fault, res);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return reply(res, 400, { code: 3, message: 'Content-Type must be application/json', details: [] });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reply(res, 400, { code: 3, message: 'the body is not JSON', details: [] });
    }
    const fields = (body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || body === null || !('jwt' in fields)) {
      const oauth = typeof body === 'object' && body !== null && 'yandexPassportOauthToken' in fields;
      return reply(res, 400, { code: 3, message: oauth ? 'the emulator exchanges service-account JWTs only' : 'jwt: required', details: [] });
    }
    const outcome = authority.exchange(fields.jwt);
    if (outcome.ok) return reply(res, 200, { iamToken: outcome.iamToken, expiresAt: outcome.expiresAt });
    reply(res, outcome.httpStatus, { code: outcome.grpcCode, message: outcome.message, details: [] });
  }

  function takeFault(): IamFaultRule | undefined {
    const pending = faults[0];
    if (!pending) return undefined;
    if (--pending.remaining <= 0) faults.shift();
    return pending.rule;
  }

  async function applyFault(rule: IamFaultRule, res: ServerResponse): Promise<void> {
    options.log(`iam: fault ${rule.drop ? 'drop' : `status ${rule.status ?? 500}`}`);
    if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
    if (rule.drop) {
      res.socket?.destroy();
      return;
    }
    const status = rule.status ?? 500;
    if (rule.body !== undefined) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(rule.body);
      return;
    }
    reply(res, status, { code: status === 200 ? 0 : 13, message: 'emulated IAM failure', details: [] });
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve((server.address() as AddressInfo).port));
  });
  const hostInUrl = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const url = `${options.tls ? 'https' : 'http'}://${hostInUrl}:${port}${IAM_TOKENS_PATH}`;
  options.log(`iam: listening on ${url}`);

  return {
    url,
    addFault(rule: IamFaultRule): void {
      validateIamFault(rule);
      faults.push({ rule: { ...rule }, remaining: rule.times ?? 1 });
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function validateIamFault(rule: IamFaultRule): void {
  if (!rule || typeof rule !== 'object') throw new TypeError('IAM fault rule must be an object');
  if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 200 && rule.status <= 599)) {
    throw new TypeError('IAM fault rule: status must be an HTTP status (200–599)');
  }
  if (rule.body !== undefined && typeof rule.body !== 'string') throw new TypeError('IAM fault rule: body must be a string');
  if (rule.delayMs !== undefined && !(Number.isFinite(rule.delayMs) && rule.delayMs >= 0)) {
    throw new TypeError('IAM fault rule: delayMs must be a non-negative number');
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) {
    throw new TypeError('IAM fault rule: times must be a positive integer');
  }
}
