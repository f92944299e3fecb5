import type { AudioFormat } from '../audio/intake.js';
import type { ResolvedOptions } from '../options.js';
import type { RecognitionResult } from '../results.js';
import type { ApiMethod } from '../transport/call.js';
import { audioRequest, configRequest, mapResponse, settingsMetadata } from './v2.js';

/** How one API version spells a session: the life of a session is the same for all of them. */
export interface ApiAdapter {
  readonly method: ApiMethod;
  configMessage(options: ResolvedOptions, format: AudioFormat): unknown;
  audioMessage(data: Buffer): unknown;
  metadata(options: ResolvedOptions): Record<string, string>;
  mapResponse(message: unknown, session: number, toStreamMs: (sessionMs: number) => number): RecognitionResult[];
}

export const v2Adapter: ApiAdapter = {
  method: 'v2',
  configMessage: configRequest,
  audioMessage: audioRequest,
  metadata: settingsMetadata,
  mapResponse: (message, session, toStreamMs) => mapResponse(message as Parameters<typeof mapResponse>[0], session, toStreamMs),
};
