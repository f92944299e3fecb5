// One process of a fleet, forked by the tests in test/redis (run from the sources): it shares the
// session-start quota with the others through Redis. Driven over IPC.
//
// mode 'streams': on 'go', starts `streams` recognition streams at once against the emulator,
//   each with half a second of its own dialled digits, and reports whether each got exactly them,
//   and when (epoch ms) each of its calls was opened.
// mode 'hold': takes `hold` start slots of a limiter with a concurrency cap and keeps them (its
//   leases renewed) until it is killed.
import { EMULATOR_IAM_TOKEN } from '../../src/emulator/auth/credentials.js';
import { dialledDigitsPcm } from '../../src/emulator/fixtures/dialled-digits.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { createRedisStartLimiter, type RedisStartLimiterOptions } from '../../src/redis/index.js';
import type { Transport } from '../../src/transport/call.js';
import { createGrpcTransport } from '../../src/transport/grpc-transport.js';

export interface ChildArgs {
  mode: 'streams' | 'hold';
  /** A redis:// URL: the limiter opens its own connection. */
  redis: string;
  limiter: Omit<RedisStartLimiterOptions, 'redis' | 'clock'>;
  address?: string;
  streams?: number;
  hold?: number;
  /** Tells the digits of this process's streams apart from the others'. */
  id: number;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'holding'; held: number }
  | { type: 'event'; name: 'fallback' | 'shared'; payload: unknown }
  | { type: 'done'; exact: number; errors: string[]; opens: number[] };

const args = JSON.parse(process.argv[2]!) as ChildArgs;
const send = (message: ChildMessage) => process.send!(message);
// Never outlive the test.
process.on('disconnect', () => process.exit(0));

const limiter = createRedisStartLimiter({ redis: args.redis, ...args.limiter });
limiter.on('fallback', (payload) => send({ type: 'event', name: 'fallback', payload }));
limiter.on('shared', (payload) => send({ type: 'event', name: 'shared', payload }));

if (args.mode === 'hold') {
  for (let i = 0; i < args.hold!; i++) {
    limiter.acquire(() => {
      if (limiter.held === args.hold) send({ type: 'holding', held: limiter.held });
    });
  }
} else {
  const jobs = Array.from({ length: args.streams! }, (_, i) => {
    const digits = String(args.id) + String(i % 1000).padStart(3, '0');
    return { digits, audio: dialledDigitsPcm([digits], { sampleRate: 8000, toneMs: 60, toneGapMs: 60, leadMs: 50, trailMs: 100 }) };
  });
  // When each call was opened here: the instant the limiter let it go, on the machine's clock.
  const opens: number[] = [];
  const grpc = createGrpcTransport({ endpoint: args.address!, tls: false });
  const transport: Transport = {
    open: (method, metadata, handlers) => {
      opens.push(Date.now());
      return grpc.open(method, metadata, handlers);
    },
    close: () => {},
  };
  const errors: string[] = [];
  let exact = 0;
  // Made before 'go' (a stream asks for no start slot before it has audio): 'go' only starts them.
  const running = jobs.map(({ digits, audio }) => {
    const stream = new RecognizeStream(
      {
        endpoint: args.address!,
        tls: false,
        auth: { iamToken: EMULATOR_IAM_TOKEN },
        sampleRateHertz: 8000,
        audioEncoding: 'LINEAR16_PCM',
        pace: 0,
        startLimiter: limiter,
      },
      { transport },
    );
    const finals: string[] = [];
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (r: { final: boolean; text: string }) => r.final && finals.push(r.text));
      stream.on('error', (error: Error & { code?: string }) => {
        errors.push(`${digits}: ${error.code} ${error.message}`);
        resolve();
      });
      stream.on('end', () => {
        if (finals.join(' ') === digits) exact++;
        else errors.push(`${digits}: heard ${JSON.stringify(finals)}`);
        resolve();
      });
    });
    return { stream, audio, ended };
  });
  // The process's connection to the service is up before 'go', as it is in a process that has
  // been running: the first calls of a new connection wait for its handshake and then all go at
  // once, which no limiter can space (the warm-up call itself is not limited, nor counted).
  const warmUp = new RecognizeStream(
    { endpoint: args.address!, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, sampleRateHertz: 8000, audioEncoding: 'LINEAR16_PCM', startLimiter: false },
    { transport: { open: (method, metadata, handlers) => grpc.open(method, metadata, handlers), close: () => {} } },
  );
  warmUp.resume();
  warmUp.write(Buffer.alloc(1600));
  await new Promise((resolve) => warmUp.once('session', resolve));
  send({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  warmUp.end();
  for (const { stream, audio } of running) stream.end(audio);
  await Promise.all(running.map((r) => r.ended));
  grpc.close();
  send({ type: 'done', exact, errors, opens });
  await limiter.close();
  process.disconnect();
}
