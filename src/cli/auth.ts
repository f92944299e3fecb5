import type { AuthOptions } from '../index.js';

/** Environment variables the CLI reads credentials from (never from arguments, which show in `ps`). */
export const AUTH_ENV = {
  keyFile: 'SPEECHKIT_KEY_FILE',
  apiKey: 'SPEECHKIT_API_KEY',
  iamToken: 'SPEECHKIT_IAM_TOKEN',
  iamEndpoint: 'SPEECHKIT_IAM_ENDPOINT',
} as const;

/** Arguments someone might try to pass a secret in; refused with a pointer to the environment. */
const SECRET_ARGUMENTS = ['--api-key', '--apikey', '--iam-token', '--token', '--key', '--private-key', '--secret', '--password'];

/** A command-line mistake, reported with the same code as an invalid option. */
export class CliUsageError extends Error {
  readonly code = 'SPEECHKIT_ERR_INVALID_OPTION';
}

/** Throws when an argument looks like it carries a credential, without repeating its value. */
export function refuseSecretArguments(argv: readonly string[]): void {
  for (const arg of argv) {
    const name = arg.split('=')[0]!.toLowerCase();
    if (SECRET_ARGUMENTS.includes(name)) {
      throw new CliUsageError(
        `${name} is not accepted: command-line arguments are visible to every user in \`ps\`. ` +
          `Set ${AUTH_ENV.apiKey} or ${AUTH_ENV.iamToken}, or pass a key file with --key-file PATH (or ${AUTH_ENV.keyFile}).`,
      );
    }
  }
}

/**
 * Credentials for `recognize`, first found wins: `--key-file`, then `SPEECHKIT_KEY_FILE` (a
 * service-account key file), `SPEECHKIT_API_KEY`, `SPEECHKIT_IAM_TOKEN`. A key file's path is not a
 * secret; the key stays in the file.
 */
export function authFromEnvironment(args: { keyFile?: string | undefined; iamEndpoint?: string | undefined }, env: NodeJS.ProcessEnv = process.env): AuthOptions {
  const keyFile = args.keyFile ?? nonEmpty(env[AUTH_ENV.keyFile]);
  const iamEndpoint = args.iamEndpoint ?? nonEmpty(env[AUTH_ENV.iamEndpoint]);
  if (keyFile !== undefined) return { serviceAccountKey: keyFile, ...(iamEndpoint !== undefined && { iamEndpoint }) };
  if (args.iamEndpoint !== undefined) throw new CliUsageError('--iam-endpoint only applies with a key file (--key-file or SPEECHKIT_KEY_FILE)');
  const apiKey = nonEmpty(env[AUTH_ENV.apiKey]);
  if (apiKey !== undefined) return { apiKey };
  const iamToken = nonEmpty(env[AUTH_ENV.iamToken]);
  if (iamToken !== undefined) return { iamToken };
  throw new CliUsageError(
    `No credentials: pass --key-file PATH, or set ${AUTH_ENV.keyFile}, ${AUTH_ENV.apiKey} or ${AUTH_ENV.iamToken} (or use --emulator)`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
