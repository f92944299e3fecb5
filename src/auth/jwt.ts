import { constants, sign, type KeyObject } from 'node:crypto';

/** IAM accepts service-account JWTs that live at most an hour (`exp − iat ≤ 3600`). */
export const MAX_JWT_LIFETIME_S = 3_600;
/** A JWT is used once, right away; a short life limits what a leaked one is worth. */
export const JWT_LIFETIME_S = 600;
/** PS256 = RSASSA-PSS with SHA-256 and a salt as long as the hash (RFC 7518 §3.5). */
const PS256_SALT_LENGTH = 32;

export interface JwtInput {
  keyId: string;
  serviceAccountId: string;
  privateKey: KeyObject;
  /** The IAM token endpoint the JWT is for. */
  audience: string;
  /** Unix time in seconds. */
  nowS: number;
  lifetimeS?: number;
}

/**
 * Builds the signed JWT that IAM exchanges for a service account's IAM token: header
 * `{ typ: JWT, alg: PS256, kid }`, claims `{ iss, aud, iat, exp }`. Node's default PSS salt is the
 * maximum, which IAM refuses, so the salt length is set explicitly.
 */
export function serviceAccountJwt(input: JwtInput): string {
  const lifetimeS = Math.min(input.lifetimeS ?? JWT_LIFETIME_S, MAX_JWT_LIFETIME_S);
  const iat = Math.floor(input.nowS);
  const header = { typ: 'JWT', alg: 'PS256', kid: input.keyId };
  const claims = { iss: input.serviceAccountId, aud: input.audience, iat, exp: iat + lifetimeS };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: input.privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: PS256_SALT_LENGTH,
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
