import type { FakeCall, FakeTransport } from './fake-transport.js';
import type { FakeClock } from './fake-clock.js';
import { seededRandom } from './dialled.js';

/**
 * Test audio whose content can be read back by a fake service: each digit is a tone of constant
 * sample value 1000 + 300 × digit, pauses are zeros; every length is a whole 10 ms block.
 */
export interface DigitScript {
  pcm: Buffer;
  utterances: string[];
  /** Whole-stream ms where each utterance starts and ends. */
  spans: { startMs: number; endMs: number }[];
  durationMs: number;
}

const BLOCK_MS = 10;
const valueOf = (digit: number) => 1000 + 300 * digit;
const digitOf = (value: number) => Math.round((value - 1000) / 300);

export interface ScriptOptions {
  rate: number;
  seed: number;
  /** Audio to make, ms. */
  totalMs: number;
  digits: [number, number];
  toneMs: [number, number];
  gapMs: [number, number];
  pauseMs: [number, number];
  leadMs?: number;
  /** Silence after the last utterance, ms. */
  trailMs?: number;
}

export function digitScript(o: ScriptOptions): DigitScript {
  const random = seededRandom(o.seed);
  const between = ([lo, hi]: [number, number]) => Math.round((lo + random() * (hi - lo)) / BLOCK_MS) * BLOCK_MS;
  const samplesPerMs = o.rate / 1000;
  const parts: [value: number, ms: number][] = [];
  let at = 0;
  const push = (value: number, ms: number) => {
    parts.push([value, ms]);
    at += ms;
  };
  push(0, o.leadMs ?? 300);
  const utterances: string[] = [];
  const spans: { startMs: number; endMs: number }[] = [];
  while (at < o.totalMs) {
    const n = o.digits[0] + Math.floor(random() * (o.digits[1] - o.digits[0] + 1));
    let text = '';
    const startMs = at;
    for (let k = 0; k < n; k++) {
      const d = Math.floor(random() * 10);
      text += String(d);
      push(valueOf(d), between(o.toneMs));
      if (k < n - 1) push(0, between(o.gapMs));
    }
    utterances.push(text);
    spans.push({ startMs, endMs: at });
    push(0, between(o.pauseMs));
  }
  push(0, o.trailMs ?? 1_000);
  const pcm = Buffer.alloc(at * samplesPerMs * 2);
  let offset = 0;
  for (const [value, ms] of parts) {
    for (let i = 0; i < ms * samplesPerMs; i++, offset += 2) pcm.writeInt16LE(value, offset);
  }
  return { pcm, utterances, spans, durationMs: at };
}

export interface ServiceOptions {
  rate: number;
  /** Silence that ends an utterance, ms of audio. */
  eouMs?: number;
  /** Wall-clock delay of each final after its utterance ended (ms); called once per final. */
  latencyMs?: () => number;
  /** Shortest tone that is heard as a digit (a cut digit shorter than this is lost), ms. */
  minToneMs?: number;
  /** Word times in finals (one word per digit), as a v2 service may or may not send them. */
  wordTimes?: boolean;
  /** Shifts the word times of the first final of the calls it picks (by index) by this much, ms (a misbehaving service). */
  bogusFirstFinal?: (callIndex: number) => number | undefined;
}

interface Heard {
  call: FakeCall;
  seen: number;
  /** Session audio analysed, ms. */
  ms: number;
  digits: { digit: number; startMs: number; endMs: number }[];
  tone: { value: number; startMs: number } | undefined;
  silenceMs: number;
  due: { at: number; message: unknown }[];
  flushed: boolean;
  finals: number;
}

/**
 * A v2 service on the fake transport, driven by `tick()`: it reads the digits in the audio each
 * call receives, ends an utterance after `eouMs` of silence and sends its final `latencyMs`
 * later; on half-close it finalizes what it heard and ends the call with OK.
 */
export class DigitService {
  private readonly heard = new Map<FakeCall, Heard>();
  private readonly eouMs: number;
  private readonly minToneMs: number;

  constructor(private readonly transport: FakeTransport, private readonly clock: FakeClock, private readonly o: ServiceOptions) {
    this.eouMs = o.eouMs ?? 600;
    this.minToneMs = o.minToneMs ?? 30;
  }

  /** Calls that stopped answering (a stalled service): they hear nothing and say nothing. */
  readonly stalled = new Set<FakeCall>();

  tick(): void {
    const now = this.clock.now();
    for (const call of this.transport.calls) {
      if (call.ended || this.stalled.has(call)) continue;
      let h = this.heard.get(call);
      if (!h) {
        h = { call, seen: 0, ms: 0, digits: [], tone: undefined, silenceMs: 0, due: [], flushed: false, finals: 0 };
        this.heard.set(call, h);
      }
      for (; h.seen < call.writes.length; h.seen++) {
        const audio = call.writes[h.seen]!.message.audio_content as Buffer | undefined;
        if (audio) this.hear(h, audio, now);
      }
      if (call.halfClosed && !h.flushed) {
        h.flushed = true;
        this.endTone(h);
        this.finalize(h, now);
      }
      while (h.due.length > 0 && h.due[0]!.at <= now) call.respond(h.due.shift()!.message);
      if (h.flushed && h.due.length === 0) call.finish();
    }
  }

  private hear(h: Heard, audio: Buffer, now: number): void {
    const blockBytes = (this.o.rate / 1000) * BLOCK_MS * 2;
    for (let at = 0; at + blockBytes <= audio.length; at += blockBytes) {
      const value = audio.readInt16LE(at);
      if (value === 0) {
        this.endTone(h);
        h.silenceMs += BLOCK_MS;
        if (h.silenceMs === this.eouMs && h.digits.length > 0) this.finalize(h, now + (this.o.latencyMs?.() ?? 0));
      } else {
        if (h.tone && h.tone.value !== value) this.endTone(h);
        h.tone ??= { value, startMs: h.ms };
        h.silenceMs = 0;
      }
      h.ms += BLOCK_MS;
    }
  }

  private endTone(h: Heard): void {
    if (h.tone && h.ms - h.tone.startMs >= this.minToneMs) h.digits.push({ digit: digitOf(h.tone.value), startMs: h.tone.startMs, endMs: h.ms });
    h.tone = undefined;
  }

  private finalize(h: Heard, at: number): void {
    if (h.digits.length === 0) return;
    const text = h.digits.map((d) => String(d.digit)).join('');
    const shift = h.finals++ === 0 ? this.o.bogusFirstFinal?.(this.transport.calls.indexOf(h.call)) ?? 0 : 0;
    const d = (ms: number) => ({ seconds: Math.floor((ms + shift) / 1000), nanos: ((ms + shift) % 1000) * 1e6 });
    const words = this.o.wordTimes ? h.digits.map((w) => ({ word: String(w.digit), start_time: d(w.startMs), end_time: d(w.endMs), confidence: 1 })) : [];
    h.due.push({ at: Math.max(at, h.due[h.due.length - 1]?.at ?? 0), message: { chunks: [{ alternatives: [{ text, confidence: 1, words }], final: true, end_of_utterance: true }] } });
    h.digits = [];
  }
}
