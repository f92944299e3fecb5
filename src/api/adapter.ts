import type { ApiAdapter } from './adapter-contract.js';
import type { ApiVersion } from './api-options.js';
import { audioRequest, configRequest, settingsMetadata, v2ResponseMapper } from './v2.js';
import { v3Adapter } from './v3.js';

// The adapters import what an adapter is from adapter-contract.ts; keeping it out of this module,
// which imports them, keeps the api layer free of import cycles.
export type { ApiAdapter, ApiResponse, FollowUps, ResponseMapper } from './adapter-contract.js';

export const v2Adapter: ApiAdapter = {
  version: 'v2',
  method: 'v2',
  configMessage: configRequest,
  audioMessage: audioRequest,
  metadata: settingsMetadata,
  responseMapper: v2ResponseMapper,
};

export { v3Adapter };

/** The adapter for an API version. */
export function adapterFor(version: ApiVersion): ApiAdapter {
  return version === 'v3' ? v3Adapter : v2Adapter;
}
