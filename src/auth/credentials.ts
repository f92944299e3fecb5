import type { Clock } from '../timing/clock.js';
import type { TrustedCa } from '../transport/tls.js';
import type { ResolvedAuth } from './auth-options.js';
import { exchangeJwt } from './iam-exchange.js';
import { serviceAccountJwt } from './jwt.js';
import { sharedTokenCache, TokenCache, type CredentialsEvent, type TokenSource } from './token-cache.js';
import { providerCredentials } from './token-provider.js';
import type { Credentials } from './credentials-contract.js';

// Each kind of credentials implements the interface; it lives apart so they need not import this module.
export type { Credentials } from './credentials-contract.js';

/** Sent JWTs kept for scrubbing: a few exchanges' worth (each retry of one signs a new JWT). */
const REMEMBERED_JWTS = 4;

/** What credentials need from the stream that uses them. */
export interface CredentialsContext {
  clock: Clock;
  /** Extra trusted CA certificates, for an https IAM endpoint. */
  ca?: TrustedCa | undefined;
  /** Receives token and refresh-failure notices (never a credential). */
  onEvent?: (event: CredentialsEvent) => void;
  /** @internal Unix epoch ms; tests pass a fake one. */
  wallNow?: () => number;
}

/**
 * The credentials for a stream's `auth`: fixed headers for a static token or API key, the user's
 * provider, or a service-account key's shared, self-refreshing token cache.
 */
export function createCredentials(auth: ResolvedAuth, context: CredentialsContext): Credentials {
  switch (auth.kind) {
    case 'iamToken': {
      const header = `Bearer ${auth.iamToken}`;
      return { authorization: async () => header, secrets: () => [auth.iamToken] };
    }
    case 'apiKey': {
      const header = `Api-Key ${auth.apiKey}`;
      return { authorization: async () => header, secrets: () => [auth.apiKey] };
    }
    case 'getIamToken':
      return providerCredentials(auth.getIamToken, context.clock);
    case 'serviceAccountKey':
      return serviceAccountCredentials(auth, context);
  }
}

function serviceAccountCredentials(auth: Extract<ResolvedAuth, { kind: 'serviceAccountKey' }>, context: CredentialsContext): Credentials {
  const { key, iamEndpoint } = auth;
  const { clock, ca } = context;
  const wallNow = context.wallNow ?? Date.now;
  const cacheKey = [iamEndpoint.href, ca?.id ?? '', key.keyId, key.fingerprint].join('|');
  const cache = sharedTokenCache(clock, cacheKey, () => {
    // The JWTs sent lately, for scrubbing: an IAM endpoint or proxy may quote one back.
    const jwts: string[] = [];
    const source: TokenSource = {
      label: `service account ${key.serviceAccountId} (key ${key.keyId})`,
      secrets: () => [...key.secrets, ...jwts],
      fetch: (background) => {
        const jwt = serviceAccountJwt({
          keyId: key.keyId,
          serviceAccountId: key.serviceAccountId,
          privateKey: key.privateKey,
          audience: iamEndpoint.href,
          nowS: wallNow() / 1000,
        });
        jwts.push(jwt);
        if (jwts.length > REMEMBERED_JWTS) jwts.shift();
        return exchangeJwt({ url: iamEndpoint, ca, clock }, jwt, key.secrets, background);
      },
    };
    return new TokenCache(source, clock, wallNow);
  });
  const release = cache.acquire(context.onEvent);
  let last: string | undefined;
  // The outcome of a forced refresh is what the next session uses, failure included: asking IAM
  // again right after it refused would only repeat the refusal.
  let forced: Promise<string> | undefined;
  return {
    async authorization() {
      const pending = forced ?? cache.token();
      forced = undefined;
      last = await pending;
      return `Bearer ${last}`;
    },
    secrets: () => cache.secrets(),
    async refresh() {
      const pending = cache.forceRefresh(last);
      forced = pending;
      await pending.catch(() => {});
    },
    release,
  };
}
