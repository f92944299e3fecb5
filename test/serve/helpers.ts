import { WebSocket } from 'ws';
import { dialledDigitsPcm, type Emulator } from '../../src/emulator/index.js';
import type { ServeLine } from '../../src/serve/index.js';
import { seededRandom } from '../helpers/dialled.js';
import { streamOptions } from '../helpers/emulator.js';

/** Dialled digits as a caller keys them in: short tones, a pause between numbers, silence at the end. */
export function dialled(utterances: string[], sampleRate: 8000 | 16000): Buffer {
  return dialledDigitsPcm(utterances, { sampleRate, toneMs: 80, toneGapMs: 70, utteranceGapMs: 900, leadMs: 200, trailMs: 900 });
}

/** Two numbers per call and track, none alike: the call's own number, then a seeded PIN. */
export function numbersFor(count: number, seed: number): string[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => [String(1000 + i), Array.from({ length: 3 }, () => String(Math.floor(random() * 10))).join('')]);
}

/** Recognizer options against the emulator, unpaced (the test clients send faster than real time). */
export function recognizerFor(emulator: Emulator) {
  return streamOptions(emulator);
}

/** Collects lines, and waits for a call's `end`. */
export class Lines {
  readonly all: ServeLine[] = [];
  readonly #waiters = new Map<string, () => void>();

  readonly push = (line: ServeLine): void => {
    this.all.push(line);
    if (line.type === 'end') this.#waiters.get(line.call)?.();
  };

  of(call: string): ServeLine[] {
    return this.all.filter((l) => 'call' in l && l.call === call);
  }

  finals(call: string, channelTag = '0'): string[] {
    return this.of(call).flatMap((l) => (l.type === 'final' && l.channelTag === channelTag ? [l.text] : []));
  }

  ended(call: string): Promise<void> {
    if (this.all.some((l) => l.type === 'end' && l.call === call)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.set(call, resolve));
  }

  errors(): ServeLine[] {
    return this.all.filter((l) => l.type === 'error');
  }
}

/** A WebSocket client that keeps every text reply; `closed` resolves with the close code. */
export function wsClient(url: string, protocol?: string, headers?: Record<string, string>) {
  const ws = new WebSocket(url, protocol === undefined ? [] : [protocol], headers ? { headers } : {});
  const replies: Record<string, unknown>[] = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) replies.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('error', () => undefined);
  return { ws, replies, opened, closed };
}

/** Sends `frames` in order, yielding to the event loop every `batch` frames so calls interleave. */
export async function sendAll(send: (frame: Buffer) => void, audio: Buffer, frameBytes: number, batch = 10): Promise<void> {
  for (let at = 0, n = 0; at < audio.length; at += frameBytes, n++) {
    send(audio.subarray(at, at + frameBytes));
    if (n % batch === batch - 1) await new Promise((resolve) => setImmediate(resolve));
  }
}
