import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { ErrorCodes, SpeechKitError } from '../../src/errors.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { streamOptions, withEmulator } from '../helpers/emulator.js';

describe('write after end()', () => {
  it('is a SpeechKitError of its own, and the audio written before end() is still recognized', async () => {
    await withEmulator({}, async (emulator) => {
      const pcm = dialledDigitsPcm(['123', '4567'], { sampleRate: 16000 });
      const stream = new RecognizeStream(streamOptions(emulator, { sampleRateHertz: 16000 }));
      const results: RecognitionResult[] = [];
      const errors: Error[] = [];
      const warnings: unknown[] = [];
      stream.on('data', (r: RecognitionResult) => results.push(r));
      stream.on('error', (e: Error) => errors.push(e));
      stream.on('warning', (w: unknown) => warnings.push(w));
      const ended = new Promise<void>((resolve) => stream.on('end', resolve));
      stream.write(pcm);
      stream.end();
      const callbackError = await new Promise<Error | null | undefined>((resolve) => {
        stream.write(Buffer.alloc(3200), (error) => resolve(error));
      });
      expect(callbackError).toBeInstanceOf(SpeechKitError);
      expect((callbackError as SpeechKitError).code).toBe(ErrorCodes.WRITE_AFTER_END);
      expect(warnings).toHaveLength(1);
      expect((warnings[0] as SpeechKitError).code).toBe(ErrorCodes.WRITE_AFTER_END);
      await ended;
      expect(errors).toEqual([]);
      expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(['123', '4567']);
    });
  });
});
