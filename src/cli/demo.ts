import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createRecognizeStream, type RecognitionResult } from '../index.js';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN, pcmToWav, startEmulator } from '../emulator/index.js';
import { formatResult } from './print.js';

/** The digits the demo dials: three utterances, as a caller keying in an account number. */
export const DEMO_UTTERANCES = ['2026', '1121', '4095'];

export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { pace: { type: 'string', default: '2' }, json: { type: 'boolean', default: false } } });
  const emulator = await startEmulator();
  try {
    const wav = pcmToWav(dialledDigitsPcm(DEMO_UTTERANCES, { sampleRate: 16000 }), 16000);
    console.log(`Emulator on ${emulator.address}. Dialling ${DEMO_UTTERANCES.join(' / ')} as 16 kHz WAV (${(wav.length / 32000).toFixed(1)} s of audio, pace ${values.pace})…`);
    const recognizer = createRecognizeStream({
      endpoint: emulator.address,
      tls: false,
      auth: { iamToken: EMULATOR_IAM_TOKEN },
      partialResults: true,
      pace: Number(values.pace),
    });
    const finals: string[] = [];
    await pipeline(Readable.from([wav]), recognizer, async (results: AsyncIterable<RecognitionResult>) => {
      for await (const result of results) {
        console.log(formatResult(result, values.json));
        if (result.final) finals.push(result.text);
      }
    });
    const ok = finals.join(' ') === DEMO_UTTERANCES.join(' ');
    console.log(ok ? `Recognized: ${finals.join(' ')}` : `Expected ${DEMO_UTTERANCES.join(' ')} but got ${finals.join(' ') || '(nothing)'}`);
    return ok ? 0 : 1;
  } finally {
    await emulator.close();
  }
}
