import { constants, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

/** IAM tokens live at most 12 hours. */
export const DEFAULT_TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1_000;
/** IAM refuses JWTs that live longer than an hour. */
const MAX_JWT_LIFETIME_S = 3_600;
/** Clock skew tolerated for a JWT's `iat`. */
const IAT_SKEW_S = 300;
/** `CreateIamTokenRequest.jwt` is at most 8000 characters. */
const MAX_JWT_LENGTH = 8_000;
/** PS256: RSASSA-PSS, SHA-256, salt as long as the hash. */
const PS256_SALT_LENGTH = 32;

/** The public part of a service-account key, as in a key file (other fields are ignored). */
export interface RegisteredKey {
  id: string;
  service_account_id: string;
  /** PEM public key. */
  public_key: string;
}

/** One request to the IAM endpoint. Never holds the JWT or the token. */
export interface IamExchangeRecord {
  /** Epoch ms. */
  at: number;
  ok: boolean;
  keyId?: string;
  serviceAccountId?: string;
  /** RFC 3339, for an issued token. */
  expiresAt?: string;
  /** Why it was refused. */
  error?: string;
}

interface KeyEntry {
  serviceAccountId: string;
  publicKey: KeyObject;
}

interface IssuedEntry {
  serviceAccountId: string;
  keyId: string;
  expiresAtMs: number;
  revoked: boolean;
}

export type TokenCheck = { ok: true; expiresAtMs: number } | { ok: false; details: string } | undefined;

export type ExchangeOutcome =
  | { ok: true; iamToken: string; expiresAt: string }
  | { ok: false; httpStatus: 400 | 401; grpcCode: 3 | 16; message: string };

/**
 * The emulator's IAM: registered service-account public keys, the JWT checks IAM documents
 * (PS256 with a 32-byte salt, a registered `kid`, `iss` = the key's account, `aud`, `exp` in the
 * future and at most an hour after `iat`), and the tokens it issued with their expiry. Written
 * independently of the client so that it checks the client rather than agreeing with it.
 */
export class IamAuthority {
  readonly exchanges: IamExchangeRecord[] = [];
  readonly #keys = new Map<string, KeyEntry>();
  readonly #issued = new Map<string, IssuedEntry>();

  constructor(
    public tokenLifetimeMs: number,
    public audience: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Trusts JWTs signed by this key (only the public part is read). */
  registerKey(key: RegisteredKey): void {
    if (!key || typeof key.id !== 'string' || typeof key.service_account_id !== 'string' || typeof key.public_key !== 'string') {
      throw new TypeError('registerKey: expected { id, service_account_id, public_key } as in a key file');
    }
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(key.public_key);
    } catch {
      throw new TypeError(`registerKey: public_key of key ${key.id} is not a PEM public key`);
    }
    this.#keys.set(key.id, { serviceAccountId: key.service_account_id, publicKey });
  }

  /** Every token issued so far is refused from now on (sessions already running are not touched). */
  revokeTokens(): void {
    for (const entry of this.#issued.values()) entry.revoked = true;
  }

  /** Tokens issued and not yet expired. */
  get liveTokens(): number {
    const now = Date.now();
    return [...this.#issued.values()].filter((t) => !t.revoked && t.expiresAtMs > now).length;
  }

  /** What the STT side needs to know about a bearer token: undefined when this IAM never issued it. */
  check(token: string): TokenCheck {
    const entry = this.#issued.get(token);
    if (!entry) return undefined;
    if (entry.revoked) return { ok: false, details: 'the IAM token has been revoked' };
    if (entry.expiresAtMs <= Date.now()) return { ok: false, details: 'the IAM token has expired' };
    return { ok: true, expiresAtMs: entry.expiresAtMs };
  }

  /** Handles one `{ jwt }` exchange and records it (without the JWT or the token). */
  exchange(jwt: unknown): ExchangeOutcome {
    const outcome = this.#exchange(jwt);
    const record: IamExchangeRecord = { at: Date.now(), ok: outcome.outcome.ok };
    if (outcome.keyId !== undefined) record.keyId = outcome.keyId;
    if (outcome.serviceAccountId !== undefined) record.serviceAccountId = outcome.serviceAccountId;
    if (outcome.outcome.ok) record.expiresAt = outcome.outcome.expiresAt;
    else record.error = outcome.outcome.message;
    this.exchanges.push(record);
    this.log(outcome.outcome.ok
      ? `iam: issued a token to ${outcome.serviceAccountId} (key ${outcome.keyId}), expires ${outcome.outcome.expiresAt}`
      : `iam: refused an exchange: ${outcome.outcome.message}`);
    return outcome.outcome;
  }

  #exchange(jwt: unknown): { outcome: ExchangeOutcome; keyId?: string; serviceAccountId?: string } {
    const bad = (message: string) => ({ outcome: { ok: false, httpStatus: 400, grpcCode: 3, message } as const });
    const refused = (message: string, keyId?: string, serviceAccountId?: string) => ({
      outcome: { ok: false, httpStatus: 401, grpcCode: 16, message } as const,
      ...(keyId !== undefined && { keyId }),
      ...(serviceAccountId !== undefined && { serviceAccountId }),
    });
    if (typeof jwt !== 'string' || jwt.length === 0) return bad('jwt: required');
    if (jwt.length > MAX_JWT_LENGTH) return bad(`jwt: longer than ${MAX_JWT_LENGTH} characters`);
    const parts = jwt.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return bad('jwt: not a compact JWS (three base64url parts)');
    const header = decodeJson(parts[0]!);
    const claims = decodeJson(parts[1]!);
    if (!header || !claims) return bad('jwt: header or claims are not base64url JSON objects');
    if (header.alg !== 'PS256') return refused('jwt: alg must be PS256');
    if (header.typ !== undefined && header.typ !== 'JWT') return refused('jwt: typ must be JWT');
    const keyId = typeof header.kid === 'string' ? header.kid : undefined;
    if (keyId === undefined) return refused('jwt: kid (the key ID) is missing');
    const key = this.#keys.get(keyId);
    if (!key) return refused(`jwt: unknown key ID ${keyId.slice(0, 50)}`, keyId);
    const signatureOk = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PS256_SALT_LENGTH },
      Buffer.from(parts[2]!, 'base64url'),
    );
    if (!signatureOk) return refused('jwt: the signature does not verify (PS256, salt length 32) with the registered key', keyId);
    const sa = key.serviceAccountId;
    if (claims.iss !== sa) return refused('jwt: iss is not the service account the key belongs to', keyId, sa);
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.audience)) return refused(`jwt: aud must be ${this.audience}`, keyId, sa);
    const { iat, exp } = claims;
    if (typeof iat !== 'number' || typeof exp !== 'number') return refused('jwt: iat and exp must be numbers (Unix seconds)', keyId, sa);
    const nowS = Date.now() / 1000;
    if (exp <= nowS) return refused('jwt: expired', keyId, sa);
    if (iat > nowS + IAT_SKEW_S) return refused('jwt: iat is in the future', keyId, sa);
    if (exp - iat > MAX_JWT_LIFETIME_S) return refused(`jwt: exp - iat exceeds ${MAX_JWT_LIFETIME_S} s`, keyId, sa);
    return { outcome: this.#issue(sa, keyId), keyId, serviceAccountId: sa };
  }

  #issue(serviceAccountId: string, keyId: string): ExchangeOutcome {
    const now = Date.now();
    for (const [token, entry] of this.#issued) if (entry.expiresAtMs < now - 60_000) this.#issued.delete(token);
    const iamToken = `t1.emu.${randomBytes(48).toString('base64url')}`;
    const expiresAtMs = now + this.tokenLifetimeMs;
    this.#issued.set(iamToken, { serviceAccountId, keyId, expiresAtMs, revoked: false });
    // IAM writes nanoseconds; so does the emulator, so clients meet that format here.
    const expiresAt = new Date(expiresAtMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
    return { ok: true, iamToken, expiresAt };
  }
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
