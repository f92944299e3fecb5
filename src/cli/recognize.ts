import { createReadStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createRecognizeStream, type RecognitionResult, type RecognizeStreamOptions } from '../index.js';
import { EMULATOR_IAM_TOKEN, startEmulator, type Emulator } from '../emulator/index.js';
import { authFromEnvironment, refuseSecretArguments } from './auth.js';
import { formatResult } from './print.js';

export async function runRecognize(argv: string[]): Promise<number> {
  refuseSecretArguments(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      insecure: { type: 'boolean', default: false },
      'key-file': { type: 'string' },
      'iam-endpoint': { type: 'string' },
      ca: { type: 'string' },
      emulator: { type: 'boolean', default: false },
      'folder-id': { type: 'string' },
      language: { type: 'string' },
      model: { type: 'string' },
      rate: { type: 'string' },
      encoding: { type: 'string' },
      partial: { type: 'boolean', default: false },
      raw: { type: 'boolean', default: false },
      pace: { type: 'string' },
      json: { type: 'boolean', default: false },
      api: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error('Usage: speechkit-stream recognize FILE|- [options]  (see speechkit-stream --help)');
    return 2;
  }
  let emulator: Emulator | undefined;
  try {
    if (values.emulator) emulator = await startEmulator();
    const options: RecognizeStreamOptions = {
      auth: emulator ? { iamToken: EMULATOR_IAM_TOKEN } : authFromEnvironment({ keyFile: values['key-file'], iamEndpoint: values['iam-endpoint'] }),
      ...(emulator ? { endpoint: emulator.address, tls: false } : {}),
      ...(values.endpoint !== undefined && { endpoint: values.endpoint }),
      ...(values.insecure && { tls: false }),
      ...(values.ca !== undefined && { ca: readFileSync(values.ca) }),
      ...((values['folder-id'] ?? process.env.SPEECHKIT_FOLDER_ID) !== undefined && { folderId: values['folder-id'] ?? process.env.SPEECHKIT_FOLDER_ID }),
      ...(values.language !== undefined && { languageCode: values.language }),
      ...(values.model !== undefined && { model: values.model }),
      ...(values.rate !== undefined && { sampleRateHertz: Number(values.rate) }),
      ...(values.encoding !== undefined && { audioEncoding: values.encoding as RecognizeStreamOptions['audioEncoding'] }),
      ...(values.pace !== undefined && { pace: Number(values.pace) }),
      ...(values.api !== undefined && { api: values.api as RecognizeStreamOptions['api'] }),
      partialResults: values.partial,
      rawResults: values.raw,
    };
    const recognizer = createRecognizeStream(options);
    const input = file === '-' ? process.stdin : createReadStream(file);
    await pipeline(input, recognizer, async (results: AsyncIterable<RecognitionResult>) => {
      for await (const result of results) console.log(formatResult(result, values.json));
    });
    return 0;
  } finally {
    await emulator?.close();
  }
}
