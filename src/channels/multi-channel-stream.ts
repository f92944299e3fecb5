import { Duplex } from 'node:stream';
import { ErrorCodes, invalidAudio, SpeechKitError } from '../errors.js';
import type { RecognitionResult } from '../results.js';
import { RecognizeStream, type StreamInternals } from '../recognize-stream.js';
import { FORWARDED_EVENTS, type ChannelRef, type MultiChannelStreamEventArgs, type MultiChannelStreamListener } from './events.js';
import { InterleavedInput, type ChannelLayout } from './interleaved-input.js';
import { resolveChannelOptions, type MultiChannelStreamOptions, type ResolvedChannels } from './multi-channel-options.js';
import { SilentChannel } from './silent-channel.js';
import { notAudioError, refuseWriteAfterEnd, type WriteCallback } from '../stream/written.js';

/** Whole-stream positions in events, mapped back from a channel's own audio when it skipped silence. */
const EVENT_TIMES = ['atMs', 'replayFromMs', 'unreplayedFromMs', 'fromMs', 'toMs', 'baseOffsetMs'] as const;

/** A write whose layout is still undecided may hold this much before the writer waits. */
const MAX_UNDECIDED_BYTES = 1024 * 1024;

interface Channel {
  stream: RecognizeStream;
  ref: ChannelRef;
  /** With `silentChannelMs`: what of the channel's audio its recognizer is spared. */
  silence: SilentChannel | undefined;
}

/**
 * Recognizes every channel of a call: interleaved audio written to it (a stereo WAV, raw PCM or
 * G.711 with `audioChannelCount`) is split, or separate tracks (`channels`) are read, and each
 * channel runs its own recognition stream (its own sessions, rollovers, recovery and replay), all
 * drawing on the same start limiter. Results of every channel come out on this one readable side,
 * each channel's in its own audio order, tagged with `channelTag` (and `channelName`).
 *
 * Backpressure holds per channel and for the whole: a write is done once every channel took its
 * part, and a reader that stops reading stops every channel's sessions, so the writer waits
 * instead of memory growing.
 */
export class MultiChannelStream extends Duplex {
  /** Without `auth`: that lives in `#auth`, out of reach of a walk over the stream (as `SealedAuth` keeps it). */
  private readonly settings: Omit<ResolvedChannels, 'base'> & { base: Omit<ResolvedChannels['base'], 'auth'> };
  readonly #auth: ResolvedChannels['base']['auth'];
  private readonly internals: StreamInternals;
  private readonly input: InterleavedInput | undefined;
  private channelList: Channel[] = [];
  private open = 0;
  private readerBlocked = false;

  constructor(options: MultiChannelStreamOptions);
  /** @internal Tests hand in fakes (see `StreamInternals`), shared by every channel. */
  constructor(options: MultiChannelStreamOptions, internals: StreamInternals);
  constructor(options: MultiChannelStreamOptions, internals: StreamInternals = {}) {
    const { base: { auth, ...base }, ...settings } = resolveChannelOptions(options);
    super({ writableObjectMode: true, readableObjectMode: true, readableHighWaterMark: base.readableHighWaterMark ?? 64 });
    this.settings = { ...settings, base };
    this.#auth = auth;
    this.internals = internals;
    if (settings.tracks) {
      this.start(settings.tracks.length, {});
      settings.tracks.forEach((track, index) => {
        const channel = this.channelList[index]!;
        track.once('error', (error: Error) => this.destroy(error));
        track.pipe(channel.stream);
      });
    } else {
      const { audioEncoding, sampleRateHertz } = base;
      this.input = new InterleavedInput({ audioChannelCount: settings.audioChannelCount, audioEncoding, sampleRateHertz });
    }
  }

  /** How many channels are recognized (0 until interleaved audio's layout is known). */
  get channelCount(): number {
    return this.channelList.length;
  }

  /** The interleaved audio's layout, once the first bytes decided it (undefined for tracks). */
  get layout(): ChannelLayout | undefined {
    return this.input?.layout;
  }

