import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm, startTcpProxy, type TcpProxy } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { seededRandom } from '../helpers/dialled.js';
import { streamOptions, withEmulator } from '../helpers/emulator.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RATE = 16000;
const STALL_MS = 1500;

function digits(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => String(Math.floor(random() * 10))).join(''));
}

/**
 * A live source: 100 ms pieces written at real time (as a microphone does, whatever the stream
 * does with them), and `atMs` into the audio the proxy stops forwarding.
 */
async function liveThroughBlackhole(stream: RecognizeStream, pcm: Buffer, proxy: TcpProxy, atMs: number, fault: 'blackhole' | 'reset' = 'blackhole') {
  const results: RecognitionResult[] = [];
  const retries: (RetryEvent & { at: number })[] = [];
  let blackholedAt = 0;
  stream.on('data', (r: RecognitionResult) => results.push(r));
  stream.on('retry', (e: RetryEvent) => retries.push({ ...e, at: performance.now() }));
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const piece = (RATE / 10) * 2;
  const start = performance.now();
  for (let at = 0, n = 0; at < pcm.length; at += piece, n++) {
    if (n * 100 === atMs) {
      proxy[fault]();
      blackholedAt = performance.now();
    }
    stream.write(pcm.subarray(at, at + piece));
    const due = start + (n + 1) * 100;
    await sleep(Math.max(0, due - performance.now()));
  }
  stream.end();
  await ended;
  return { results, retries, blackholedAt };
}

describe('a connection that silently stops forwarding', () => {
  for (const api of ['v2', 'v3'] as const) {
    it(`${api}: is noticed within stallTimeoutMs, replayed on a new connection, every digit exactly once`, async () => {
      await withEmulator({}, async (emulator) => {
        const proxy = await startTcpProxy({ target: emulator.address });
        try {
          const utterances = digits(8, api === 'v2' ? 7 : 8);
          const pcm = dialledDigitsPcm(utterances, { sampleRate: RATE, utteranceGapMs: 1200, trailMs: 1200 });
          const stream = new RecognizeStream(streamOptions(emulator, {
            endpoint: proxy.address,
            api,
            sampleRateHertz: RATE,
            pace: 1,
            stallTimeoutMs: STALL_MS,
            // The drop costs the speech since the last final, replayed: the buffer must hold it.
            retry: { minDelayMs: 100, maxDelayMs: 400 },
          }));
          const { results, retries, blackholedAt } = await liveThroughBlackhole(stream, pcm, proxy, 3000);
          const finals = results.filter((r) => r.type === 'final').map((r) => r.text.replace(/ /g, ''));
          const expected = api === 'v2' ? utterances : utterances.map((u) => u.split('').map(word).join(''));
          expect(finals).toEqual(expected);
          expect(retries.length).toBeGreaterThanOrEqual(1);
          expect(retries[0]!.code).toBe('SPEECHKIT_ERR_STALLED');
          expect(retries[0]!.session).toBe(0);
          // Noticed within the timeout (+ the frame being written and a loaded machine's slack),
          // not after gRPC's keepalive (30 s + 10 s).
          const noticedMs = retries[0]!.at - blackholedAt;
          console.info(`[stall] ${api}: blackhole noticed after ${Math.round(noticedMs)} ms (stallTimeoutMs ${STALL_MS}), ${retries.length} retr${retries.length === 1 ? 'y' : 'ies'}`);
          expect(noticedMs).toBeGreaterThanOrEqual(STALL_MS - 200);
          expect(noticedMs).toBeLessThan(STALL_MS + 2500);
          // The new session went over a new connection: the blackholed one is never used again.
          expect(emulator.sessions.length).toBe(2);
          expect(emulator.sessions[1]!.status?.name).toBe('OK');
        } finally {
          await proxy.close();
        }
      });
    }, 60_000);
  }
});

describe('a connection reset (RST) through the same proxy', () => {
  it('is noticed at once as UNAVAILABLE, replayed, every digit exactly once', async () => {
    await withEmulator({}, async (emulator) => {
      const proxy = await startTcpProxy({ target: emulator.address });
      try {
        const utterances = digits(6, 9);
        const pcm = dialledDigitsPcm(utterances, { sampleRate: RATE, utteranceGapMs: 1200, trailMs: 1200 });
        const stream = new RecognizeStream(streamOptions(emulator, {
          endpoint: proxy.address,
          sampleRateHertz: RATE,
          pace: 1,
          stallTimeoutMs: STALL_MS,
          retry: { minDelayMs: 100, maxDelayMs: 400 },
        }));
        const { results, retries, blackholedAt } = await liveThroughBlackhole(stream, pcm, proxy, 3000, 'reset');
        expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(utterances);
        expect(retries[0]!.code).toBe('SPEECHKIT_ERR_UNAVAILABLE');
        expect(retries[0]!.at - blackholedAt).toBeLessThan(STALL_MS);
      } finally {
        await proxy.close();
      }
    });
  }, 60_000);
});

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
function word(digit: string): string {
  return WORDS[Number(digit)]!;
}
