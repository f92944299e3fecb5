// @ts-check
// Calls for the metrics to watch: dialled digits recognized on the emulator, one session of each
// round failing (a retry that replays), every call rolling over on short sessions.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRecognizeStream } from 'speechkit-stream';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN } from 'speechkit-stream/emulator';

const SAMPLE_RATE = 8000;

/**
 * Recognizes `count` calls at once on `emulator`; the first session to start fails with
 * UNAVAILABLE after 1 s of audio, so its stream retries. Resolves with the finals of each call.
 *
 * @param {{ emulator: import('speechkit-stream/emulator').Emulator, count?: number, pace?: number, utterances?: string[] }} options
 */
export async function runCalls({ emulator, count = 4, pace = 1, utterances = ['123', '456', '789'] }) {
  const audio = dialledDigitsPcm(utterances, { sampleRate: SAMPLE_RATE });
  emulator.addFault({ action: 'fail', status: 'UNAVAILABLE', afterAudioMs: 1_000 });
  return Promise.all(Array.from({ length: count }, async () => {
    const stream = createRecognizeStream({
      endpoint: emulator.address,
      tls: false,
      auth: { iamToken: EMULATOR_IAM_TOKEN },
      sampleRateHertz: SAMPLE_RATE,
      partialResults: true,
      pace,
      // Short sessions, so that a short demo call rolls over too (SpeechKit's own limit is 5 minutes).
      sessionLimits: { maxAudioMs: 3_000 },
      retry: { minDelayMs: 50, maxDelayMs: 200 },
    });
    /** @type {string[]} */
    const finals = [];
    await pipeline(Readable.from([audio]), stream, async (/** @type {AsyncIterable<import('speechkit-stream').RecognitionResult>} */ results) => {
      for await (const result of results) if (result.final) finals.push(result.text);
    });
    return finals;
  }));
}