  /** Sessions opened so far, every channel's. */
  get sessionCount(): number {
    return this.channelList.reduce((sum, c) => sum + c.stream.sessionCount, 0);
  }

  /**
   * `finalize()` on one channel (by index or `channelTag`), or on every channel: the service
   * finalizes what that channel was written so far, and its stream goes on (see
   * `RecognizeStream.finalize`). Resolves once those finals reached this stream's reader.
   */
  async finalize(channel?: number | string): Promise<void> {
    if (channel === undefined) {
      await Promise.all(this.channelList.map((c) => c.stream.finalize()));
      return;
    }
    const index = typeof channel === 'number' ? channel : Number(channel);
    const target = this.channelList[index];
    if (!target) {
      if (this.channelList.length === 0) return;
      throw new SpeechKitError(ErrorCodes.INVALID_OPTION, `No channel ${String(channel)}: this stream has ${this.channelList.length}`, { option: 'channel' });
    }
    await target.stream.finalize();
  }

  /** A write after `end()` is a warning, not the loss of the results still owed (see `refuseWriteAfterEnd`). */
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (!this.writableEnded || this.destroyed) return super.write(chunk, encoding as BufferEncoding, callback);
    return refuseWriteAfterEnd((error) => this.emit('warning', error), encoding, callback);
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.input) {
      callback(invalidAudio('This multi-channel stream reads its audio from `channels`; write nothing to it'));
      return;
    }
    if (!(chunk instanceof Uint8Array)) {
      callback(notAudioError(chunk));
      return;
    }
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let parts: Buffer[] | undefined;
    try {
      parts = this.input.push(buffer);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (parts) this.distribute(parts, callback);
    else if (this.input.undecidedBytes < MAX_UNDECIDED_BYTES) callback();
    else callback(invalidAudio('No WAV header ended in the first MiB of audio'));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.input) {
      callback();
      return;
    }
    let parts: Buffer[] | undefined;
    try {
      parts = this.input.end();
    } catch (error) {
      callback(error as Error);
      return;
    }
    const endAll = () => {
      if (this.channelList.length === 0) {
        // Nothing was written: no channel, no session, and the results end at once.
        this.push(null);
        callback();
        return;
      }
      let left = this.channelList.length;
      for (const { stream } of this.channelList) {
        stream.end(() => {
          if (--left === 0) callback();
        });
      }
    };
    if (parts) this.distribute(parts, (error) => (error ? callback(error) : endAll()));
    else endAll();
  }

  override _read(): void {
    if (!this.readerBlocked) return;
    this.readerBlocked = false;
    for (const { stream } of this.channelList) stream.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    for (const track of this.settings.tracks ?? []) {
      const index = this.settings.tracks!.indexOf(track);
      const channel = this.channelList[index];
      if (channel) track.unpipe(channel.stream);
    }
    for (const { stream } of this.channelList) if (!stream.destroyed) stream.destroy();
    callback(error);
  }

  /** Each channel's part of one write; the write is done once every channel took its part. */
  private distribute(parts: Buffer[], callback: (error?: Error | null) => void): void {
    if (this.channelList.length === 0) this.start(parts.length, this.input!.layout!);
    let left = parts.length;
    let failed = false;
    const done = (error?: Error | null) => {
      if (failed) return;
      if (error) {
        failed = true;
        callback(error);
        return;
      }
      if (--left === 0) callback();
    };
    parts.forEach((part, index) => {
      const { stream, silence } = this.channelList[index]!;
      if (stream.destroyed || (silence && !silence.take(part))) done();
      else stream.write(part, done);
    });
  }

  private start(count: number, layout: Partial<ChannelLayout>): void {
    const { base, names, silentChannelMs } = this.settings;
    const format = layout.audioEncoding === undefined ? {} : { audioEncoding: layout.audioEncoding, sampleRateHertz: layout.sampleRateHertz };
    // A channel spared its silence closes its session when it gets no more audio.
    const idle = silentChannelMs === undefined ? {} : { idle: { policy: 'close' as const, ...(typeof base.idle === 'object' && base.idle.afterMs !== undefined && { afterMs: base.idle.afterMs }) } };
    for (let index = 0; index < count; index++) {
      const name = names[index];
      const ref: ChannelRef = { channelTag: String(index), ...(name !== undefined && { channelName: name }) };
      const stream = new RecognizeStream({ ...base, auth: this.#auth, ...format, ...idle }, this.internals);
      const silence = silentChannelMs === undefined ? undefined : new SilentChannel(silentChannelMs, layout as ChannelLayout);
      this.channelList.push({ stream, ref, silence });
      this.listen(stream, ref, silence);
    }
    this.open = count;
  }

  private listen(stream: RecognizeStream, ref: ChannelRef, silence: SilentChannel | undefined): void {
    stream.on('data', (result: RecognitionResult) => {
      if (!this.push({ ...(silence ? resultOnWhole(result, silence) : result), ...ref })) this.blockReader();
    });
    stream.on('end', () => {
      if (--this.open === 0) this.push(null);
    });
    stream.on('error', (error: Error) => this.destroy(error));
    stream.on('warning', (warning: SpeechKitError) => this.emit('warning', warning));
    for (const name of FORWARDED_EVENTS) {
      stream.on(name, (event: object) => this.emit(name, { ...(silence ? eventOnWhole(event, silence) : event), ...ref } as never));
    }
  }

  /** The reader's buffer is full: every channel stops, and so its sessions and its intake. */
  private blockReader(): void {
    if (this.readerBlocked) return;
    this.readerBlocked = true;
    for (const { stream } of this.channelList) stream.pause();
  }
}


/** A result's times (and its words'), from the recognizer's audio to the recording's timeline. */
function resultOnWhole(result: RecognitionResult, silence: SilentChannel): RecognitionResult {
  const at = (ms: number | undefined) => (ms === undefined ? undefined : silence.toWhole(ms));
  return {
    ...result,
    ...(result.startMs !== undefined && { startMs: at(result.startMs) }),
    ...(result.endMs !== undefined && { endMs: at(result.endMs) }),
    alternatives: result.alternatives.map((a) => ({ ...a, words: a.words.map((w) => ({ ...w, startMs: silence.toWhole(w.startMs), endMs: silence.toWhole(w.endMs) })) })),
  } as RecognitionResult;
}

function eventOnWhole(event: object, silence: SilentChannel): object {
  const out: Record<string, unknown> = { ...event };
  for (const key of EVENT_TIMES) if (typeof out[key] === 'number') out[key] = silence.toWhole(out[key]);
  return out;
}

/** The stream's events, typed: names and payloads in `MultiChannelStreamEvents`. */
export interface MultiChannelStream {
  on<E extends string | symbol>(event: E, listener: MultiChannelStreamListener<E>): this;
  once<E extends string | symbol>(event: E, listener: MultiChannelStreamListener<E>): this;
  off<E extends string | symbol>(event: E, listener: MultiChannelStreamListener<E>): this;
  addListener<E extends string | symbol>(event: E, listener: MultiChannelStreamListener<E>): this;
  removeListener<E extends string | symbol>(event: E, listener: MultiChannelStreamListener<E>): this;
  prependListener<E extends string | symbol>(event: E, listener: MultiChannelStreamListener<E>): this;
  prependOnceListener<E extends string | symbol>(event: E, listener: MultiChannelStreamListener<E>): this;
  emit<E extends string | symbol>(event: E, ...args: MultiChannelStreamEventArgs<E>): boolean;
}

/**
 * Creates a multi-channel recognition Duplex (see `MultiChannelStream`). Options are validated
 * here, before any traffic: a bad one throws `SPEECHKIT_ERR_INVALID_OPTION` naming it.
 */
export function createMultiChannelStream(options: MultiChannelStreamOptions): MultiChannelStream {
  return new MultiChannelStream(options);
}
