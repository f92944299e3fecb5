import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import type { RecognizeStreamOptions } from '../index.js';
import { EMULATOR_IAM_TOKEN, type Emulator } from '../emulator/index.js';
import { authFromEnvironment } from './auth.js';

/** The options `recognize` and `serve` share: where the service is, who we are, how to recognize. */
export const RECOGNIZER_ARGS = {
  endpoint: { type: 'string' },
  insecure: { type: 'boolean', default: false },
  'key-file': { type: 'string' },
  'iam-endpoint': { type: 'string' },
  ca: { type: 'string' },
  emulator: { type: 'boolean', default: false },
  'folder-id': { type: 'string' },
  language: { type: 'string' },
  model: { type: 'string' },
  raw: { type: 'boolean', default: false },
  pace: { type: 'string' },
  api: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export interface RecognizerArgs {
  endpoint?: string | undefined;
  insecure?: boolean | undefined;
  'key-file'?: string | undefined;
  'iam-endpoint'?: string | undefined;
  ca?: string | undefined;
  'folder-id'?: string | undefined;
  language?: string | undefined;
  model?: string | undefined;
  raw?: boolean | undefined;
  pace?: string | undefined;
  api?: string | undefined;
}

/** Recognizer options from the shared arguments; credentials from the environment (or the emulator's). */
export function recognizerOptions(values: RecognizerArgs, emulator: Emulator | undefined): RecognizeStreamOptions {
  const folderId = values['folder-id'] ?? process.env.SPEECHKIT_FOLDER_ID;
  return {
    auth: emulator ? { iamToken: EMULATOR_IAM_TOKEN } : authFromEnvironment({ keyFile: values['key-file'], iamEndpoint: values['iam-endpoint'] }),
    ...(emulator ? { endpoint: emulator.address, tls: false } : {}),
    ...(values.endpoint !== undefined && { endpoint: values.endpoint }),
    ...(values.insecure && { tls: false }),
    ...(values.ca !== undefined && { ca: readFileSync(values.ca) }),
    ...(folderId !== undefined && { folderId }),
    ...(values.language !== undefined && { languageCode: values.language }),
    ...(values.model !== undefined && { model: values.model }),
    ...(values.pace !== undefined && { pace: Number(values.pace) }),
    ...(values.api !== undefined && { api: values.api as RecognizeStreamOptions['api'] }),
    rawResults: values.raw === true,
  };
}
