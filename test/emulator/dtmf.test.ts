import { describe, expect, it } from 'vitest';
import { Linear16Decoder } from '../../src/emulator/audio/linear16-decoder.js';
import { DtmfDetector } from '../../src/emulator/recognition/dtmf-detector.js';
import { dtmfFrequencies } from '../../src/emulator/recognition/dtmf-keypad.js';
import {
  DTMF_SYMBOLS,
  dialledDigitsLayout,
  dialledDigitsPcm,
  pcmToWav,
  SPEECH_PLACEHOLDER,
} from '../../src/emulator/index.js';
import { Recognizer, type RecognizerEvent } from '../../src/emulator/recognition/recognizer.js';
import { noisePcm, split } from './helpers.js';

const RATES = [8000, 16000, 48000] as const;

/** Feeds PCM bytes in the given messages through decoder + recognizer, as a session does. */
function recognize(rate: number, messages: Buffer[], timing = { eouSilenceMs: 600, partialEveryMs: 300 }): RecognizerEvent[] {
  const decoder = new Linear16Decoder(rate);
  const recognizer = new Recognizer({ sampleRate: rate, ...timing });
  const events: RecognizerEvent[] = [];
  for (const m of messages) events.push(...recognizer.push(decoder.push(m)));
  events.push(...recognizer.flush());
  return events;
}

function finalTexts(events: RecognizerEvent[]): string[] {
  return events.filter((e) => e.type === 'final').map((e) => e.tokens.map((t) => t.text).join(''));
}

function mix(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(Math.max(a.length, b.length));
  for (let i = 0; i + 1 < out.length; i += 2) {
    const v = (i < a.length ? a.readInt16LE(i) : 0) + (i < b.length ? b.readInt16LE(i) : 0);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i);
  }
  return out;
}

describe('DTMF detection', () => {
  it.each(RATES)('recognizes all 16 symbols at %i Hz, one per utterance, with exact times', (rate) => {
    const utterances = DTMF_SYMBOLS.map((s) => s);
    const pcm = dialledDigitsPcm(utterances, { sampleRate: rate, utteranceGapMs: 700, trailMs: 700 });
    const events = recognize(rate, [pcm]);
    expect(finalTexts(events)).toEqual(DTMF_SYMBOLS);
    const layout = dialledDigitsLayout(utterances, { sampleRate: rate, utteranceGapMs: 700, trailMs: 700 });
    const tokens = events.filter((e) => e.type === 'final').flatMap((e) => e.tokens);
    expect(tokens.map((t) => [t.startMs, t.endMs])).toEqual(layout.tones.map((t) => [t.startMs, t.endMs]));
  });

  it.each(RATES)('recognizes a whole keypad sequence in one utterance at %i Hz', (rate) => {
    const all = DTMF_SYMBOLS.join('');
    expect(finalTexts(recognize(rate, [dialledDigitsPcm([all], { sampleRate: rate })]))).toEqual([all]);
  });

  it('accepts lower-case a-d and reports them upper-case', () => {
    expect(finalTexts(recognize(8000, [dialledDigitsPcm(['abcd'], { sampleRate: 8000 })]))).toEqual(['ABCD']);
  });

  it.each(RATES)('sees no phantom digits at hard tone edges, odd timing and minimum gaps (%i Hz)', (rate) => {
    const opts = { sampleRate: rate, leadMs: 7, toneMs: 43, toneGapMs: 41, utteranceGapMs: 777, trailMs: 613 } as const;
    const utterances = ['1111', '9D#*', '05'];
    expect(finalTexts(recognize(rate, [dialledDigitsPcm(utterances, opts)]))).toEqual(utterances);
  });

  it('keeps detecting when the tones sit on steady background noise', () => {
    const pcm = dialledDigitsPcm(['159', '#'], { sampleRate: 16000 });
    const noisy = mix(pcm, noisePcm(pcm.length / 2, 100));
    expect(finalTexts(recognize(16000, [noisy]))).toEqual(['159', '#']);
  });

  it('ignores tones shorter than 25 ms (they count as sound, not digits)', () => {
    const pcm = dialledDigitsPcm(['1'], { sampleRate: 8000, toneMs: 20 });
    expect(finalTexts(recognize(8000, [pcm]))).toEqual([]);
  });

  it('turns non-tone sound into the placeholder, spanning the sound', () => {
    const pcm = Buffer.concat([Buffer.alloc(8000), noisePcm(4000, 6000), Buffer.alloc(16000)]);
    const events = recognize(8000, [pcm]);
    const finals = events.filter((e) => e.type === 'final');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.tokens).toEqual([{ text: SPEECH_PLACEHOLDER, kind: 'speech', startMs: 500, endMs: 1000 }]);
    expect(events.some((e) => e.type === 'partial')).toBe(false);
  });

  it('ignores clicks and silence', () => {
    const pcm = Buffer.alloc(16000 * 2);
    pcm.writeInt16LE(30000, 8000);
    expect(recognize(16000, [pcm])).toEqual([]);
  });

  it('gives identical events for any message split, including 1 byte and odd sizes', () => {
    for (const rate of RATES) {
      const pcm = dialledDigitsPcm(['12', '3'], { sampleRate: rate, leadMs: 13, trailMs: 700 });
      const whole = recognize(rate, [pcm]);
      expect(finalTexts(whole)).toEqual(['12', '3']);
      const splits = [split(pcm, 1), split(pcm, 3, 1, 7), split(pcm, 333), split(pcm, (rate / 10) * 2)];
      for (const messages of splits) expect(recognize(rate, messages)).toEqual(whole);
    }
  });

  it('emits partials when a digit is found and every partialEveryMs of audio', () => {
    const pcm = dialledDigitsPcm(['12'], { sampleRate: 8000, leadMs: 0, toneMs: 100, toneGapMs: 400 });
    const events = recognize(8000, [pcm], { eouSilenceMs: 600, partialEveryMs: 200 });
    const view = events.map((e) => `${e.type}:${e.tokens.map((t) => t.text).join('')}`);
    // "1" ends at 100 ms and is reported at ~120 ms; periodic partials at 200, 400, 600 ms; "2" ends at
    // 600 ms and is reported at ~620 ms; periodic at 800, 1000 ms; 600 ms of silence end it at 1200 ms.
    expect(view).toEqual([
      'partial:1',
      'partial:1',
      'partial:1',
      'partial:1',
      'partial:12',
      'partial:12',
      'partial:12',
      'final:12',
    ]);
  });

  it('ends an utterance after eouSilenceMs of audio silence, not before', () => {
    const opts = { sampleRate: 8000, utteranceGapMs: 500, trailMs: 0 } as const;
    const pcm = dialledDigitsPcm(['1', '2'], opts);
    expect(finalTexts(recognize(8000, [pcm], { eouSilenceMs: 600, partialEveryMs: 300 }))).toEqual(['12']);
    expect(finalTexts(recognize(8000, [pcm], { eouSilenceMs: 400, partialEveryMs: 300 }))).toEqual(['1', '2']);
  });

  it('computes the complex single-bin DFT exactly (Goertzel with phase restored)', () => {
    // A window holding a pure 941 + 1633 Hz pair (the "D" key) must classify as D in every phase.
    for (let phase = 0; phase < 6; phase++) {
      const d = new DtmfDetector(8000, { silenceRms: 300 });
      const [lo, hi] = dtmfFrequencies('D');
      let tone;
      for (let b = 0; b < 12; b++) {
        const block = Array.from({ length: 80 }, (_, j) => {
          const t = (b * 80 + j) / 8000 + phase / 1000;
          return b < 8 ? 8000 * (Math.sin(2 * Math.PI * lo * t) + Math.sin(2 * Math.PI * hi * t)) : 0;
        });
        tone = d.analyzeBlock(block).tone ?? tone;
      }
      expect(tone).toEqual({ symbol: 'D', startMs: 0, endMs: 80 });
    }
  });
});

