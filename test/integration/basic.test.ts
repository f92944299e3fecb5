import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm, pcmToWav } from '../../src/emulator/index.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { finalsText, recognize, streamOptions, withEmulator } from '../helpers/emulator.js';

describe('recognition over real gRPC', () => {
  it('recognizes dialled digits from a WAV, with partials, finals and end of utterance', async () => {
    await withEmulator({}, async (emulator) => {
      const wav = pcmToWav(dialledDigitsPcm(['123', '4567'], { sampleRate: 16000 }), 16000);
      const stream = new RecognizeStream(streamOptions(emulator, { partialResults: true }));
      const results = await recognize(stream, wav);
      expect(finalsText(results)).toEqual(['123', '4567']);
      expect(results.some((r) => !r.final)).toBe(true);
      expect(results.filter((r) => r.final).every((r) => r.endOfUtterance)).toBe(true);
      expect(emulator.sessions).toHaveLength(1);
      expect(emulator.sessions[0]!.config).toMatchObject({ audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 16000 });
    });
  });
});
