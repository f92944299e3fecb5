import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { ErrorCodes, type SpeechKitError } from '../../src/errors.js';
import { RecognizeStream, type RolloverEvent } from '../../src/recognize-stream.js';
import type { SeamEvent } from '../../src/session/seam.js';
import { seededRandom } from '../helpers/dialled.js';
import { finalsText, recognize, streamOptions, withEmulator } from '../helpers/emulator.js';

const rate = 16_000;

/** About `totalMs` of 3–8 digit utterances, 80–150 ms between tones, 0.9–1.5 s pauses (issue 10, item 1). */
function digits(seed: number, totalMs: number) {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const utterances: string[] = [];
  const pieces: Buffer[] = [Buffer.alloc((rate / 1000) * 300 * 2)];
  let ms = 300;
  while (ms < totalMs) {
    const text = Array.from({ length: between(3, 8) }, () => String(between(0, 9))).join('');
    const pcm = dialledDigitsPcm([text], { sampleRate: rate, toneGapMs: between(80, 150), leadMs: 0, trailMs: between(900, 1_500) });
    utterances.push(text);
    pieces.push(pcm);
    ms += pcm.length / 2 / (rate / 1000);
  }
  pieces.push(Buffer.alloc((rate / 1000) * 1_000 * 2));
  return { utterances, pcm: Buffer.concat(pieces) };
}

describe('the gate against the emulator on loopback', () => {
  it('v2 finals without word times, 4 s sessions, pace 1: hard cuts inside utterances repeat nothing and lose nothing', async () => {
    await withEmulator({ profile: { wordTimes: false, finalLatencyMs: [0, 1_500] } }, async (emulator) => {
      const { utterances, pcm } = digits(10, 15_000);
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate, pace: 1, sessionLimits: { maxAudioMs: 4_000 }, startLimiter: false }));
      const rollovers: RolloverEvent[] = [];
      const seams: SeamEvent[] = [];
      stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
      stream.on('seam', (e: SeamEvent) => seams.push(e));
      const results = await recognize(stream, pcm);
      expect(results.filter((r) => r.final).every((r) => r.startMs === undefined)).toBe(true);
      expect(finalsText(results)).toEqual(utterances);
      expect(seams).toEqual([]);
      expect(rollovers.some((r) => r.reason === 'limit')).toBe(true);
    });
  }, 60_000);

  it('a final timed an hour ahead (bogus-times) is a warning, and every later final still arrives', async () => {
    await withEmulator({}, async (emulator) => {
      const utterances = ['123', '4567', '89', '2580'];
      emulator.addFault({ action: 'bogus-times', afterAudioMs: 100 });
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: rate }));
      const warnings: SpeechKitError[] = [];
      stream.on('warning', (w: SpeechKitError) => warnings.push(w));
      const results = await recognize(stream, dialledDigitsPcm(utterances, { sampleRate: rate }));
      expect(finalsText(results)).toEqual(utterances);
      expect(warnings.map((w) => w.code)).toEqual([ErrorCodes.RESULT_TIMES]);
      expect(emulator.sessions[0]!.faults).toEqual(['bogus-times']);
    });
  });
});
