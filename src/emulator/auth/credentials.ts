import type { Metadata } from '@grpc/grpc-js';
import type { TokenCheck } from './iam-authority.js';

/** The IAM token the emulator accepts by default (`authorization: Bearer emulator-iam-token`). */
export const EMULATOR_IAM_TOKEN = 'emulator-iam-token';
/** The API key the emulator accepts by default (`authorization: Api-Key emulator-api-key`). */
export const EMULATOR_API_KEY = 'emulator-api-key';

export interface EmulatorAuthOptions {
  /** Accepted `Bearer` tokens (default `[EMULATOR_IAM_TOKEN]`). */
  iamTokens?: string[];
  /** Accepted `Api-Key` keys (default `[EMULATOR_API_KEY]`). */
  apiKeys?: string[];
  /** Accept any non-empty `Bearer x` / `Api-Key x`. */
  acceptAny?: boolean;
}

export interface AuthPolicy {
  iamTokens: ReadonlySet<string>;
  apiKeys: ReadonlySet<string>;
  acceptAny: boolean;
  /** Tokens issued by the emulator's IAM endpoint, when it runs. */
  issued?: { check(token: string): TokenCheck };
  /** End running sessions when their issued token expires. */
  endSessionsOnExpiry?: boolean;
}

/** Each list defaults on its own, so passing only `iamTokens` keeps the default API key. */
export function resolveAuth(options: EmulatorAuthOptions = {}): AuthPolicy {
  return {
    iamTokens: new Set(options.iamTokens ?? [EMULATOR_IAM_TOKEN]),
    apiKeys: new Set(options.apiKeys ?? [EMULATOR_API_KEY]),
    acceptAny: options.acceptAny ?? false,
  };
}

export type AuthOutcome =
  | { ok: true; scheme: 'Bearer' | 'Api-Key'; /** Epoch ms, for a token the emulator's IAM issued. */ expiresAtMs?: number }
  | { ok: false; details: string };

// Schemes are matched exactly as the service documents them ("Bearer", "Api-Key"): the emulator is
// a check of the client, so a client that spells them differently should find out here. Messages
// never contain the credential, not even a prefix of it.
export function checkAuthorization(metadata: Metadata, policy: AuthPolicy): AuthOutcome {
  const values = metadata.get('authorization').filter((v): v is string => typeof v === 'string');
  if (values.length === 0) {
    return { ok: false, details: "missing authorization header: send 'Bearer <IAM token>' or 'Api-Key <API key>'" };
  }
  if (values.length > 1) return { ok: false, details: 'more than one authorization header' };
  const value = values[0]!;
  const space = value.indexOf(' ');
  const scheme = space < 0 ? value : value.slice(0, space);
  const credential = space < 0 ? '' : value.slice(space + 1);
  if (scheme !== 'Bearer' && scheme !== 'Api-Key') {
    return { ok: false, details: "unsupported authorization scheme: expected 'Bearer' or 'Api-Key'" };
  }
  if (credential.trim() === '') return { ok: false, details: `empty credential after '${scheme}'` };
  if (policy.acceptAny) return { ok: true, scheme };
  if (scheme === 'Bearer') {
    if (policy.iamTokens.has(credential)) return { ok: true, scheme };
    const issued = policy.issued?.check(credential);
    if (issued?.ok) return { ok: true, scheme, expiresAtMs: issued.expiresAtMs };
    return { ok: false, details: issued?.details ?? 'the IAM token is invalid or expired' };
  }
  return policy.apiKeys.has(credential) ? { ok: true, scheme } : { ok: false, details: 'the API key is invalid' };
}

/** Request headers as strings, with the credential removed from `authorization`. */
export function redactedHeaders(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(metadata.toJSON())) {
    const values = raw.map((v) => (typeof v === 'string' ? v : Buffer.from(v).toString('base64')));
    out[key] = key === 'authorization' ? values.map(redactAuthorization).join(', ') : values.join(', ');
  }
  return out;
}

function redactAuthorization(value: string): string {
  const space = value.indexOf(' ');
  return space < 0 ? '<redacted>' : `${value.slice(0, space)} <redacted>`;
}
