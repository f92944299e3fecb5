import { MULAW_TO_LINEAR, ALAW_TO_LINEAR } from '../audio/g711.js';
import { SILENCE_RMS } from '../audio/level.js';
import type { ChannelLayout } from './interleaved-input.js';

/** Shortest `silentChannelMs`: the channel's recognizer must hear enough silence to end its last utterance first. */
export const MIN_SILENT_CHANNEL_MS = 2_000;

/**
 * A channel that has been silent for `afterMs` stops feeding its recognizer until it speaks again,
 * so its session closes (idle close) and no session runs for it through the silence. What is not
 * written is counted, so positions the recognizer reports (on the audio it was given) map back to
 * the recording's timeline (`toWhole`). A write with any voice in it is written whole: the onset
 * of speech is never cut. Pure.
 */
export class SilentChannel {
  private silentRunMs = 0;
  /** Where, in the recognizer's audio, each skipped stretch was, and all skipped up to it. */
  private readonly gaps: { atMs: number; skippedMs: number }[] = [];
  private skippedMs = 0;
  private writtenMs = 0;
  private readonly bytesPerMs: number;
  private readonly lookup: Int16Array | undefined;

  constructor(
    private readonly afterMs: number,
    layout: ChannelLayout,
  ) {
    const rate = layout.sampleRateHertz ?? 8000;
    const sampleBytes = layout.audioEncoding === 'LINEAR16_PCM' ? 2 : 1;
    this.bytesPerMs = (rate * sampleBytes) / 1000;
    this.lookup = layout.audioEncoding === 'MULAW' ? MULAW_TO_LINEAR : layout.audioEncoding === 'ALAW' ? ALAW_TO_LINEAR : undefined;
  }

  /** Whether `part` (this channel's samples of one write) goes to the recognizer. */
  take(part: Buffer): boolean {
    const ms = part.length / this.bytesPerMs;
    if (!this.silent(part)) {
      this.silentRunMs = 0;
      this.writtenMs += ms;
      return true;
    }
    this.silentRunMs += ms;
    if (this.silentRunMs - ms < this.afterMs) {
      this.writtenMs += ms;
      return true;
    }
    const last = this.gaps.at(-1);
    this.skippedMs += ms;
    if (last && last.atMs === this.writtenMs) last.skippedMs = this.skippedMs;
    else this.gaps.push({ atMs: this.writtenMs, skippedMs: this.skippedMs });
    return false;
  }

  /** A position in the recognizer's audio, on the recording's timeline. */
  toWhole(ms: number): number {
    let skipped = 0;
    for (const gap of this.gaps) {
      if (gap.atMs > ms) break;
      skipped = gap.skippedMs;
    }
    return ms + skipped;
  }

  private silent(part: Buffer): boolean {
    const limit = SILENCE_RMS * SILENCE_RMS;
    let sum = 0;
    let n = 0;
    if (this.lookup) {
      for (let i = 0; i < part.length; i++, n++) {
        const v = this.lookup[part[i]!]!;
        sum += v * v;
      }
    } else {
      for (let i = 0; i + 1 < part.length; i += 2, n++) {
        const v = ((part[i]! | (part[i + 1]! << 8)) << 16) >> 16;
        sum += v * v;
      }
    }
    return n === 0 || sum < limit * n;
  }
}
