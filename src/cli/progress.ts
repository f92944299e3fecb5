import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { Clock, TimerHandle } from '../timing/clock.js';

/** How many bytes are a second of the input, and how long it is, when its header says. */
export interface InputTiming {
  bytesPerSecond: number;
  durationMs?: number;
}

/** A WAV header's byte rate and `data` length (16-bit PCM or 8-bit G.711), or undefined. */
export function wavTiming(head: Buffer): InputTiming | undefined {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let bytesPerSecond: number | undefined;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = head.toString('latin1', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 16 <= head.length) bytesPerSecond = head.readUInt32LE(at + 16);
    if (id === 'data') {
      if (!bytesPerSecond) return undefined;
      // Streamed WAVs write 0 or 0xffffffff for an unknown length.
      const known = size > 0 && size < 0xffffffff;
      return { bytesPerSecond, ...(known && { durationMs: (size / bytesPerSecond) * 1000 }) };
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

/** "12.3 s / 1:00  1.0×  ETA 47.7 s": position, duration, speed and time left, as far as known. */
export function progressText(positionMs: number, elapsedMs: number, durationMs?: number): string {
  const parts = [durationMs === undefined ? seconds(positionMs) : `${seconds(Math.min(positionMs, durationMs))} / ${seconds(durationMs)}`];
  if (elapsedMs >= 500) {
    const speed = positionMs / elapsedMs;
    parts.push(`${speed.toFixed(1)}×`);
    if (durationMs !== undefined && speed > 0) parts.push(`ETA ${seconds(Math.max(0, durationMs - positionMs) / speed)}`);
  }
  return parts.join('  ');
}

/**
 * Cuts the input into pieces of `pieceBytes`: the recognizer's write buffer then holds only a few
 * hundred ms beyond its own bound, so what it has taken is close to where recognition is, and
 * Ctrl-C stops the audio close to where it came.
 */
export function pieces(pieceBytes: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      for (let at = 0; at < chunk.length; at += pieceBytes) this.push(chunk.subarray(at, at + pieceBytes));
      callback();
    },
  });
}

/**
 * Reports every `everyMs` how much audio the recognizer has taken: the pieces `source` handed on,
 * less those still waiting in the recognizer's write buffer (`waiting()` pieces). Returns a stop
 * function.
 */
export function meterProgress(source: Readable, timing: InputTiming, pieceBytes: number, waiting: () => number, report: (text: string) => void, clock: Clock, everyMs = 250): () => void {
  const started = clock.now();
  let bytes = 0;
  let timer: TimerHandle | undefined;
  source.on('data', (chunk: Buffer) => void (bytes += chunk.length));
  const tick = () => {
    const taken = Math.max(0, bytes - waiting() * pieceBytes);
    report(progressText((taken / timing.bytesPerSecond) * 1000, clock.now() - started, timing.durationMs));
    timer = clock.setTimeout(tick, everyMs);
  };
  timer = clock.setTimeout(tick, everyMs);
  return () => {
    if (timer !== undefined) clock.clearTimeout(timer);
  };
}
