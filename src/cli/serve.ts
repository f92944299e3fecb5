import { parseArgs } from 'node:util';
import { startEmulator, type Emulator } from '../emulator/index.js';
import {
  createAudioForkServer,
  createAudioSocketServer,
  createBrowserServer,
  createJambonzServer,
  createTwilioServer,
  createWebhook,
  type MixType,
  type ServeLine,
  type ServeOptions,
  type ServeProtocol,
  type ServeServer,
  type Webhook,
} from '../serve/index.js';
import { CliUsageError, refuseSecretArguments } from './auth.js';
import { RECOGNIZER_ARGS, recognizerOptions } from './recognizer-options.js';

const PROTOCOLS: readonly ServeProtocol[] = ['twilio', 'audiosocket', 'audio-fork', 'jambonz', 'browser'];
/** The jambonz custom vendor's api key: a secret, so from the environment only. */
export const SERVE_API_KEY_ENV = 'SPEECHKIT_SERVE_API_KEY';

function start(protocol: ServeProtocol, options: ServeOptions, fork: { rate?: string | undefined; mix?: string | undefined }): Promise<ServeServer> {
  switch (protocol) {
    case 'twilio':
      return createTwilioServer(options);
    case 'audiosocket':
      return createAudioSocketServer(options);
    case 'jambonz': {
      const apiKey = process.env[SERVE_API_KEY_ENV];
      return createJambonzServer({ ...options, ...(apiKey ? { apiKey } : {}) });
    }
    case 'audio-fork':
      return createAudioForkServer({
        ...options,
        ...(fork.rate !== undefined && { sampleRateHertz: Number(fork.rate) as 8000 | 16000 }),
        ...(fork.mix !== undefined && { mixType: fork.mix as MixType }),
      });
    case 'browser':
      return createBrowserServer(options);
  }
}

/**
 * `speechkit-stream serve`: one protocol's server; every line on stdout as NDJSON (and POSTed to
 * `--webhook`); what it listens on, on stderr. `stopped` ends it (tests); by default SIGINT / SIGTERM.
 */
export async function runServe(argv: string[], stopped?: Promise<void>): Promise<number> {
  refuseSecretArguments(argv);
  const { values } = parseArgs({
    args: argv,
    options: {
      ...RECOGNIZER_ARGS,
      protocol: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      path: { type: 'string' },
      partial: { type: 'boolean', default: false },
      webhook: { type: 'string' },
      rate: { type: 'string' },
      mix: { type: 'string' },
    },
  });
  const protocol = values.protocol as ServeProtocol | undefined;
  if (protocol === undefined || !PROTOCOLS.includes(protocol)) {
    console.error(`serve: --protocol must be one of ${PROTOCOLS.join(', ')}${protocol === undefined ? '' : ` (got "${protocol}")`}`);
    return 2;
  }
  if ((values.rate !== undefined || values.mix !== undefined) && protocol !== 'audio-fork') throw new CliUsageError('--rate and --mix apply to --protocol audio-fork only');
  let emulator: Emulator | undefined;
  let server: ServeServer | undefined;
  let webhook: Webhook | undefined;
  try {
    if (values.emulator) emulator = await startEmulator();
    const print = (line: ServeLine) => console.log(JSON.stringify(line));
    webhook = values.webhook === undefined ? undefined : createWebhook({ url: values.webhook, onError: print });
    const hook = webhook;
    server = await start(
      protocol,
      {
        recognizer: recognizerOptions(values, emulator),
        port: Number(values.port),
        host: values.host,
        ...(values.path !== undefined && { path: values.path }),
        partial: values.partial,
        onLine: (line) => {
          print(line);
          hook?.send(line);
        },
      },
      { rate: values.rate, mix: values.mix },
    );
    console.error(`serve: ${protocol} on ${server.url}${emulator ? ` (emulator at ${emulator.address})` : ''}; NDJSON lines on stdout`);
    await (stopped ??
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }));
    return 0;
  } finally {
    await server?.close();
    await webhook?.flush();
    await emulator?.close();
  }
}
