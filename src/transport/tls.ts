import { createHash, X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { invalidOption } from '../errors.js';

/** CA certificates trusted in addition to the default roots. */
export interface TrustedCa {
  /** The certificates, PEM. */
  pem: string;
  /** Identifies the set (a hash of the certificates): channels and token caches are keyed by it. */
  id: string;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Validates the `ca` option: PEM text (string or Buffer) with one or more CA certificates.
 * Returns `undefined` when the option is not set.
 */
export function resolveCa(value: unknown, option = 'ca'): TrustedCa | undefined {
  if (value === undefined) return undefined;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (typeof text !== 'string') throw invalidOption(option, 'PEM text of CA certificates (a string or Buffer)', value);
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw invalidOption(option, 'PEM text containing "-----BEGIN CERTIFICATE-----" (pass the file\'s content, e.g. readFileSync(path), not its path)');
  }
  const hash = createHash('sha256');
  for (const block of blocks) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch {
      throw invalidOption(option, 'PEM certificates that parse; one of them does not');
    }
    hash.update(certificate.raw);
  }
  return { pem: `${blocks.join('\n')}\n`, id: hash.digest('hex').slice(0, 32) };
}

/**
 * The PEM bundle to verify servers against: Node's built-in roots plus `ca`. Adding rather than
 * replacing keeps public endpoints (the IAM token service) working when `ca` is for a private one.
 */
export function trustedRoots(ca: TrustedCa): string {
  return `${rootCertificates.join('\n')}\n${ca.pem}`;
}