describe('test audio helpers', () => {
  it('lays out tones as documented', () => {
    const layout = dialledDigitsLayout(['12', '3'], { sampleRate: 8000 });
    expect(layout.tones).toEqual([
      { symbol: '1', utterance: 0, startMs: 300, endMs: 400 },
      { symbol: '2', utterance: 0, startMs: 500, endMs: 600 },
      { symbol: '3', utterance: 1, startMs: 1600, endMs: 1700 },
    ]);
    expect(layout.durationMs).toBe(2700);
    expect(dialledDigitsPcm(['12', '3'], { sampleRate: 8000 }).length).toBe(2700 * 8 * 2);
    expect(dialledDigitsPcm(['12', '3'], { sampleRate: 48000 }).length).toBe(2700 * 48 * 2);
  });

  it('respects amplitude and leaves silence at zero', () => {
    const pcm = dialledDigitsPcm(['5'], { sampleRate: 16000, amplitude: 0.25, leadMs: 10, trailMs: 10 });
    let peak = 0;
    for (let i = 0; i < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
    expect(peak).toBeLessThanOrEqual(Math.ceil(0.25 * 32767));
    expect(peak).toBeGreaterThan(0.2 * 32767);
    expect(pcm.readInt16LE(0)).toBe(0);
    expect(pcm.readInt16LE(pcm.length - 2)).toBe(0);
  });

  it('rejects bad input', () => {
    expect(() => dialledDigitsPcm(['12x'], { sampleRate: 8000 })).toThrow(RangeError);
    expect(() => dialledDigitsPcm([''], { sampleRate: 8000 })).toThrow(RangeError);
    expect(() => dialledDigitsPcm(['1'], { sampleRate: 44100 as 8000 })).toThrow(RangeError);
    expect(() => dialledDigitsPcm(['1'], { sampleRate: 8000, amplitude: 2 })).toThrow(RangeError);
    expect(() => dialledDigitsPcm(['1'], { sampleRate: 8000, toneMs: -1 })).toThrow(RangeError);
  });

  it('writes a canonical 44-byte WAV header', () => {
    const pcm = dialledDigitsPcm(['7'], { sampleRate: 16000, leadMs: 0, trailMs: 0 });
    const wav = pcmToWav(pcm, 16000);
    expect(wav.length).toBe(44 + pcm.length);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + pcm.length);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt32LE(28)).toBe(32000);
    expect(wav.readUInt16LE(32)).toBe(2);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(pcm.length);
    expect(wav.subarray(44).equals(pcm)).toBe(true);
    expect(() => pcmToWav(Buffer.alloc(3), 8000)).toThrow(RangeError);
  });
});
