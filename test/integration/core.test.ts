import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm, pcmToWav, type PcmSampleRate } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import type { SessionInfo } from '../../src/results.js';
import { finalsText, recognize, streamOptions, withEmulator } from '../helpers/emulator.js';

const rate: PcmSampleRate = 8000;
const digits = (utterances: string[], sampleRate: PcmSampleRate = rate) => dialledDigitsPcm(utterances, { sampleRate });

async function expectFailure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the stream to fail');
}

describe('core stream against the emulator', () => {
  it('reports finals with end of utterance, word times on the stream timeline, and the session ids', async () => {
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate }));
      const sessions: SessionInfo[] = [];
      stream.on('session', (s: SessionInfo) => sessions.push(s));
      const results = await recognize(stream, digits(['42', '7']));
      expect(finalsText(results)).toEqual(['42', '7']);
      const first = results.find((r) => r.final)!;
      expect(first.alternatives[0]!.words.map((w) => w.text)).toEqual(['4', '2']);
      // Default layout: 300 ms lead, 100 ms tones, 100 ms gaps.
      expect(first.startMs).toBeCloseTo(300, -1);
      expect(first.endMs).toBeCloseTo(600, -1);
      expect(sessions).toHaveLength(1);
      expect(sessions[0]!.requestId).toBe(emulator.sessions[0]!.requestId);
      expect(sessions[0]!.clientRequestId).toBe(emulator.sessions[0]!.clientRequestId);
      expect(sessions[0]!.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('sends exactly the written audio, in messages of exactly chunkMs but the last, whatever the write sizes', async () => {
    await withEmulator({}, async (emulator) => {
      const audio = digits(['159']);
      for (const writeBytes of [1, 333, 4096, audio.length]) {
        emulator.reset();
        const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, chunkMs: 40 }));
        const results = await recognize(stream, audio, writeBytes);
        expect(finalsText(results)).toEqual(['159']);
        const session = emulator.sessions[0]!;
        expect(session.audio.equals(audio)).toBe(true);
        const sizes = session.messages.map((m) => m.bytes);
        expect(sizes.slice(0, -1).every((b) => b === 640)).toBe(true);
        expect(sizes.at(-1)).toBeGreaterThan(0);
        expect(sizes.at(-1)).toBeLessThanOrEqual(640);
      }
    });
  });

  it('recognizes a WAV at 48 kHz and strips its header', async () => {
    await withEmulator({}, async (emulator) => {
      const pcm = digits(['90'], 48000);
      const results = await recognize(new RecognizeStream(streamOptions(emulator)), pcmToWav(pcm, 48000));
      expect(finalsText(results)).toEqual(['90']);
      expect(emulator.sessions[0]!.audio.equals(pcm)).toBe(true);
    });
  });

  it('sends partial results only when asked, and numbers as words with rawResults', async () => {
    await withEmulator({}, async (emulator) => {
      const plain = await recognize(new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate })), digits(['123']));
      expect(plain.every((r) => r.final)).toBe(true);
      const raw = await recognize(
        new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, partialResults: true, rawResults: true })),
        digits(['123']),
      );
      expect(raw.some((r) => r.type === 'partial' && !r.final)).toBe(true);
      expect(finalsText(raw)).toEqual(['one two three']);
      expect(emulator.sessions[1]!.config).toMatchObject({ partialResults: true, rawResults: true });
    });
  });

  it('with singleUtterance ends after the first utterance and ignores later audio', async () => {
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, singleUtterance: true }));
      const results = await recognize(stream, digits(['11', '22', '33']));
      expect(finalsText(results)).toEqual(['11']);
      expect(emulator.sessions).toHaveLength(1);
      expect(emulator.sessions[0]!.halfClosed).toBe(true);
    });
  });

  it('accepts a writer that writes one byte at a time', async () => {
    await withEmulator({}, async (emulator) => {
      const audio = digits(['8']);
      const wav = pcmToWav(audio, rate);
      const results = await recognize(new RecognizeStream(streamOptions(emulator)), wav, 1);
      expect(finalsText(results)).toEqual(['8']);
      expect(emulator.sessions[0]!.audio.equals(audio)).toBe(true);
    });
  });

  it('fails with UNAUTHENTICATED for a wrong token, and never shows the token', async () => {
    await withEmulator({}, async (emulator) => {
      const secret = 'wrong-token-0123456789-secret';
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, auth: { iamToken: secret }, retry: { retries: 3 } }));
      const events: unknown[] = [];
      for (const name of ['session', 'retry', 'rollover']) stream.on(name, (e) => events.push(e));
      const error = await expectFailure(recognize(stream, digits(['1'])));
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_UNAUTHENTICATED', grpcCode: 16, grpcStatus: 'UNAUTHENTICATED', session: 0 });
      expect(emulator.sessions).toHaveLength(1); // fails fast: no retry
      const everything = JSON.stringify([error, String(error), (error as { stack?: string }).stack, events]);
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(secret.slice(0, 8));
    });
  });

  it('fails with INVALID_ARGUMENT and the service details for settings the service rejects', async () => {
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, model: 'no-such-model' }));
      const error = await expectFailure(recognize(stream, digits(['1'])));
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_ARGUMENT', grpcCode: 3 });
      expect(String(error.details)).toMatch(/model/);
      expect(emulator.sessions).toHaveLength(1);
    });
  });

  it('fails with a clear error for something that is not audio, and for PCM without a rate', async () => {
    await withEmulator({}, async (emulator) => {
      const notAudio = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate }));
      const e1 = await expectFailure(pipeline(Readable.from(['text'], { objectMode: true }), notAudio, new Writable({ objectMode: true, write: (_c, _e, cb) => cb() })));
      expect(e1).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_AUDIO' });
      expect(String(e1.message)).toMatch(/Buffer or Uint8Array; got string/);
      const noRate = new RecognizeStream(streamOptions(emulator));
      const e2 = await expectFailure(recognize(noRate, digits(['1'])));
      expect(String(e2.message)).toMatch(/sampleRateHertz/);
      expect(emulator.sessions).toHaveLength(0);
    });
  });

  it('applies backpressure: a reader that stops reading stops the writer, with bounded memory', async () => {
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, pace: 8, readableHighWaterMark: 2, maxBufferedMs: 500 }));
      const expected = Array.from({ length: 20 }, (_, i) => String(i % 10));
      const audio = dialledDigitsPcm(expected, { sampleRate: rate, toneMs: 60, toneGapMs: 60, utteranceGapMs: 700 });
      let written = 0;
      const writer = (async () => {
        for (let at = 0; at < audio.length; at += 800) {
          if (!stream.write(audio.subarray(at, at + 800))) await new Promise((resolve) => stream.once('drain', resolve));
          written += 800;
        }
        stream.end();
      })();
      // Read nothing: once a couple of results wait unread, audio stops and then so does the writer.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const sentThen = emulator.sessions[0]!.audio.length;
      const writtenThen = written;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(written).toBe(writtenThen);
      // Keep-alive silence may go out meanwhile, but no more than a frame per second of it.
      expect(emulator.sessions[0]!.audio.length - sentThen).toBeLessThanOrEqual(1600);
      expect(written).toBeLessThan(audio.length / 2);
      // Now read: everything flows and every utterance comes out, in order.
      const results: RecognitionResult[] = [];
      for await (const r of stream) results.push(r as RecognitionResult);
      await writer;
      expect(finalsText(results)).toEqual(expected);
    });
  });

  it('aborts through its signal: the call is cancelled and the error is an AbortError', async () => {
    await withEmulator({}, async (emulator) => {
      const controller = new AbortController();
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, pace: 1, signal: controller.signal }));
      stream.on('session', () => setTimeout(() => controller.abort(), 50));
      const error = await expectFailure(recognize(stream, digits(['123456'])));
      expect(error).toMatchObject({ code: 'SPEECHKIT_ERR_ABORTED', name: 'AbortError' });
      const session = emulator.sessions[0]!;
      await session.ended;
      expect(session.status?.name).toBe('CANCELLED');
    });
  });

  it('destroy() cancels the call and leaves no timers or sockets behind', async () => {
    const before = new Set(process.getActiveResourcesInfo());
    const countOf = (list: string[], kind: string) => list.filter((k) => k === kind).length;
    const baseline = { timeouts: countOf([...before], 'Timeout'), tcp: countOf(process.getActiveResourcesInfo(), 'TCPWRAP') };
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, pace: 1 }));
      stream.resume();
      stream.write(digits(['1234']));
      await new Promise((resolve) => stream.once('session', resolve));
      stream.destroy();
      await emulator.sessions[0]!.ended;
      expect(emulator.sessions[0]!.status?.name).toBe('CANCELLED');
    });
    // Give the channel its linger time to close.
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    const after = process.getActiveResourcesInfo();
    expect(countOf(after, 'TCPWRAP')).toBeLessThanOrEqual(baseline.tcp);
    expect(countOf(after, 'Timeout')).toBeLessThanOrEqual(baseline.timeouts);
  });
});
