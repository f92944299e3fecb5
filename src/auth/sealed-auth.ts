import { inspect } from 'node:util';
import type { ResolvedAuth } from './auth-options.js';

/** What every printed form of a credential says instead of it. */
export const REDACTED = '[redacted]';

/** `stream.options.auth`: which kind of credential is in use, never its value. */
export type AuthView =
  | { readonly iamToken: typeof REDACTED }
  | { readonly apiKey: typeof REDACTED }
  | { readonly serviceAccountKey: typeof REDACTED; readonly iamEndpoint: string }
  | { readonly getIamToken: typeof REDACTED };

let unseal: (sealed: SealedAuth) => ResolvedAuth;

/**
 * The validated `auth`, held where nothing can walk to it: the credential, the parsed key and its
 * PEM text live in a `#private` field, so logging the stream, a debugger's property view, a heap
 * walk from the stream or `JSON.stringify(stream.options)` shows only the view. Only
 * {@link unsealAuth} (not part of the package's API) reads the real thing.
 */
export class SealedAuth {
  readonly #auth: ResolvedAuth;

  constructor(auth: ResolvedAuth) {
    this.#auth = auth;
    Object.assign(this, viewOf(auth));
    Object.freeze(this);
  }

  get kind(): ResolvedAuth['kind'] {
    return this.#auth.kind;
  }

  toJSON(): AuthView {
    return viewOf(this.#auth);
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): AuthView {
    return viewOf(this.#auth);
  }

  static {
    unseal = (sealed) => sealed.#auth;
  }
}

/** The credentials inside `sealed`, for making the stream's `Credentials` and nothing else. */
export function unsealAuth(sealed: SealedAuth): ResolvedAuth {
  return unseal(sealed);
}

function viewOf(auth: ResolvedAuth): AuthView {
  switch (auth.kind) {
    case 'iamToken':
      return { iamToken: REDACTED };
    case 'apiKey':
      return { apiKey: REDACTED };
    case 'getIamToken':
      return { getIamToken: REDACTED };
    case 'serviceAccountKey':
      return { serviceAccountKey: REDACTED, iamEndpoint: auth.iamEndpoint.href };
  }
}
