import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dialledDigitsLayout, dialledDigitsPcm, type PcmSampleRate } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult, SessionInfo, StatusEvent } from '../../src/results.js';
import { recognize, streamOptions, withEmulator } from '../helpers/emulator.js';
import { asWords, expectExactV3 } from '../helpers/v3-results.js';

const rate: PcmSampleRate = 8000;
const digits = (utterances: string[], layout = {}) => dialledDigitsPcm(utterances, { sampleRate: rate, ...layout });
const summary = (results: RecognitionResult[]) => results.filter((r) => r.type !== 'partial').map((r) => `${r.type}:${r.text}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects a stream's results while the test writes to it by hand. */
function collect(stream: RecognizeStream): { results: RecognitionResult[]; done: Promise<void> } {
  const results: RecognitionResult[] = [];
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (r: RecognitionResult) => results.push(r));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return { results, done };
}

describe('API v3 against the emulator', () => {
  it('gives raw finals, their refinements and ends of utterance, with word times on the stream timeline', async () => {
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, folderId: 'b1gfolder' }));
      const sessions: SessionInfo[] = [];
      stream.on('session', (s: SessionInfo) => sessions.push(s));
      const results = await recognize(stream, digits(['42', '7']));
      expect(summary(results)).toEqual(['final:four two', 'refinement:42', 'endOfUtterance:', 'final:seven', 'refinement:7', 'endOfUtterance:']);
      expectExactV3(results, ['42', '7']);
      expect(results.some((r) => r.type === 'partial')).toBe(false);
      const layout = dialledDigitsLayout(['42', '7'], { sampleRate: rate });
      const first = results.find((r) => r.type === 'final')!;
      expect(first.alternatives[0]!.words.map((w) => [w.text, w.startMs, w.endMs])).toEqual([
        ['four', layout.tones[0]!.startMs, layout.tones[0]!.endMs],
        ['two', layout.tones[1]!.startMs, layout.tones[1]!.endMs],
      ]);
      expect(first).toMatchObject({ startMs: layout.tones[0]!.startMs, endMs: layout.tones[1]!.endMs, channelTag: '0', session: 0 });
      // The end of utterance sits after the tone and the emulator's 600 ms pause.
      expect(results.find((r) => r.type === 'endOfUtterance')!.endMs).toBe(layout.tones[1]!.endMs + 600);
      expect(sessions[0]!.requestId).toBe(emulator.sessions[0]!.requestId);
      expect(emulator.sessions[0]).toMatchObject({ api: 'v3', folderId: 'b1gfolder', v3Options: { textNormalization: true } });
    });
  });

  it('passes partials only when asked, and rawResults turns normalization off', async () => {
    await withEmulator({}, async (emulator) => {
      const withPartials = await recognize(new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, partialResults: true })), digits(['123']));
      expect(withPartials.filter((r) => r.type === 'partial').map((r) => r.text)).toContain('one two');
      const raw = await recognize(new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, rawResults: true })), digits(['123']));
      expect(summary(raw)).toEqual(['final:one two three', 'endOfUtterance:']);
      expect(emulator.sessions[1]!.v3Options!.textNormalization).toBe(false);
    });
  });

  it('ends utterances where the application says with the external classifier, exactly at the written sample', async () => {
    // 300 ms between groups: one utterance to the service's own classifier.
    const groups = ['12', '34', '56'].map((g, i) => digits([g], { leadMs: i === 0 ? 300 : 0, trailMs: 300 }));
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, eouClassifier: 'external', pace: 4 }));
      const { results, done } = collect(stream);
      // Written in odd-sized pieces, so the marks fall inside frames.
      for (const group of groups) {
        for (let at = 0; at < group.length; at += 1234) stream.write(group.subarray(at, at + 1234));
        stream.markEndOfUtterance();
      }
      stream.end();
      await done;
      expectExactV3(results, ['12', '34', '56']);
      const ends = groups.map((_, i) => groups.slice(0, i + 1).reduce((n, g) => n + g.length, 0) / 16);
      expect(emulator.sessions[0]!.eouMessages.map((e) => e.audioMs)).toEqual(ends);
      expect(results.filter((r) => r.type === 'endOfUtterance').map((r) => r.endMs)).toEqual(ends);
      const together = await recognize(new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate })), Buffer.concat(groups));
      expect(summary(together).filter((s) => s.startsWith('final'))).toEqual([`final:${asWords('123456')}`]);
    });
  });

  it('keeps a paused live session alive with silence_chunk keep-alives the service counts as time, not bytes', async () => {
    // The emulator ends a session after 700 ms without a message; the stream keeps it alive every 200 ms.
    await withEmulator({ limits: { idleMs: 700 }, statusEveryMs: 100 }, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, pace: 1, idle: { afterMs: 200 } }));
      const statuses: StatusEvent[] = [];
      stream.on('status', (s: StatusEvent) => statuses.push(s));
      const { results, done } = collect(stream);
      const first = digits(['9'], { trailMs: 700 });
      const second = digits(['8'], { leadMs: 100 });
      stream.write(first);
      await sleep(first.length / 16 + 1_500);
      stream.end(second);
      await done;
      expect(summary(results)).toEqual(['final:nine', 'refinement:9', 'endOfUtterance:', 'final:eight', 'refinement:8', 'endOfUtterance:']);
      const session = emulator.sessions[0]!;
      expect(emulator.sessions).toHaveLength(1);
      expect(session.status?.name).toBe('OK');
      expect(session.silenceChunks.length).toBeGreaterThanOrEqual(3);
      expect(session.silenceChunks.every((c) => c.durationMs === 100)).toBe(true);
      expect(session.audio.equals(Buffer.concat([first, second]))).toBe(true);
      // The second digit is placed on the stream timeline, not the session's (which has the silence in it).
      const eight = results.find((r) => r.type === 'final' && r.text === 'eight')!;
      expect(eight.startMs).toBe(first.length / 16 + 100);
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((s) => s.code === 'WORKING' && s.session === 0)).toBe(true);
    });
  }, 20_000);

  it('compresses long pauses into silence_chunk durations with identical results', async () => {
    const utterances = ['2026', '11', '21', '4095', '7'];
    const pcm = digits(utterances, { utteranceGapMs: 2_500, trailMs: 2_000 });
    await withEmulator({}, async (emulator) => {
      const plain = await recognize(new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate })), pcm);
      const compressed = await recognize(new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, compressSilence: true })), pcm);
      const view = (results: RecognitionResult[]) => results.map((r) => [r.type, r.text, r.startMs, r.endMs]);
      expect(view(compressed)).toEqual(view(plain));
      expectExactV3(compressed, utterances);
      const [sent, saved] = [emulator.sessions[1]!, emulator.sessions[1]!.silenceChunks.reduce((n, c) => n + c.durationMs, 0)];
      expect(emulator.sessions[0]!.audio.length).toBe(pcm.length);
      expect(sent.audio.length + saved * 16).toBe(pcm.length);
      expect(saved).toBeGreaterThan(4 * 1_900);
    });
  });

  it('singleUtterance: the first end of utterance ends the job', async () => {
    await withEmulator({}, async (emulator) => {
      const results = await recognize(new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, singleUtterance: true })), digits(['5', '6']));
      expect(summary(results)).toEqual(['final:five', 'refinement:5', 'endOfUtterance:']);
      expect(emulator.sessions[0]!.halfClosed).toBe(true);
    });
  });

  it('fails with INVALID_ARGUMENT when the service refuses the settings', async () => {
    await withEmulator({}, async (emulator) => {
      const stream = new RecognizeStream(streamOptions(emulator, { api: 'v3', sampleRateHertz: rate, model: 'nonexistent' }));
      const sink = new Writable({ objectMode: true, write: (_r, _e, cb) => cb() });
      stream.pipe(sink);
      const failed = new Promise<unknown>((resolve) => stream.on('error', resolve));
      stream.end(digits(['1']));
      expect(await failed).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_ARGUMENT', details: expect.stringMatching(/model/) });
    });
  });
});
