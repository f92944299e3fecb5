import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  createServiceAccountKey,
  EMULATOR_API_KEY,
  EMULATOR_IAM_TOKEN,
  resolveProfile,
  startEmulator,
  type RegisteredKey,
  type ServiceProfile,
  type ServiceProfileInput,
} from '../emulator/index.js';

/**
 * `--profile lenient|strict`, or a JSON profile object such as `{"base":"strict","wordTimes":true}`.
 * Throws an Error naming the flag and the problem.
 */
export function parseProfileArgument(value: string): ServiceProfile {
  const text = value.trim();
  let input: string | ServiceProfileInput = text;
  if (text.startsWith('{')) {
    try {
      input = JSON.parse(text) as ServiceProfileInput;
    } catch (err) {
      throw new Error(`--profile: not valid JSON (${(err as Error).message})`, { cause: err });
    }
  }
  try {
    return resolveProfile(input as Parameters<typeof resolveProfile>[0]);
  } catch (err) {
    throw new Error(`--profile: ${(err as Error).message}`, { cause: err });
  }
}

/** `stopped` ends the run (tests); by default SIGINT / SIGTERM do. */
export async function runEmulator(argv: string[], stopped?: Promise<void>): Promise<number> {
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
      profile: { type: 'string', default: 'lenient' },
    },
  });
  let profile: ServiceProfile;
  try {
    profile = parseProfileArgument(values.profile);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
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
    profile,
    ...(withIam && { iam: { keys, ...(lifetime !== undefined && { tokenLifetimeMs: lifetime }) } }),
    ...(values['tls-cert'] !== undefined && { tls: { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } }),
  });
  const scheme = values['tls-cert'] === undefined ? 'plaintext' : 'TLS';
  const profileName = ['lenient', 'strict'].includes(values.profile.trim()) ? values.profile.trim() : 'custom';
  console.log(`SpeechKit emulator listening on ${emulator.address} (${scheme} gRPC, API v2 and v3, profile ${profileName})`);
  console.log(`Accepted credentials: IAM token "${EMULATOR_IAM_TOKEN}", API key "${EMULATOR_API_KEY}"`);
  if (emulator.iam) console.log(`IAM token endpoint: ${emulator.iam.endpoint} (${keys.length} key(s) registered)`);
  await (stopped ??
    new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }));
  await emulator.close();
  return 0;
}
