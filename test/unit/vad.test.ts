import { describe, expect, it } from 'vitest';
import { resolveVoiceActivity, VoiceActivityDetector, type VoiceActivityEvent } from '../../src/audio/vad.js';
import { Deinterleaver } from '../../src/audio/deinterleave.js';
import { seededRandom } from '../helpers/dialled.js';

const rate = 8000;
/** ms of a square wave at `amplitude` (full scale 32767), or silence. */
const tone = (ms: number, amplitude: number) => {
  const b = Buffer.alloc((rate * ms) / 1000 * 2);
  for (let i = 0; i < b.length / 2; i++) b.writeInt16LE(i % 2 === 0 ? amplitude : -amplitude, i * 2);
  return b;
};
const quiet = (ms: number) => tone(ms, 0);
const loud = (ms: number) => tone(ms, 3_000); // about −21 dBFS

function run(audio: Buffer, options: object = {}, frameMs = 20): VoiceActivityEvent[] {
  const events: VoiceActivityEvent[] = [];
  const vad = new VoiceActivityDetector(resolveVoiceActivity({ ...options })!, (e) => events.push(e));
  const bytes = (rate * frameMs) / 1000 * 2;
  for (let at = 0; at < audio.length; at += bytes) vad.pcm(audio.subarray(at, at + bytes), rate, (at / 2 / rate) * 1000);
  vad.flush();
  return events;
}

describe('voice-activity detector', () => {
  it('one turn per utterance: start at the first voice, end at the last, after the hangover', () => {
    const audio = Buffer.concat([quiet(500), loud(300), quiet(200), loud(300), quiet(1_000), loud(200), quiet(1_000)]);
    expect(run(audio)).toEqual([
      { type: 'speechStart', atMs: 500 },
      { type: 'speechEnd', atMs: 1_300 },
      { type: 'speechStart', atMs: 2_300 },
      { type: 'speechEnd', atMs: 2_500 },
    ]);
  });

  it('a click shorter than minSpeechMs is no turn; a pause shorter than hangoverMs splits none', () => {
    expect(run(Buffer.concat([quiet(200), loud(40), quiet(1_000)]))).toEqual([]);
    expect(run(Buffer.concat([quiet(200), loud(100), quiet(350), loud(100), quiet(1_000)]), { hangoverMs: 400 })).toHaveLength(2);
    expect(run(Buffer.concat([quiet(200), loud(100), quiet(350), loud(100), quiet(1_000)]), { hangoverMs: 300 })).toHaveLength(4);
  });

  it('the threshold is in dBFS: a −30 dBFS tone is voice at −40, not at −25', () => {
    const amplitude = Math.round(32768 * 10 ** (-30 / 20));
    const audio = Buffer.concat([quiet(100), tone(300, amplitude), quiet(600)]);
    expect(run(audio, { thresholdDb: -40 })).toHaveLength(2);
    expect(run(audio, { thresholdDb: -25 })).toEqual([]);
  });

  it('noInput once per quiet stretch of noInputMs, counted from the start and from each speechEnd', () => {
    const audio = Buffer.concat([quiet(2_500), loud(200), quiet(2_500)]);
    expect(run(audio, { noInputMs: 1_000 })).toEqual([
      { type: 'noInput', atMs: 1_000 },
      { type: 'speechStart', atMs: 2_500 },
      { type: 'speechEnd', atMs: 2_700 },
      { type: 'noInput', atMs: 3_700 },
    ]);
  });

  it('the same events whatever the frame size (audio time, not calls), and audio heard again is ignored', () => {
    const random = seededRandom(3);
    const parts: Buffer[] = [];
    for (let i = 0; i < 40; i++) parts.push(random() < 0.5 ? quiet(Math.round(random() * 60) * 10) : loud(Math.round(random() * 60) * 10 + 10));
    const audio = Buffer.concat(parts);
    const reference = run(audio, { noInputMs: 700 }, 10);
    expect(reference.length).toBeGreaterThan(4);
    for (const frameMs of [20, 50, 100, 250]) expect(run(audio, { noInputMs: 700 }, frameMs)).toEqual(reference);
    // A replay (a new session hearing the same frames) tells nothing twice.
    const events: VoiceActivityEvent[] = [];
    const vad = new VoiceActivityDetector(resolveVoiceActivity(true)!, (e) => events.push(e));
    vad.pcm(Buffer.concat([quiet(100), loud(300)]), rate, 0);
    vad.pcm(Buffer.concat([quiet(100), loud(300)]), rate, 0);
    expect(events).toEqual([{ type: 'speechStart', atMs: 100 }]);
  });

  it('rejects bad options by name', () => {
    expect(() => resolveVoiceActivity({ thresholdDb: 3 })).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option: 'voiceActivity.thresholdDb' }));
    expect(() => resolveVoiceActivity({ hangover: 3 })).toThrow(expect.objectContaining({ option: 'voiceActivity.hangover' }));
    expect(() => resolveVoiceActivity('yes')).toThrow(expect.objectContaining({ option: 'voiceActivity' }));
    expect(resolveVoiceActivity(false)).toBeUndefined();
    expect(resolveVoiceActivity(true)).toEqual({ thresholdDb: -40, minSpeechMs: 60, hangoverMs: 400, noInputMs: undefined });
  });
});

describe('deinterleaver', () => {
  it('splits 16-bit and 8-bit samples across writes cut anywhere', () => {
    for (const sampleBytes of [1, 2] as const) {
      const channels = 3;
      const data = Buffer.from(Array.from({ length: 3 * sampleBytes * 50 }, (_, i) => i % 251));
      const split = new Deinterleaver(channels, sampleBytes);
      const random = seededRandom(sampleBytes);
      const out: Buffer[][] = [[], [], []];
      for (let at = 0; at < data.length;) {
        const n = 1 + Math.floor(random() * 17);
        split.push(data.subarray(at, at + n)).forEach((b, c) => out[c]!.push(b));
        at += n;
      }
      expect(split.carryBytes).toBe(0);
      for (let c = 0; c < channels; c++) {
        const expected: number[] = [];
        for (let s = 0; s < 50; s++) for (let k = 0; k < sampleBytes; k++) expected.push(data[(s * channels + c) * sampleBytes + k]!);
        expect([...Buffer.concat(out[c]!)]).toEqual(expected);
      }
    }
  });
});
