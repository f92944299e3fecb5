import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** A service account's authorized key, field for field as `yc iam key create --output key.json` writes it. */
export interface ServiceAccountKeyJson {
  id: string;
  service_account_id: string;
  created_at: string;
  key_algorithm: 'RSA_2048' | 'RSA_4096';
  /** PEM SPKI public key: what the emulator's IAM endpoint verifies JWTs with. */
  public_key: string;
  /** PEM PKCS#8 private key, after the first line real key files carry. */
  private_key: string;
}

export interface ServiceAccountKeyOptions {
  /** Default: a random ID in the style of Yandex Cloud IDs. */
  serviceAccountId?: string;
  /** Default: a random ID. */
  keyId?: string;
  /** Default 2048. */
  modulusLength?: 2048 | 4096;
}

/**
 * Makes a fresh service-account key pair in the key-file format, for tests: register it with
 * `startEmulator({ iam: { keys: [key] } })` and authenticate with `{ serviceAccountKey: key }`
 * (or write it to a file with `JSON.stringify`). The private key starts with the line real key
 * files carry, so clients are tested against that quirk too.
 */
export function createServiceAccountKey(options: ServiceAccountKeyOptions = {}): ServiceAccountKeyJson {
  const modulusLength = options.modulusLength ?? 2048;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const id = options.keyId ?? cloudId('aje');
  return {
    id,
    service_account_id: options.serviceAccountId ?? cloudId('aje'),
    created_at: new Date().toISOString(),
    key_algorithm: modulusLength === 4096 ? 'RSA_4096' : 'RSA_2048',
    public_key: publicKey,
    private_key: `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${id}>\n${privateKey}`,
  };
}

/** Yandex Cloud IDs are 20 characters: a 3-letter prefix and 17 lowercase letters or digits. */
function cloudId(prefix: string): string {
  const alphabet = 'abcdefghijklmnopqrstuv0123456789';
  const bytes = randomBytes(17);
  return prefix + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
