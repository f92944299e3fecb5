// @ts-check
// Runs the telephony bridge (see bridge.js):
//
//   npm run build
//   SPEECHKIT_API_KEY=… node examples/telephony-bridge/server.js --port 9000 [--language ru-RU]
//   node examples/telephony-bridge/server.js --emulator     # against a local emulator, no credentials
//
// Then, for example, a caller with a µ-law recording:
//   (echo '{"call":"demo","encoding":"MULAW"}'; cat call.ulaw) | nc -N 127.0.0.1 9000
import { parseArgs } from 'node:util';
import { startEmulator, EMULATOR_IAM_TOKEN } from 'speechkit-stream/emulator';
import { startBridge } from './bridge.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    language: { type: 'string' },
    emulator: { type: 'boolean', default: false },
  },
});

const emulator = values.emulator ? await startEmulator() : undefined;
/** @type {import('speechkit-stream').AuthOptions} */
let auth;
if (emulator) auth = { iamToken: EMULATOR_IAM_TOKEN };
else if (process.env.SPEECHKIT_API_KEY) auth = { apiKey: process.env.SPEECHKIT_API_KEY };
else if (process.env.SPEECHKIT_IAM_TOKEN) auth = { iamToken: process.env.SPEECHKIT_IAM_TOKEN };
else {
  console.error('Set SPEECHKIT_API_KEY or SPEECHKIT_IAM_TOKEN, or pass --emulator');
  process.exit(2);
}

const bridge = await startBridge({
  port: Number(values.port),
  host: values.host,
  recognizer: {
    auth,
    ...(emulator && { endpoint: emulator.address, tls: false }),
    ...(values.language !== undefined && { languageCode: values.language }),
    ...(process.env.SPEECHKIT_FOLDER_ID && { folderId: process.env.SPEECHKIT_FOLDER_ID }),
  },
  log: (line) => console.log(line),
});
console.log(`Bridge listening on ${bridge.host}:${bridge.port}${emulator ? ` (emulator at ${emulator.address})` : ''}`);

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, async () => {
    await bridge.close();
    await emulator?.close();
  });
}
