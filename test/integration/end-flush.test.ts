import { Client, credentials, Metadata, Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { sttV2ServiceDefinition } from '../../src/emulator/v2/proto.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { UnconfirmedEvent } from '../../src/session/end-flush.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { recognize, streamOptions, withEmulator } from '../helpers/emulator.js';

const RATE = 8000;
const UTTERANCES = ['12', '345', '6789'];
/** The audio ends 100 ms after the last tone: the last utterance has no final before the end. */
const PCM = dialledDigitsPcm(UTTERANCES, { sampleRate: RATE, trailMs: 100 });
const DURATION_MS = PCM.length / 2 / (RATE / 1000);

/**
 * A server in front of the emulator that, for its first `noFlush` sessions, answers the client's
 * half-close with OK at once: whatever the emulator had not finalized yet is never sent. Later
 * sessions are forwarded whole.
 */
async function startNoFlushFront(target: string, noFlush: number) {
  const definition = sttV2ServiceDefinition().StreamingRecognize!;
  const client = new Client(target, credentials.createInsecure());
  let sessions = 0;
  const server = new Server();
  server.addService(sttV2ServiceDefinition(), {
    StreamingRecognize: (call: ServerDuplexStream<unknown, unknown>) => {
      const flushes = sessions++ >= noFlush;
      const md = new Metadata();
      for (const [key, value] of Object.entries(call.metadata.getMap())) md.set(key, String(value));
      const upstream = client.makeBidiStreamRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, md);
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        fn();
      };
      upstream.on('data', (message) => {
        if (!done) call.write(message);
      });
      upstream.on('status', (status) => finish(() => (status.code === 0 ? call.end() : call.emit('error', status))));
      upstream.on('error', () => {});
      call.on('data', (message) => upstream.write(message));
      call.on('end', () => {
        if (flushes) upstream.end();
        else finish(() => {
          call.end();
          upstream.cancel();
        });
      });
      call.on('cancelled', () => upstream.cancel());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    get sessions() {
      return sessions;
    },
    close: () => {
      client.close();
      return new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}

describe('the end of the stream against a service that does not flush on half-close', () => {
  it('an OK right after the last audio (no flush): the last utterance still comes, once', async () => {
    // The emulator ends session 0 with OK, unflushed, the moment all audio has arrived.
    await withEmulator({ faults: [{ action: 'end', session: 0, afterAudioMs: DURATION_MS - 1 }] }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: RATE, retry: { minDelayMs: 10, maxDelayMs: 10 } }));
      const finals = (await recognize(stream, PCM)).filter((r) => r.final).map((r) => r.text);
      expect(finals).toEqual(UTTERANCES);
    });
  });

  it('trailing silence lets the service finalize the last speech before the half-close', async () => {
    await withEmulator({}, async (emulator) => {
      const front = await startNoFlushFront(emulator.address, Infinity);
      try {
        const stream = new RecognizeStream(streamOptions(emulator, { endpoint: front.address, sampleRateHertz: RATE }));
        const finals = (await recognize(stream, PCM)).filter((r) => r.final);
        expect(finals.map((r) => r.text)).toEqual(UTTERANCES);
        expect(front.sessions).toBe(1);
        // The added silence is off the stream timeline: the last final ends where its tone does.
        expect(finals[2]!.endMs!).toBeLessThan(DURATION_MS);
        // It went to the service, and counted as audio there: 1 s after the last tone.
        expect(emulator.sessions[0]!.audioMs).toBeGreaterThanOrEqual(DURATION_MS - 100 + 1000);
      } finally {
        await front.close();
      }
    });
  });

  it('an OK after the half-close with the last speech unconfirmed: a new session replays it', async () => {
    // The service needs 3 s of silence to end an utterance: the added second does not do it.
    await withEmulator({ recognizer: { eouSilenceMs: 3000 } }, async (emulator) => {
      const front = await startNoFlushFront(emulator.address, 1);
      try {
        const stream = new RecognizeStream(streamOptions(emulator, { endpoint: front.address, sampleRateHertz: RATE, retry: { minDelayMs: 10, maxDelayMs: 10 } }));
        const retries: RetryEvent[] = [];
        stream.on('retry', (e: RetryEvent) => retries.push(e));
        const finals = (await recognize(stream, PCM)).filter((r) => r.final).map((r) => r.text);
        // With 1 s gaps under its 3 s pause the emulator hears one utterance, finalized only by
        // session 1's flush on half-close.
        expect(finals.join('')).toBe(UTTERANCES.join(''));
        expect(retries).toMatchObject([{ code: 'SPEECHKIT_ERR_SESSION_ENDED', session: 0 }]);
        expect(front.sessions).toBe(2);
      } finally {
        await front.close();
      }
    });
  }, 30_000);

  it('a bounded number of replays, then an explicit report instead of a silent loss', async () => {
    await withEmulator({ recognizer: { eouSilenceMs: 3000 } }, async (emulator) => {
      const front = await startNoFlushFront(emulator.address, Infinity);
      try {
        const stream = new RecognizeStream(streamOptions(emulator, { endpoint: front.address, sampleRateHertz: RATE, retry: { minDelayMs: 10, maxDelayMs: 10 } }));
        const unconfirmed: UnconfirmedEvent[] = [];
        stream.on('unconfirmed', (e: UnconfirmedEvent) => unconfirmed.push(e));
        const finals = (await recognize(stream, PCM)).filter((r) => r.final);
        expect(finals).toEqual([]);
        expect(front.sessions).toBe(3);
        expect(unconfirmed).toHaveLength(1);
        expect(unconfirmed[0]).toMatchObject({ session: 2, fromMs: 0, recoveries: 2 });
        expect(unconfirmed[0]!.toMs).toBeGreaterThan(DURATION_MS - 200);
      } finally {
        await front.close();
      }
    });
  }, 30_000);

  it('rollovers: a replaced session that ends with OK unflushed costs nothing, its audio is replayed', async () => {
    await withEmulator({ limits: { maxAudioMs: 6_000 } }, async (emulator) => {
      const front = await startNoFlushFront(emulator.address, Infinity);
      try {
        const utterances = ['1', '23', '456', '7890', '12', '345', '6789', '01', '234', '5678'];
        const pcm = dialledDigitsPcm(utterances, { sampleRate: RATE, trailMs: 100 });
        const stream = new RecognizeStream(streamOptions(emulator, {
          endpoint: front.address,
          sampleRateHertz: RATE,
          sessionLimits: { maxAudioMs: 6_000 },
        }));
        const rollovers: unknown[] = [];
        stream.on('rollover', (e) => rollovers.push(e));
        const finals = (await recognize(stream, pcm)).filter((r) => r.final).map((r) => r.text);
        expect(rollovers.length).toBeGreaterThanOrEqual(2);
        expect(finals).toEqual(utterances);
      } finally {
        await front.close();
      }
    });
  }, 30_000);
});
