import { DEFAULT_TOKEN_LIFETIME_MS, IamAuthority } from './iam-authority.js';
import { startIamServer } from './iam-server.js';
import type { EmulatorTlsOptions } from './network/tls.js';
import type { EmulatorIam, EmulatorIamOptions } from './types.js';

/** Shortest token life the emulator issues: enough for a request to use it. */
const MIN_TOKEN_LIFETIME_MS = 100;

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
