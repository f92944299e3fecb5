import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { invalidOption } from '../errors.js';

/** A service account's authorized key as `yc iam key create --output key.json` writes it. */
export interface ServiceAccountKeyFile {
  /** Key ID: becomes the JWT's `kid`. */
  id: string;
  /** The service account's ID: becomes the JWT's `iss`. */
  service_account_id: string;
  /** PEM PKCS#8 RSA private key; the file's first line ("PLEASE DO NOT REMOVE THIS LINE! …") may stay. */
  private_key: string;
  /** Not used (signing needs only `id`, `service_account_id` and `private_key`). */
  created_at?: string;
  /** Not used. */
  key_algorithm?: string;
  /** Not used. */
  public_key?: string;
}

/** The same key in the field names other SDKs use (`accessKeyId`, `serviceAccountId`, `privateKey`). */
export interface ServiceAccountKeyFields {
  /** Key ID (the file's `id`). */
  accessKeyId: string;
  /** The file's `service_account_id`. */
  serviceAccountId: string;
  /** The file's `private_key`. */
  privateKey: string;
}

/** A service account's authorized key, in either spelling of its fields. */
export type ServiceAccountKey = ServiceAccountKeyFile | ServiceAccountKeyFields;

/** A validated key, ready to sign with. */
export interface ParsedServiceAccountKey {
  keyId: string;
  serviceAccountId: string;
  privateKey: KeyObject;
  /** Identifies the key pair (a hash of the public key) without revealing anything secret. */
  fingerprint: string;
  /** The private key's text in every form it may show up in, for scrubbing. */
  secrets: string[];
}

/** Real key files are about 2.5 KB; anything far larger is not a key file. */
const MAX_KEY_FILE_BYTES = 64 * 1024;
/** PS256 with a shorter modulus is refused by IAM and weak anyway. */
const MIN_MODULUS_BITS = 2048;

/**
 * Validates a service-account key given as the parsed JSON object, the JSON text, or a path to the
 * key file. Throws `SPEECHKIT_ERR_INVALID_OPTION` naming the field at fault; messages never contain
 * any part of the key.
 */
export function parseServiceAccountKey(value: unknown, option = 'auth.serviceAccountKey'): ParsedServiceAccountKey {
  const object = typeof value === 'string' ? keyObjectFromString(value, option) : value;
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw invalidOption(option, 'the key file\'s JSON object, its text, or a path to the file');
  }
  const fields = object as Record<string, unknown>;
  const keyId = identifier(fields, ['id', 'accessKeyId'], option);
  const serviceAccountId = identifier(fields, ['service_account_id', 'serviceAccountId'], option);
  const pemField = 'private_key' in fields ? 'private_key' : 'privateKey';
  const rawPem = fields[pemField];
  if (typeof rawPem !== 'string' || rawPem.length === 0) {
    throw invalidOption(`${option}.${pemField}`, 'a PEM private key string (the key file\'s "private_key")');
  }
  const pem = normalizePem(rawPem);
  let material = parsedPems.get(pem);
  if (!material) {
    material = parsePem(pem, `${option}.${pemField}`);
    if (parsedPems.size >= MAX_PARSED_PEMS) parsedPems.delete(parsedPems.keys().next().value!);
    parsedPems.set(pem, material);
  }
  return { keyId, serviceAccountId, ...material, secrets: pemSecrets(pem) };
}

/**
 * Parsing an RSA key costs about a millisecond of CPU, and every stream created with the key
 * parses it: the result is kept per key text (a few keys at most in a process).
 */
const parsedPems = new Map<string, { privateKey: KeyObject; fingerprint: string }>();
const MAX_PARSED_PEMS = 16;

function parsePem(pem: string, option: string): { privateKey: KeyObject; fingerprint: string } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw invalidOption(option, 'a PEM PKCS#8 RSA private key (the key file\'s "private_key"); it could not be parsed');
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits < MIN_MODULUS_BITS) {
    throw invalidOption(option, `an RSA private key of at least ${MIN_MODULUS_BITS} bits (IAM signs service-account JWTs with PS256)`);
  }
  // Derived from the private key, so the same pair gets the same fingerprint whatever form it came in.
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { privateKey, fingerprint: createHash('sha256').update(spki).digest('hex').slice(0, 32) };
}

function keyObjectFromString(value: string, option: string): unknown {
  const text = value.trim();
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch {
      throw invalidOption(option, 'valid JSON key text (it could not be parsed)');
    }
  }
  if (text.length === 0) throw invalidOption(option, 'a path to the key file, or its JSON object');
  if (!looksLikePath(text)) {
    // Not echoed: a string that is neither JSON nor a path is most likely key material.
    throw invalidOption(option, 'a path to the key file, the file\'s JSON text, or its parsed object (a bare PEM key lacks the key and account IDs)');
  }
  let content: string;
  try {
    const size = statSync(text).size;
    if (size > MAX_KEY_FILE_BYTES) throw Object.assign(new Error(), { code: `larger than ${MAX_KEY_FILE_BYTES} bytes` });
    content = readFileSync(text, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw invalidOption(option, `a readable key file; could not read ${JSON.stringify(text)} (${code})`);
  }
  try {
    return JSON.parse(content);
  } catch {
    throw invalidOption(option, `a JSON key file; ${JSON.stringify(text)} is not JSON`);
  }
}

/** Paths are single lines of modest length; PEM text is neither. */
function looksLikePath(text: string): boolean {
  return text.length <= 4096 && !/[\r\n]/.test(text) && !text.includes('-----BEGIN') && !text.includes('\\n');
}

function identifier(fields: Record<string, unknown>, names: [string, string], option: string): string {
  const name = names.find((n) => n in fields) ?? names[0];
  const value = fields[name];
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,100}$/.test(value)) {
    throw invalidOption(`${option}.${name}`, 'a non-empty ID string (as in the key file)');
  }
  return value;
}

/**
 * Key files carry a first line ("PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID …")
 * before the PEM, and keys pasted into environment variables often have literal `\n`s.
 */
function normalizePem(raw: string): string {
  let pem = raw.includes('\n') ? raw : raw.replace(/\\n/g, '\n');
  const begin = pem.indexOf('-----BEGIN');
  if (begin > 0) pem = pem.slice(begin);
  return pem.replace(/\r\n/g, '\n').trim() + '\n';
}

/**
 * The key's base64 body, whole and by line: scrubbing removes any 8 characters of these, so every
 * form of the key (the file's text, the PEM, one line, an env variable with `\n`s) is covered
 * without also erasing what is not secret (the armor lines, the key ID on the file's first line).
 */
function pemSecrets(pem: string): string[] {
  const body = pem.replace(/-----[^-]+-----/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  return [body.join(''), body.join('\n'), ...body];
}
