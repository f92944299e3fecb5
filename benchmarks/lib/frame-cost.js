// The library's own work per frame, for `npm run bench:scale`: N paced 16 kHz streams on fake
// time, with a transport that takes messages and answers with a final now and then, so there is
// no gRPC, no socket and no real timer in the figure. CPU-bound, so it hardly depends on what else
// the machine is doing: the number to watch for regressions. Forked by ../scale.js.
import { RecognizeStream } from 'speechkit-stream';

const { streams = 1000, seconds = 20, writeMs = 100 } = JSON.parse(process.argv[2] ?? '{}');

/** A clock that moves only when told to (the library's `clock` option is its seam for time). */
class ManualClock {
  time = 0;
  timers = [];
  seq = 0;
  now() {
    return this.time;
  }
  setTimeout(fn, ms) {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return timer;
  }
  clearTimeout(timer) {
    timer.cancelled = true;
  }
  advanceTo(t) {
    for (;;) {
      let next;
      for (const timer of this.timers) {
        if (timer.cancelled || timer.at > t) continue;
        if (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)) next = timer;
      }
      if (!next) break;
      next.cancelled = true;
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.timers = this.timers.filter((timer) => !timer.cancelled);
    this.time = t;
  }
}

const clock = new ManualClock();
const audio = Buffer.alloc(16000 * 2 * (seconds + 5));
for (let i = 0; i < audio.length; i += 2) audio.writeInt16LE(((i % 200) - 100) * 80, i); // loud, never silence
let frames = 0;

// Takes every message, and answers like the service: a final every 15 audio messages.
const duration = (ms) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const transport = {
  open(_method, _metadata, handlers) {
    queueMicrotask(() => handlers.onHeaders({}));
    let k = 0;
    return {
      write(message) {
        if (!message.audio_content) return true;
        frames++;
        if (++k % 15 === 0) {
          const end = k * 100;
          const words = [{ word: '1', start_time: duration(end - 500), end_time: duration(end - 300), confidence: 1 }];
          queueMicrotask(() => handlers.onResponse({ chunks: [{ alternatives: [{ text: '1', confidence: 1, words }], final: true, end_of_utterance: true }] }));
        }
        return true;
      },
      end() {},
      cancel() {},
      pause() {},
      resume() {},
    };
  },
  close() {},
};
const credentials = { authorization: async () => 'Bearer x', secrets: () => [] };

const bytesPerWrite = (16000 * 2 * writeMs) / 1000;
for (let i = 0; i < streams; i++) {
  const stream = new RecognizeStream(
    { auth: { iamToken: 'x' }, sampleRateHertz: 16000, audioEncoding: 'LINEAR16_PCM', startLimiter: false, clock },
    { transport, credentials },
  );
  stream.on('data', () => {});
  stream.on('error', (error) => console.error(error));
  let offset = 0;
  const feed = () => {
    while (offset < audio.length) {
      const ok = stream.write(audio.subarray(offset, offset + bytesPerWrite));
      offset += bytesPerWrite;
      if (!ok) return void stream.once('drain', feed);
    }
  };
  feed();
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
async function run(fromMs, toMs) {
  for (let t = fromMs; t <= toMs; t++) {
    clock.advanceTo(t);
    if (t % 10 === 0) await settle();
  }
}
await run(1, 3000); // warm-up
const frames0 = frames;
const cpu0 = process.cpuUsage();
await run(3001, 3000 + seconds * 1000);
const cpu = process.cpuUsage(cpu0);
const sent = frames - frames0;
process.send({ frames: sent, usPerFrame: (cpu.user + cpu.system) / sent });
process.exit(0);
