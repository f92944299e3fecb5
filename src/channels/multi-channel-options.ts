import type { Readable } from 'node:stream';
import { invalidOption } from '../errors.js';
import { resolveOptions, type RecognizeStreamOptions } from '../options.js';
import { MAX_CHANNELS } from './interleaved-input.js';
import { MIN_SILENT_CHANNEL_MS } from './silent-channel.js';

/**
 * Options of `createMultiChannelStream()`: every `RecognizeStreamOptions` option applies to each
 * channel's own recognition stream, plus where the channels come from and what they are called.
 */
export interface MultiChannelStreamOptions extends RecognizeStreamOptions {
  /**
   * Channels interleaved in raw audio written to the stream (PCM or G.711); a WAV header says it
   * itself (if both are given they must agree). Default 1. Not with `channels`.
   */
  audioChannelCount?: number;
  /**
   * Separate tracks instead of interleaved audio, one readable of audio Buffers per channel (a
   * media server's two call legs). Each is taken like a recognition stream's input (a WAV header,
   * an Ogg stream, or raw audio as the format options say); nothing is written to the stream itself.
   */
  channels?: readonly Readable[];
  /** Names of the channels by index (`['caller', 'agent']`): results and events carry `channelName`. */
  channelNames?: readonly string[];
  /**
   * Interleaved audio: a channel silent this long (ms, ≥ 2000) stops feeding its recognizer until
   * it speaks again, so its session closes and none runs through the silence; results keep the
   * recording's timeline. Its recognizer's idle policy becomes `close`. Default: off.
   */
  silentChannelMs?: number;
}

export interface ResolvedChannels {
  /** Each channel's recognition stream options (format options laid over them per channel). */
  base: RecognizeStreamOptions;
  audioChannelCount: number | undefined;
  tracks: readonly Readable[] | undefined;
  names: readonly string[];
  silentChannelMs: number | undefined;
}

/** Validates everything before any traffic: the shared options as a recognition stream would. */
export function resolveChannelOptions(input: MultiChannelStreamOptions): ResolvedChannels {
  if (input === null || typeof input !== 'object') throw invalidOption('options', 'an object', input);
  const { audioChannelCount, channels, channelNames, silentChannelMs, ...base } = input;
  resolveOptions(base);
  if (audioChannelCount !== undefined && (!Number.isInteger(audioChannelCount) || audioChannelCount < 1 || audioChannelCount > MAX_CHANNELS)) {
    throw invalidOption('audioChannelCount', `an integer from 1 to ${MAX_CHANNELS}`, audioChannelCount);
  }
  if (audioChannelCount !== undefined && base.audioEncoding === 'OGG_OPUS') {
    throw invalidOption('audioChannelCount', 'interleaved PCM or G.711 (Ogg Opus channels go as separate `channels` tracks)');
  }
  if (channels !== undefined) {
    if (!Array.isArray(channels) || channels.length < 1 || channels.length > MAX_CHANNELS || !channels.every(isReadable)) {
      throw invalidOption('channels', `an array of 1 to ${MAX_CHANNELS} readable streams of audio`, channels);
    }
    if (audioChannelCount !== undefined) throw invalidOption('audioChannelCount', 'nothing with `channels` (each track is one channel)');
  }
  if (channelNames !== undefined) {
    const count = channels?.length ?? audioChannelCount ?? MAX_CHANNELS;
    if (!Array.isArray(channelNames) || channelNames.length > count || !channelNames.every((n) => typeof n === 'string' && n.length > 0)) {
      throw invalidOption('channelNames', `an array of at most ${count} non-empty strings`, channelNames);
    }
  }
  if (silentChannelMs !== undefined) {
    if (typeof silentChannelMs !== 'number' || !Number.isFinite(silentChannelMs) || silentChannelMs < MIN_SILENT_CHANNEL_MS) {
      throw invalidOption('silentChannelMs', `a number of milliseconds ≥ ${MIN_SILENT_CHANNEL_MS}`, silentChannelMs);
    }
    if (channels !== undefined) throw invalidOption('silentChannelMs', 'nothing with `channels` (a track that goes quiet stops writing: its idle policy applies)');
  }
  return { base, audioChannelCount, tracks: channels, names: channelNames ?? [], silentChannelMs };
}

function isReadable(value: unknown): value is Readable {
  return value !== null && typeof value === 'object' && typeof (value as Readable).pipe === 'function' && typeof (value as Readable).on === 'function';
}
