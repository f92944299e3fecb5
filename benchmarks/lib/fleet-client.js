// One process of the fleet for `npm run bench:fleet` (forked by ../fleet.js): its streams share
// the session-start quota with the other processes' through Redis. On 'go' it starts them all at
// once, each with half a second of its own dialled digits, and reports, per stream, how long it
// waited for its start slot, and each Redis script call the limiter made, timed.
import { Redis } from 'ioredis';
import { RecognizeStream } from 'speechkit-stream';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN } from 'speechkit-stream/emulator';
import { createRedisStartLimiter } from 'speechkit-stream/redis';
// Internal: the library's own transport, wrapped only to note when each call opens.
import { createGrpcTransport } from '../../dist/transport/grpc-transport.js';

const { id, redisUrl, address, streams, perSecond, marginMs } = JSON.parse(process.argv[2]);
process.on('disconnect', () => process.exit(0));

// The limiter's client, with every command timed on its way: the Redis cost of a start.
const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
client.on('error', () => {});
await client.ping();
const scriptCalls = [];
const timed = {
  async call(command, args) {
    const t0 = performance.now();
    try {
      return await client.call(command, args);
    } finally {
      if (command.startsWith('EVAL')) scriptCalls.push({ op: args[4], ms: performance.now() - t0 });
    }
  },
};
const limiter = createRedisStartLimiter({ redis: timed, perSecond, marginMs, key: 'bench-fleet' });
let fallbacks = 0;
limiter.on('fallback', () => fallbacks++);

const grpc = createGrpcTransport({ endpoint: address, tls: false });
const opens = [];
const options = { endpoint: address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, sampleRateHertz: 8000, audioEncoding: 'LINEAR16_PCM', pace: 0 };
const jobs = Array.from({ length: streams }, (_, i) => {
  const digits = `${id}${String(i).padStart(3, '0')}`;
  const job = { digits, audio: dialledDigitsPcm([digits], { sampleRate: 8000, toneMs: 60, toneGapMs: 60, leadMs: 50, trailMs: 100 }), openedAt: undefined };
  const transport = {
    open(method, metadata, handlers) {
      const now = performance.now();
      job.openedAt ??= now;
      opens.push(Date.now());
      return grpc.open(method, metadata, handlers);
    },
    close() {},
  };
  job.stream = new RecognizeStream({ ...options, startLimiter: limiter }, { transport });
  return job;
});
// The connection to the service is up before 'go', as in a process that has been running.
const warmUp = new RecognizeStream({ ...options, pace: 1, startLimiter: false }, { transport: { open: (m, md, h) => grpc.open(m, md, h), close() {} } });
warmUp.resume();
warmUp.write(Buffer.alloc(1600));
await new Promise((resolve) => warmUp.once('session', resolve));
process.send({ type: 'ready' });
await new Promise((resolve) => process.once('message', resolve));
warmUp.end();

const go = performance.now();
let exact = 0;
let errors = 0;
await Promise.all(
  jobs.map(
    (job) =>
      new Promise((resolve) => {
        const finals = [];
        job.stream.on('data', (r) => r.final && finals.push(r.text));
        job.stream.on('error', (error) => {
          errors++;
          console.error(`stream ${job.digits}: ${error.code} ${error.message}`);
          resolve();
        });
        job.stream.on('end', () => {
          if (finals.join(' ') === job.digits) exact++;
          resolve();
        });
        job.stream.end(job.audio);
      }),
  ),
);
await limiter.close();
client.disconnect();
grpc.close();
process.send({ type: 'done', exact, errors, fallbacks, waits: jobs.map((j) => j.openedAt - go), scriptCalls, opens });
process.disconnect();
