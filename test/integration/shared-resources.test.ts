import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { MAX_CALLS_PER_CHANNEL } from '../../src/transport/grpc-transport.js';
import { finalsText, recognize, streamOptions, withEmulator } from '../helpers/emulator.js';

/** Handles of a kind that keep this process alive (unref'd ones are not listed). */
function alive(kind: string): number {
  return process.getActiveResourcesInfo().filter((r) => r === kind).length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until no socket has opened or closed for 300 ms (at most 5 s): sockets of an emulator that
 * just closed can take a few event-loop turns to go (longer on Node 24 than on Node 20).
 */
async function socketsSettled(): Promise<void> {
  let last = alive('TCPSocketWrap');
  for (let steady = 0, waited = 0; steady < 6 && waited < 5_000; waited += 50) {
    await sleep(50);
    const now = alive('TCPSocketWrap');
    steady = now === last ? steady + 1 : 0;
    last = now;
  }
}

describe('streams share resources and let the process go', () => {
  it('puts 200 concurrent streams on a few pooled connections', async () => {
    await withEmulator({ recordAudio: false }, async (emulator) => {
      const baseline = alive('TCPSocketWrap');
      const pcm = dialledDigitsPcm(['7'], { sampleRate: 8000, leadMs: 200, trailMs: 800 });
      let peak = 0;
      const watch = setInterval(() => (peak = Math.max(peak, alive('TCPSocketWrap') - baseline)), 50);
      try {
        const streams = Array.from({ length: 200 }, () =>
          new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000, pace: 1, startLimiter: false })),
        );
        const results = await Promise.all(streams.map((s) => recognize(s, pcm, 1600)));
        for (const r of results) expect(finalsText(r)).toEqual(['7']);
      } finally {
        clearInterval(watch);
      }
      // Both ends of each connection live in this process: the client's and the emulator's socket.
      const connections = Math.ceil(200 / MAX_CALLS_PER_CHANNEL);
      expect(peak).toBe(2 * connections);
      expect(emulator.sessions).toHaveLength(200);
    });
  });

  it('holds nothing that keeps the process alive once the last stream is done, and closes idle connections', async () => {
    await socketsSettled();
    await withEmulator({}, async (emulator) => {
      const before = { sockets: alive('TCPSocketWrap'), timers: alive('Timeout') };
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 8000 }));
      expect(finalsText(await recognize(stream, dialledDigitsPcm(['12'], { sampleRate: 8000 }), 1600))).toEqual(['12']);
      await sleep(100);
      // The emulator's end of the connection is still there; the client's is open but unref'd,
      // and no timer of the stream is left.
      expect(alive('TCPSocketWrap') - before.sockets).toBe(1);
      expect(alive('Timeout')).toBeLessThanOrEqual(before.timers);
      // After the pool's linger the connection itself is closed.
      await sleep(2_500);
      expect(alive('TCPSocketWrap') - before.sockets).toBe(0);
    });
  });
});
