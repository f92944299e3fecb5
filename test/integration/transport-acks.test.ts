import { describe, expect, it } from 'vitest';
import { EMULATOR_IAM_TOKEN, startTcpProxy } from '../../src/emulator/index.js';
import { createGrpcTransport } from '../../src/transport/grpc-transport.js';
import { withEmulator } from '../helpers/emulator.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('grpc transport over a connection that stops forwarding', () => {
  it('acknowledges only what left for the connection: no retry buffer swallows audio', async () => {
    await withEmulator({}, async (emulator) => {
      const proxy = await startTcpProxy({ target: emulator.address });
      const transport = createGrpcTransport({ endpoint: proxy.address, tls: false });
      try {
        let status: number | undefined;
        const call = transport.open('v2', { authorization: `Bearer ${EMULATOR_IAM_TOKEN}` }, {
          onResponse: () => {},
          onHeaders: () => {},
          onStatus: (s) => (status = s.code),
          onDrain: () => {},
        });
        const piece = Buffer.alloc(3200); // 100 ms of 16 kHz PCM
        call.write({ config: { specification: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: 16000 } } });
        for (let i = 0; i < 5; i++) call.write({ audio_content: piece });
        await sleep(300);
        expect(emulator.sessions).toHaveLength(1);
        proxy.blackhole();
        let written = 0;
        let acknowledged = 0;
        let refused = 0;
        // 1.3 MB offered at 20× real time: what the transport takes (write() true) and
        // acknowledges is bounded by HTTP/2 flow control (tens of KB), not by grpc-js's 1 MB
        // per-call retry buffer, which took ~33 s of audio and reported none of it stuck.
        for (let i = 0; i < 400; i++) {
          written += piece.length;
          if (!call.write({ audio_content: piece }, () => (acknowledged += piece.length))) refused++;
          await sleep(5);
        }
        await sleep(500);
        expect(status).toBeUndefined();
        expect(written).toBe(400 * piece.length);
        expect((400 - refused) * piece.length).toBeLessThan(256 * 1024);
        expect(acknowledged).toBeLessThan(256 * 1024);
        call.cancel(true);
      } finally {
        transport.close();
        await proxy.close();
      }
    });
  });
});
