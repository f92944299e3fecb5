// Library work per frame, on fake time with a transport that drops messages (no gRPC, no timers).
import { RecognizeStream } from 'speechkit-stream';
const streams = Number(process.argv[2] ?? 1000), seconds = Number(process.argv[3] ?? 30), writeMs = Number(process.argv[4] ?? 100);
class Clock { t = 0; q = []; seq = 0; now() { return this.t; } setTimeout(fn, ms) { const h = { at: this.t + Math.max(0, ms), fn, seq: this.seq++, dead: false }; this.q.push(h); return h; } clearTimeout(h) { h.dead = true; }
  advanceTo(t) { for (;;) { let best; for (const h of this.q) if (!h.dead && h.at <= t && (!best || h.at < best.at || (h.at === best.at && h.seq < best.seq))) best = h; if (!best) break; best.dead = true; this.t = Math.max(this.t, best.at); best.fn(); } this.q = this.q.filter((h) => !h.dead); this.t = t; } }
const clock = new Clock();
const audio = Buffer.alloc(16000 * 2 * (seconds + 5), 0); for (let i = 0; i < audio.length; i += 2) audio.writeInt16LE(((i % 200) - 100) * 80, i);
let msgs = 0;
// Answers like the service: a final for the last 1.5 s every 15 messages, so replay stays short.
const d = (ms) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const transport = { open: (m, md, h) => { queueMicrotask(() => h.onHeaders({})); let k = 0; return { write: (msg) => { if (msg.audio_content) { msgs++; if (++k % 15 === 0) { const end = k * 100; queueMicrotask(() => h.onResponse({ chunks: [{ alternatives: [{ text: '1', confidence: 1, words: [{ word: '1', start_time: d(end - 500), end_time: d(end - 300), confidence: 1 }] }], final: true, end_of_utterance: true }] })); } } return true; }, end() {}, cancel() {}, pause() {}, resume() {} }; }, close() {} };
const credentials = { authorization: async () => 'Bearer x', secrets: () => [] };
const bytes = (16000 * 2 * writeMs) / 1000;
const all = [];
for (let i = 0; i < streams; i++) {
  const s = new RecognizeStream({ auth: { iamToken: 'x' }, sampleRateHertz: 16000, audioEncoding: 'LINEAR16_PCM', startLimiter: false, clock, ...JSON.parse(process.env.OPTS ?? '{}') }, { transport, credentials });
  s.on('data', () => {}); s.on('error', (e) => console.error(e));
  let off = 0;
  const feed = () => { while (off < audio.length) { const ok = s.write(audio.subarray(off, off + bytes)); off += bytes; if (!ok) return void s.once('drain', feed); } };
  feed();
  all.push(s);
}
const flush = () => new Promise((r) => setImmediate(r));
await flush();
// Warm up 3 s, then measure.
for (let t = 1; t <= 3000; t++) { clock.advanceTo(t); if (t % 10 === 0) await flush(); }
const m0 = msgs, c0 = process.cpuUsage();
for (let t = 3001; t <= 3000 + seconds * 1000; t++) { clock.advanceTo(t); if (t % 10 === 0) await flush(); }
const c = process.cpuUsage(c0), n = msgs - m0;
console.log(`${streams} streams, ${writeMs} ms writes: ${n} frames, ${((c.user + c.system) / n).toFixed(2)} µs CPU per frame (user ${(c.user / n).toFixed(2)}, sys ${(c.system / n).toFixed(2)})`);
process.exit(0);
