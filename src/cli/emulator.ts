import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createServiceAccountKey, EMULATOR_API_KEY, EMULATOR_IAM_TOKEN, startEmulator, type RegisteredKey } from '../emulator/index.js';

export async function runEmulator(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      iam: { type: 'boolean', default: false },
      'register-key': { type: 'string', multiple: true },
      'new-key': { type: 'string' },
      'token-lifetime-ms': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid --port "${values.port}": expected 0–65535`);
    return 2;
  }
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    console.error('--tls-cert and --tls-key go together');
    return 2;
  }
  const keys: RegisteredKey[] = (values['register-key'] ?? []).map((file) => JSON.parse(readFileSync(file, 'utf8')) as RegisteredKey);
  if (values['new-key'] !== undefined) {
    const key = createServiceAccountKey();
    // The key file holds a private key: readable by its owner only.
    writeFileSync(values['new-key'], `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
    keys.push(key);
    console.log(`Wrote a new service-account key to ${values['new-key']} (key ${key.id}, account ${key.service_account_id})`);
  }
  const withIam = values.iam || keys.length > 0;
  const lifetime = values['token-lifetime-ms'] === undefined ? undefined : Number(values['token-lifetime-ms']);
  const emulator = await startEmulator({
    host: values.host,
    port,
    ...(withIam && { iam: { keys, ...(lifetime !== undefined && { tokenLifetimeMs: lifetime }) } }),
    ...(values['tls-cert'] !== undefined && { tls: { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } }),
  });
  const scheme = values['tls-cert'] === undefined ? 'plaintext' : 'TLS';
  console.log(`SpeechKit emulator listening on ${emulator.address} (${scheme} gRPC, API v2 and v3)`);
  console.log(`Accepted credentials: IAM token "${EMULATOR_IAM_TOKEN}", API key "${EMULATOR_API_KEY}"`);
  if (emulator.iam) console.log(`IAM token endpoint: ${emulator.iam.endpoint} (${keys.length} key(s) registered)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
  return 0;
}
