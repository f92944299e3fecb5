import type { EmulatorTlsOptions } from '../network/tls.js';
import { DEFAULT_TOKEN_LIFETIME_MS, IamAuthority, type IamExchangeRecord, type RegisteredKey } from './iam-authority.js';
import { startIamServer, type IamFaultRule } from './iam-server.js';

/** Shortest token life the emulator issues: enough for a request to use it. */
const MIN_TOKEN_LIFETIME_MS = 100;

export interface EmulatorIamOptions {
  /** Keys whose JWTs the IAM endpoint accepts (a key file object works as is). */
  keys?: RegisteredKey[];
  /** Life of issued IAM tokens, in ms (default 12 hours). Shrink it to test refresh. */
  tokenLifetimeMs?: number;
  /** The JWT `aud` the endpoint expects. Default: its own token URL. */
  audience?: string;
  /**
   * Also end a running session with UNAUTHENTICATED when the IAM token it started with expires
   * (default false: tokens are checked when a session starts).
   */
  endSessionsOnExpiry?: boolean;
}

/** The emulator's IAM token endpoint. */
export interface EmulatorIam {
  /** `http(s)://host:port/iam/v1/tokens`: pass it as `auth.iamEndpoint`. */
  readonly endpoint: string;
  /** Every JWT exchange that reached the JWT checks, in order (faults are not recorded). */
  readonly exchanges: IamExchangeRecord[];
  /** Life of tokens issued from now on, in ms. */
  tokenLifetimeMs: number;
  registerKey(key: RegisteredKey): void;
  /** Refuse every token issued so far (new sessions get UNAUTHENTICATED). */
  revokeTokens(): void;
  addFault(rule: IamFaultRule): void;
}

export interface RunningIam {
  authority: IamAuthority;
  api: EmulatorIam;
  close(): Promise<void>;
}

/** Starts the IAM token endpoint next to the gRPC server. */
export async function startIam(
  options: EmulatorIamOptions,
  context: { host: string; tls: EmulatorTlsOptions | undefined; log: (line: string) => void },
): Promise<RunningIam> {
  const lifetime = options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS;
  checkLifetime(lifetime);
  if (options.audience !== undefined && typeof options.audience !== 'string') throw new TypeError('iam.audience must be a string');
  const authority = new IamAuthority(lifetime, options.audience ?? '', context.log);
  for (const key of options.keys ?? []) authority.registerKey(key);
  const server = await startIamServer(authority, context);
  authority.audience = options.audience ?? server.url;
  const api: EmulatorIam = {
    endpoint: server.url,
    exchanges: authority.exchanges,
    get tokenLifetimeMs() {
      return authority.tokenLifetimeMs;
    },
    set tokenLifetimeMs(ms: number) {
      checkLifetime(ms);
      authority.tokenLifetimeMs = ms;
    },
    registerKey: (key) => authority.registerKey(key),
    revokeTokens: () => authority.revokeTokens(),
    addFault: (rule) => server.addFault(rule),
  };
  return { authority, api, close: () => server.close() };
}

function checkLifetime(ms: unknown): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < MIN_TOKEN_LIFETIME_MS) {
    throw new RangeError(`iam.tokenLifetimeMs must be a number of milliseconds ≥ ${MIN_TOKEN_LIFETIME_MS}`);
  }
}
