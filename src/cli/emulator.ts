import { parseArgs } from 'node:util';
import { EMULATOR_API_KEY, EMULATOR_IAM_TOKEN, startEmulator } from '../emulator/index.js';

export async function runEmulator(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid --port "${values.port}": expected 0–65535`);
    return 2;
  }
  const emulator = await startEmulator({ host: values.host, port });
  console.log(`SpeechKit emulator listening on ${emulator.address} (plaintext gRPC, API v2 and v3)`);
  console.log(`Accepted credentials: IAM token "${EMULATOR_IAM_TOKEN}", API key "${EMULATOR_API_KEY}"`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
  return 0;
}
