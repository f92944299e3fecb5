import { describe, expect, it } from 'vitest';
import { dialledDigitsLayout, dialledDigitsPcm, startEmulator } from '../../src/emulator/index.js';
import {
  chunks,
  connect,
  durationMs,
  finals,
  noisePcm,
  openCall,
  PCM8K,
  runSession,
  sleep,
  split,
  splitMs,
  sharedEmulator,
} from './helpers.js';

const shared = sharedEmulator();

describe('v2 recognition over gRPC', () => {
  it.each([8000, 16000, 48000] as const)('returns one final per utterance with word times at %i Hz', async (rate) => {
    const utterances = ['123', '*0#', 'ABCD'];
    const pcm = dialledDigitsPcm(utterances, { sampleRate: rate });
    const out = await runSession(shared.emu, {
      spec: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: rate },
      chunks: splitMs(pcm, rate, 100),
    });
    expect(out.status.code).toBe(0);
    expect(chunks(out.responses)).toEqual(utterances.map((text) => ({ text, final: true, eou: true })));
    const layout = dialledDigitsLayout(utterances, { sampleRate: rate });
    const words = out.responses.flatMap((r) => r.chunks[0]!.alternatives[0]!.words);
    expect(words.map((w) => [w.word, durationMs(w.start_time), durationMs(w.end_time), w.confidence])).toEqual(
      layout.tones.map((t) => [t.symbol, t.startMs, t.endMs, 1]),
    );
    for (const r of out.responses) {
      expect(r.chunks).toHaveLength(1);
      expect(r.chunks[0]!.alternatives).toHaveLength(1);
      expect(r.chunks[0]!.alternatives[0]!.confidence).toBe(1);
    }
    expect(shared.emu.sessions[0]!.results).toEqual(utterances.map((text) => ({ text, final: true, endOfUtterance: true })));
  });

  it('gives identical results for 1-byte, odd-sized and 100 ms messages', async () => {
    const pcm = dialledDigitsPcm(['42', '7'], { sampleRate: 8000, leadMs: 50, toneMs: 60, toneGapMs: 50, utteranceGapMs: 650, trailMs: 650 });
    const spec = { ...PCM8K, partial_results: true };
    const reference = await runSession(shared.emu, { spec, chunks: [pcm] });
    expect(finals(reference.responses)).toEqual(['42', '7']);
    const splits = [split(pcm.subarray(0, 4001), 1).concat([pcm.subarray(4001)]), split(pcm, 1, 333, 77), splitMs(pcm, 8000, 100)];
    for (const messages of splits) {
      const out = await runSession(shared.emu, { spec, chunks: messages });
      expect(out.responses).toEqual(reference.responses);
    }
    for (const s of shared.emu.sessions) expect(s.audio.equals(pcm)).toBe(true);
    expect(shared.emu.sessions.map((s) => s.messages.length)).toEqual([1, 4002, split(pcm, 1, 333, 77).length, splitMs(pcm, 8000, 100).length]);
  });

  it('sends partials with the digits so far only when partial_results is set', async () => {
    const pcm = dialledDigitsPcm(['12'], { sampleRate: 16000, leadMs: 0, toneGapMs: 400 });
    const spec = { audio_encoding: 'LINEAR16_PCM' as const, sample_rate_hertz: 16000 };
    const withPartials = await runSession(shared.emu, { spec: { ...spec, partial_results: true }, chunks: splitMs(pcm, 16000, 50) });
    const view = chunks(withPartials.responses);
    expect(view.filter((c) => !c.final).every((c) => !c.eou && c.text.length > 0)).toBe(true);
    // "1" reported at ~120 ms, periodic at 300 and 600 ms, "2" at ~620 ms, periodic at 900 ms, final at 1200 ms.
    expect(view.map((c) => c.text)).toEqual(['1', '1', '1', '12', '12', '12']);
    expect(view.at(-1)).toEqual({ text: '12', final: true, eou: true });
    const partialWords = withPartials.responses[3]!.chunks[0]!.alternatives[0]!.words.map((w) => w.word);
    expect(partialWords).toEqual(['1', '2']);
    const without = await runSession(shared.emu, { spec, chunks: splitMs(pcm, 16000, 50) });
    expect(chunks(without.responses)).toEqual([{ text: '12', final: true, eou: true }]);
  });

  it('writes numbers as words with raw_results', async () => {
    const pcm = dialledDigitsPcm(['0123456789', '*#ABCD'], { sampleRate: 8000, toneMs: 50, toneGapMs: 50 });
    const out = await runSession(shared.emu, { spec: { ...PCM8K, raw_results: true }, chunks: splitMs(pcm, 8000, 100) });
    expect(finals(out.responses)).toEqual([
      'zero one two three four five six seven eight nine',
      'star hash A B C D',
    ]);
    expect(out.responses[1]!.chunks[0]!.alternatives[0]!.words.map((w) => w.word)).toEqual([
      'star',
      'hash',
      'A',
      'B',
      'C',
      'D',
    ]);
  });

  it('answers non-tone sound with the <speech> placeholder', async () => {
    const pcm = Buffer.concat([Buffer.alloc(3200), noisePcm(4000, 8000), Buffer.alloc(12800)]);
    const out = await runSession(shared.emu, { spec: { ...PCM8K, partial_results: true }, chunks: splitMs(pcm, 8000, 100) });
    expect(chunks(out.responses)).toEqual([{ text: '<speech>', final: true, eou: true }]);
    const word = out.responses[0]!.chunks[0]!.alternatives[0]!.words[0]!;
    expect([word.word, durationMs(word.start_time), durationMs(word.end_time)]).toEqual(['<speech>', 200, 700]);
  });

  it('flushes the open utterance when the client half-closes', async () => {
    const pcm = dialledDigitsPcm(['98'], { sampleRate: 8000, trailMs: 100 });
    const out = await runSession(shared.emu, { spec: PCM8K, chunks: [pcm] });
    expect(chunks(out.responses)).toEqual([{ text: '98', final: true, eou: true }]);
    expect(out.status.code).toBe(0);
    expect(shared.emu.sessions[0]!.halfClosed).toBe(true);
    expect(shared.emu.sessions[0]!.status).toEqual({ code: 0, name: 'OK', details: 'OK' });
  });

  it('a half-close with nothing open finishes OK without a result', async () => {
    const out = await runSession(shared.emu, { spec: PCM8K, chunks: [Buffer.alloc(1600)] });
    expect(out.responses).toEqual([]);
    expect(out.status.code).toBe(0);
  });

  it('with single_utterance stops after the first utterance and waits for the client', async () => {
    const pcm = dialledDigitsPcm(['12', '34'], { sampleRate: 8000 });
    const open = openCall(connect(shared.emu));
    await open.write({ config: { specification: { ...PCM8K, single_utterance: true, partial_results: true } } });
    for (const c of splitMs(pcm, 8000, 100)) await open.write({ audio_content: c });
    await sleep(50);
    expect(shared.emu.sessions[0]!.status).toBeUndefined();
    expect(finals(open.responses)).toEqual(['12']);
    const count = open.responses.length;
    await open.write({ audio_content: pcm });
    open.end();
    expect((await open.status).code).toBe(0);
    expect(open.responses).toHaveLength(count);
    expect(chunks(open.responses).at(-1)).toEqual({ text: '12', final: true, eou: true });
    expect(shared.emu.sessions[0]!.audio.length).toBe(pcm.length * 2);
  });

  it('accepts OGG_OPUS bytes without recognizing them (yet)', async () => {
    const bytes = Buffer.from('OggS fake opus bytes');
    const out = await runSession(shared.emu, { spec: { audio_encoding: 'OGG_OPUS' }, chunks: [bytes, bytes] });
    expect(out.status.code).toBe(0);
    expect(out.responses).toEqual([]);
    const s = shared.emu.sessions[0]!;
    expect(s.audio.equals(Buffer.concat([bytes, bytes]))).toBe(true);
    expect(s.audioMs).toBe(0);
    expect(s.config?.audioEncoding).toBe('OGG_OPUS');
  });

  it('keeps response order with responseDelayMs', async () => {
    const slow = await startEmulator({ responseDelayMs: 150 });
    try {
      const pcm = dialledDigitsPcm(['1', '2', '3'], { sampleRate: 8000, utteranceGapMs: 650, trailMs: 650 });
      const open = openCall(connect(slow));
      await open.write({ config: { specification: { ...PCM8K, partial_results: true } } });
      const sentAt = performance.now();
      await open.write({ audio_content: pcm });
      await sleep(60);
      expect(open.responses).toEqual([]);
      open.end();
      const status = await open.status;
      expect(status.code).toBe(0);
      expect(performance.now() - sentAt).toBeGreaterThanOrEqual(140);
      expect(finals(open.responses)).toEqual(['1', '2', '3']);
      const texts = chunks(open.responses).map((c) => c.text);
      expect(texts).toEqual(['1', '1', '1', '1', '2', '2', '2', '2', '3', '3', '3', '3']);
    } finally {
      await slow.close();
    }
  });
});
