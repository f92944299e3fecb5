// Start-rate run for `npm run bench:scale`: N streams of 8 kHz µ-law telephone audio start within a
// second through the default session-start limiter, with short session limits so that they roll
// over, and each must get back exactly its own dialled digits. Forked by ../scale.js.
import { RecognizeStream } from 'speechkit-stream';
import { dialledDigitsPcm, EMULATOR_IAM_TOKEN, pcmToG711 } from 'speechkit-stream/emulator';
// Internal: the library's own transport, wrapped only to time each audio message as it leaves.
import { createGrpcTransport } from '../../dist/transport/grpc-transport.js';
import { seeded } from './seeded.js';

const { address, streams, limits, audioSeconds, startSpreadMs = 1000 } = JSON.parse(process.argv[2]);
const RATE = 8000;
const PCM_BYTES_PER_MS = (RATE * 2) / 1000;

// Tones and silences made once and shared: each stream's audio is a list of views onto them.
const toneMs = 80;
const tones = new Map([...'0123456789'].map((d) => [d, pcmToG711(dialledDigitsPcm([d], { sampleRate: RATE, toneMs, leadMs: 0, trailMs: 0 }), 'MULAW')]));
const silence = (ms) => Buffer.alloc((RATE * ms) / 1000, 0xff); // µ-law 0xFF is zero
const gaps = { tone: silence(70), utterance: silence(900), lead: silence(300), trail: silence(1000) };


function callAudio(index) {
  const random = seeded(index + 1);
  const utterances = [];
  const pieces = [gaps.lead];
  let ms = 300;
  while (ms < audioSeconds * 1000) {
    const digits = Array.from({ length: 2 + Math.floor(random() * 3) }, () => String(Math.floor(random() * 10))).join('');
    utterances.push(digits);
    [...digits].forEach((d, i) => {
      if (i > 0) pieces.push(gaps.tone);
      pieces.push(tones.get(d));
    });
    pieces.push(gaps.utterance);
    ms += digits.length * toneMs + (digits.length - 1) * 70 + 900;
  }
  pieces.push(gaps.trail);
  return { utterances, pieces };
}

const outcome = { exact: 0, errors: 0, rollovers: 0, retries: 0, firstSession: [], worstLateness: 0 };
/** When each session's call was opened, in this process: the starts the library controls. */
const opens = [];
const begin = performance.now();

function runCall(index) {
  const { utterances, pieces } = callAudio(index);
  const createdAt = performance.now();
  // Lateness of new audio: every message after the replay at a rollover is audio at `position`,
  // due at the first message's time plus that position.
  const timing = { anchor: undefined, position: 0, skip: 0, worst: 0 };
  const base = createGrpcTransport({ endpoint: address, tls: false });
  const transport = {
    open(method, metadata, handlers) {
      opens.push(performance.now());
      const call = base.open(method, metadata, handlers);
      let settings = true;
      return {
        ...call,
        // The acknowledgement goes through: without it every write looks unsent and the stream
        // takes its connection for a dead one after stallTimeoutMs (see scale-client.js).
        write(message, onWritten) {
          if (settings) settings = false;
          else if (message.audio_content) {
            const now = performance.now();
            timing.anchor ??= now;
            let bytes = message.audio_content.length;
            const replayed = Math.min(bytes, timing.skip);
            timing.skip -= replayed;
            bytes -= replayed;
            if (bytes > 0) {
              timing.worst = Math.max(timing.worst, now - (timing.anchor + timing.position));
              timing.position += bytes / PCM_BYTES_PER_MS;
            }
          }
          return call.write(message, onWritten);
        },
      };
    },
    close: () => base.close(),
  };
  const stream = new RecognizeStream(
    { endpoint: address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN }, audioEncoding: 'MULAW', sessionLimits: limits, retry: { retries: 10 } },
    { transport },
  );
  const finals = [];
  let opened = false;
  stream.on('data', (r) => r.final && finals.push(r.text));
  stream.on('session', () => {
    if (!opened) outcome.firstSession.push(performance.now() - createdAt);
    opened = true;
  });
  stream.on('rollover', (e) => {
    outcome.rollovers++;
    // The replay resends whole 100 ms frames, from the one holding replayFromMs.
    timing.skip += (e.atMs - Math.floor(e.replayFromMs / 100) * 100) * PCM_BYTES_PER_MS;
  });
  stream.on('retry', () => outcome.retries++);
  return new Promise((resolve) => {
    stream.on('error', (error) => {
      outcome.errors++;
      console.error(`call ${index}: ${error.code} ${error.message}`);
      resolve();
    });
    stream.on('end', () => {
      if (finals.join(' ') === utterances.join(' ')) outcome.exact++;
      else console.error(`call ${index}: expected ${utterances.length} utterances, got ${finals.length}`);
      outcome.worstLateness = Math.max(outcome.worstLateness, timing.worst);
      resolve();
    });
    let i = 0;
    const feed = () => {
      while (i < pieces.length) if (!stream.write(pieces[i++])) return void stream.once('drain', feed);
      stream.end();
    };
    feed();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const done = [];
for (let i = 0; i < streams; i++) {
  const wait = begin + (i * startSpreadMs) / streams - performance.now();
  if (wait > 1) await sleep(wait);
  done.push(runCall(i));
}
await Promise.all(done);
const sorted = outcome.firstSession.sort((a, b) => a - b);
opens.sort((a, b) => a - b);
let mostOpens = 0;
for (let i = 0, j = 0; i < opens.length; i++) {
  while (opens[i] - opens[j] >= 1000) j++;
  mostOpens = Math.max(mostOpens, i - j + 1);
}
process.send({
  exact: outcome.exact,
  opens: opens.length,
  mostOpens,
  errors: outcome.errors,
  rollovers: outcome.rollovers,
  retries: outcome.retries,
  firstSessionP50: sorted[Math.floor(sorted.length / 2)],
  firstSessionMax: sorted[sorted.length - 1],
  worstLateness: outcome.worstLateness,
  wallMs: performance.now() - begin,
});
process.exit(0);
