import { invalidOption } from '../errors.js';
import { DEFAULT_IAM_ENDPOINT } from './iam-exchange.js';
import { parseServiceAccountKey, type ParsedServiceAccountKey, type ServiceAccountKey } from './service-account-key.js';
import type { IamTokenProvider } from './token-provider.js';

/**
 * How the stream authenticates: exactly one kind.
 *
 * @example { apiKey: process.env.SPEECHKIT_API_KEY }
 * @example { serviceAccountKey: '/run/secrets/sa-key.json' }
 */
export type AuthOptions =
  /** A ready IAM token, sent as `authorization: Bearer <token>`. Lives at most 12 hours and is never refreshed. */
  | { iamToken: string }
  /** A service-account API key, sent as `authorization: Api-Key <key>`. Does not expire. */
  | { apiKey: string }
  /**
   * A service account's authorized key: the key file's parsed JSON, its JSON text, or a path to it.
   * The stream signs a JWT with it, exchanges that for an IAM token at `iamEndpoint` (default
   * IAM's public endpoint), and refreshes the token ahead of time, shared by every stream using the key.
   */
  | { serviceAccountKey: ServiceAccountKey | string; iamEndpoint?: string }
  /** Your own token source, called at the start of every session (return a cached token while it is good). */
  | { getIamToken: IamTokenProvider };

/** `auth` after validation. */
export type ResolvedAuth =
  | { kind: 'iamToken'; iamToken: string }
  | { kind: 'apiKey'; apiKey: string }
  | { kind: 'serviceAccountKey'; key: ParsedServiceAccountKey; iamEndpoint: URL }
  | { kind: 'getIamToken'; getIamToken: IamTokenProvider };

const KINDS = ['iamToken', 'apiKey', 'serviceAccountKey', 'getIamToken'] as const;
const EXTRA_KEYS: Record<string, readonly string[]> = { serviceAccountKey: ['iamEndpoint'] };
const EXPECTED = '{ iamToken }, { apiKey }, { serviceAccountKey } or { getIamToken }';

/**
 * Validates `auth`. Messages name the field at fault and never contain a credential. A plaintext
 * `iamEndpoint` is refused unless it is loopback or `allowInsecure` is set: the JWT is a credential.
 */
export function resolveAuth(auth: unknown, allowInsecure: boolean): ResolvedAuth {
  if (auth === undefined || auth === null) throw invalidOption('auth', `${EXPECTED} (use the emulator's token for local tests)`, auth);
  if (typeof auth !== 'object' || Array.isArray(auth)) throw invalidOption('auth', EXPECTED, auth);
  const keys = Object.keys(auth);
  const kinds = keys.filter((k) => (KINDS as readonly string[]).includes(k));
  if (kinds.length !== 1) throw invalidOption('auth', `exactly one of ${EXPECTED}`, `keys ${keys.join(', ') || '(none)'}`);
  const kind = kinds[0] as (typeof KINDS)[number];
  const extra = keys.find((k) => k !== kind && !(EXTRA_KEYS[kind] ?? []).includes(k));
  if (extra !== undefined) throw invalidOption(`auth.${extra}`, `no such field with auth.${kind}`);
  const fields = auth as Record<string, unknown>;
  const value = fields[kind];
  switch (kind) {
    case 'iamToken':
      return { kind, iamToken: secretString(kind, value) };
    case 'apiKey':
      return { kind, apiKey: secretString(kind, value) };
    case 'getIamToken':
      if (typeof value !== 'function') throw invalidOption('auth.getIamToken', 'a function returning a Promise of the IAM token');
      return { kind, getIamToken: value as IamTokenProvider };
    case 'serviceAccountKey':
      return {
        kind,
        key: parseServiceAccountKey(value, 'auth.serviceAccountKey'),
        iamEndpoint: resolveIamEndpoint(fields.iamEndpoint, allowInsecure),
      };
  }
}

/**
 * The docs: a folder ID goes with a user account's token; a service account (API key or
 * authorized key) works in its own folder, so `folderId` is refused with those.
 */
export function checkFolderForAuth(auth: ResolvedAuth, folderId: string | undefined): void {
  if (folderId === undefined || (auth.kind !== 'apiKey' && auth.kind !== 'serviceAccountKey')) return;
  throw invalidOption('folderId', `no folder ID with auth.${auth.kind}: a service account's requests go to its own folder (omit \`folderId\`)`);
}

function secretString(kind: string, value: unknown): string {
  // Never echo the value: it is a secret.
  if (typeof value !== 'string' || value.trim().length === 0 || /[\r\n]/.test(value)) {
    throw invalidOption(`auth.${kind}`, 'a non-empty single-line string');
  }
  return value.trim();
}

function resolveIamEndpoint(value: unknown, allowInsecure: boolean): URL {
  if (value === undefined) return new URL(DEFAULT_IAM_ENDPOINT);
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.hash) {
    // Not echoed: a URL can carry credentials (user:password@).
    throw invalidOption('auth.iamEndpoint', `the IAM token URL without credentials or fragment, e.g. "${DEFAULT_IAM_ENDPOINT}"`);
  }
  if (url.protocol === 'http:' && !allowInsecure && !isLoopbackHost(url.hostname)) {
    throw invalidOption('auth.iamEndpoint', 'an https URL (plain http would send the signed JWT in the clear; set `allowInsecure: true` to insist)', url.origin);
  }
  return url;
}

/** Whether `host` (a host name or IP, IPv6 with or without brackets) is this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}
