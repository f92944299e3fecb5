import { ErrorCodes, redact, SpeechKitError } from '../errors.js';
import type { Clock } from '../timing/clock.js';
import type { Credentials } from './credentials-contract.js';

/** What `getIamToken` is told when it is called. */
export interface IamTokenRequest {
  /** The service refused the last token this provider gave: return a new one, not a cached one. */
  forceRefresh: boolean;
}

/**
 * Your own source of IAM tokens (a metadata service, a secrets manager, another SDK). Called at
 * the start of every session, so it should return a cached token while that one is good.
 */
export type IamTokenProvider = (request: IamTokenRequest) => Promise<string> | string;

/** A provider that has not answered after this long fails the session's start. */
export const PROVIDER_TIMEOUT_MS = 30_000;
const REMEMBERED_TOKENS = 4;

/**
 * Credentials backed by the user's `getIamToken`. After UNAUTHENTICATED, `refresh()` asks it once
 * with `forceRefresh: true` and the next session uses that answer.
 */
export function providerCredentials(getIamToken: IamTokenProvider, clock: Clock): Credentials {
  const recent: string[] = [];
  let forced: Promise<string> | undefined;

  const ask = (forceRefresh: boolean): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        reject(new SpeechKitError(ErrorCodes.AUTH, `getIamToken did not settle within ${PROVIDER_TIMEOUT_MS} ms`));
      }, PROVIDER_TIMEOUT_MS);
      const settle = () => clock.clearTimeout(timer);
      Promise.resolve()
        .then(() => getIamToken({ forceRefresh }))
        .then(
          (value) => {
            settle();
            const token = checkToken(value);
            recent.push(token);
            if (recent.length > REMEMBERED_TOKENS) recent.shift();
            resolve(token);
          },
          (error: unknown) => {
            settle();
            const message = redact(error instanceof Error ? error.message : String(error), recent);
            reject(new SpeechKitError(ErrorCodes.AUTH, `getIamToken failed: ${message}`));
          },
        )
        .catch((error: unknown) => {
          settle();
          reject(error);
        });
    });

  return {
    async authorization() {
      const pending = forced ?? ask(false);
      forced = undefined;
      return `Bearer ${await pending}`;
    },
    secrets: () => [...recent],
    async refresh() {
      const pending = ask(true);
      forced = pending;
      await pending.catch(() => {});
    },
  };
}

/** Messages describe the problem, never the value. */
function checkToken(value: unknown): string {
  if (typeof value !== 'string') {
    throw new SpeechKitError(ErrorCodes.AUTH, `getIamToken must resolve to the IAM token string; got ${value === null ? 'null' : typeof value}`);
  }
  const token = value.trim();
  if (/^bearer\s/i.test(token)) {
    throw new SpeechKitError(ErrorCodes.AUTH, 'getIamToken must resolve to the bare IAM token, without the "Bearer " scheme');
  }
  if (!/^[\x21-\x7e]{1,8192}$/.test(token)) {
    throw new SpeechKitError(ErrorCodes.AUTH, 'getIamToken resolved to an unusable token (empty, too long, or with spaces or control characters)');
  }
  return token;
}
