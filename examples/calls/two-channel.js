// @ts-check
// A two-channel call against a local emulator: a stereo WAV with a caller and an agent dialling
// different digits, recognized per channel, with turn-taking events and finalize().
//
//   npm run build
//   node examples/calls/two-channel.js
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createMultiChannelStream, createRecognizeStream } from 'speechkit-stream';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN, startEmulator } from 'speechkit-stream/emulator';

const rate = 8000;
const emulator = await startEmulator({});
const connection = { endpoint: emulator.address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN } };

// The recording: the caller dials 12 and 345, the agent 6 and 78, on their own channels.
const caller = dialledDigitsPcm(['12', '345'], { sampleRate: rate });
const agent = dialledDigitsPcm(['6', '78'], { sampleRate: rate, leadMs: 1_200 });
const wav = stereoWav(caller, agent, rate);

const stream = createMultiChannelStream({ ...connection, pace: 4, channelNames: ['caller', 'agent'], voiceActivity: true });
stream.on('speechStart', (e) => console.log(`  ${e.channelName} starts talking at ${e.atMs} ms`));
stream.on('speechEnd', (e) => console.log(`  ${e.channelName} stops at ${e.atMs} ms`));
await pipeline(Readable.from([wav]), stream, async (results) => {
  for await (const r of results) if (r.final) console.log(`${r.channelName}: ${r.text} (${r.startMs}–${r.endMs} ms)`);
});

// finalize(): the final now, without waiting for the service's own end of utterance.
const live = createRecognizeStream({ ...connection, sampleRateHertz: rate });
live.on('data', (r) => r.final && console.log(`live: ${r.text}`));
live.write(dialledDigitsPcm(['90'], { sampleRate: rate, trailMs: 100 }));
const t0 = performance.now();
await live.finalize();
console.log(`finalize() resolved after ${(performance.now() - t0).toFixed(0)} ms (audio sent at real time included)`);
live.end();
await new Promise((resolve) => live.on('end', resolve));
await emulator.close();

/** Interleaves two 16-bit mono buffers under a WAV header. */
function stereoWav(/** @type {Buffer} */ left, /** @type {Buffer} */ right, /** @type {number} */ sampleRate) {
  const samples = Math.max(left.length, right.length) / 2;
  const data = Buffer.alloc(samples * 4);
  for (let i = 0; i < samples; i++) {
    if (i * 2 < left.length) data.writeInt16LE(left.readInt16LE(i * 2), i * 4);
    if (i * 2 < right.length) data.writeInt16LE(right.readInt16LE(i * 2), i * 4 + 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
