import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { EMULATOR_IAM_TOKEN } from '../../src/emulator/index.js';
import { sttV2ServiceDefinition } from '../../src/emulator/v2/proto.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HIGH_WATER = 64;

/**
 * A server that sends partial results as fast as its own flow control lets it, numbered from 0,
 * until the client half-closes; then it ends the call with OK.
 */
async function startFloodServer() {
  const state = { sent: 0 };
  const server = new Server();
  server.addService(sttV2ServiceDefinition(), {
    StreamingRecognize: (call: ServerDuplexStream<unknown, unknown>) => {
      let stop = false;
      let started = false;
      const flood = () => {
        while (!stop) {
          const message = { chunks: [{ alternatives: [{ text: String(state.sent), confidence: 1 }], final: false }] };
          state.sent++;
          if (!call.write(message)) {
            call.once('drain', flood);
            return;
          }
        }
      };
      call.on('data', () => {
        if (started) return;
        started = true;
        flood();
      });
      call.on('end', () => {
        stop = true;
        call.end();
      });
      call.on('error', () => (stop = true));
      call.on('cancelled', () => (stop = true));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { state, address: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

describe('a response flood and a slow reader', () => {
  it('buffers at most readableHighWaterMark results: the call is paused, memory stays flat, nothing lost or reordered', async () => {
    const server = await startFloodServer();
    try {
      const stream = new RecognizeStream({
        endpoint: server.address,
        tls: false,
        auth: { iamToken: EMULATOR_IAM_TOKEN },
        sampleRateHertz: 16000,
        partialResults: true,
        readableHighWaterMark: HIGH_WATER,
        idle: { afterMs: 300 },
        pace: 0,
      });
      const errors: Error[] = [];
      stream.on('error', (e) => errors.push(e));
      stream.write(Buffer.alloc(3200, 0x11));
      const texts: string[] = [];
      const read = (): boolean => {
        const r = stream.read() as RecognitionResult | null;
        if (r === null) return false;
        texts.push(r.text);
        return true;
      };
      await sleep(300);
      const heapBefore = process.memoryUsage().heapUsed;
      let maxBuffered = 0;
      // One result per 100 ms for 6 s.
      for (let i = 0; i < 60; i++) {
        maxBuffered = Math.max(maxBuffered, stream.readableLength);
        read();
        await sleep(100);
      }
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      const sentDuringSlowRead = server.state.sent;
      expect(errors).toEqual([]);
      expect(maxBuffered).toBeLessThanOrEqual(HIGH_WATER + 1);
      // Flow control holds the rest at the server: some thousands (HTTP/2 windows and gRPC's own
      // buffers), not the hundreds of thousands an unpaused call takes in 6 s.
      expect(sentDuringSlowRead).toBeLessThan(20_000);
      expect(heapGrowth).toBeLessThan(20 * 1024 * 1024);
      // The writer and keep-alive went on: the session is still open, and nothing failed.
      expect(stream.sessionCount).toBe(1);

      // Now read fast to the end: every result once, in order.
      const ended = new Promise<void>((resolve) => stream.once('end', resolve));
      stream.end();
      stream.on('readable', () => {
        while (read());
      });
      while (read());
      await ended;
      expect(errors).toEqual([]);
      expect(texts.length).toBe(server.state.sent);
      expect(texts.every((t, i) => t === String(i))).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);
});
