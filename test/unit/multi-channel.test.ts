import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MultiChannelStream } from '../../src/channels/multi-channel-stream.js';
import type { MultiChannelStreamOptions } from '../../src/channels/multi-channel-options.js';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RecognitionResult } from '../../src/results.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { fakeCredentials, FakeTransport, runClock, v2Final } from '../helpers/fake-transport.js';
import { interleave, multiChannelWav } from '../helpers/interleave.js';
import { expectGraphClean, SecretFragments } from '../helpers/secret-crawl.js';

const rate = 8000;
const bytesPerMs = (rate * 2) / 1000;
const token = `t1.PLANTEDiam.${randomBytes(18).toString('base64url')}`;

function fakeMulti(options: Partial<MultiChannelStreamOptions>) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const stream = new MultiChannelStream(
    { auth: { iamToken: token }, clock, stallTimeoutMs: 300_000, startLimiter: false, pace: 0, ...options } as MultiChannelStreamOptions,
    { transport, credentials: fakeCredentials, random: () => 0.5 },
  );
  const results: RecognitionResult[] = [];
  const errors: Error[] = [];
  stream.on('data', (r: RecognitionResult) => results.push(r));
  stream.on('error', (e: Error) => errors.push(e));
  return { clock, transport, stream, results, errors };
}

/** A channel's samples all equal `value`, so each call's audio tells which channel it heard. */
const level = (ms: number, value: number) => {
  const b = Buffer.alloc(ms * bytesPerMs);
  for (let i = 0; i < b.length; i += 2) b.writeInt16LE(value, i);
  return b;
};

describe('multi-channel stream on fake time', () => {
  it('splits a stereo WAV exactly: each channel its own call, its own bytes; results tagged by channel', async () => {
    const run = fakeMulti({ channelNames: ['caller', 'agent'] });
    const left = level(1_000, 1_111);
    const right = level(1_000, -2_222);
    const wav = multiChannelWav(interleave([left, right]), 2, rate);
    // Cut at odd places: inside the header, inside a sample, inside a sample pair.
    for (const [from, to] of [[0, 7], [7, 45], [45, 1_001], [1_001, wav.length]] as const) run.stream.write(wav.subarray(from, to));
    await runClock(run.clock, 50);
    expect(run.transport.calls).toHaveLength(2);
    const [a, b] = run.transport.calls;
    expect(a!.audio().equals(left)).toBe(true);
    expect(b!.audio().equals(right)).toBe(true);
    b!.respond(v2Final('right', 100, 400));
    a!.respond(v2Final('left', 200, 500));
    await runClock(run.clock, 50);
    expect(run.results.map((r) => [r.text, r.channelTag, r.channelName, r.startMs])).toEqual([
      ['right', '1', 'agent', 100],
      ['left', '0', 'caller', 200],
    ]);
    expect(run.stream.layout).toEqual({ channels: 2, audioEncoding: 'LINEAR16_PCM', sampleRateHertz: rate, source: 'wav-header' });
    expect(run.errors).toEqual([]);
    // Nothing reachable from the stream holds the credential.
    expectGraphClean(run.stream, new SecretFragments().add(token), 'multi-channel stream');
    run.stream.destroy();
  });

  it('a stereo µ-law WAV (as call recorders write): each channel expanded to PCM in its own call', async () => {
    const run = fakeMulti({});
    // µ-law 0x80 and 0x00 are the loudest positive and negative codes: 32124 and −32124.
    const wav = multiChannelWav(interleave([Buffer.alloc(800, 0x80), Buffer.alloc(800, 0x00)], 1), 2, rate, 7);
    run.stream.end(wav);
    await runClock(run.clock, 50);
    const [a, b] = run.transport.calls;
    expect(run.stream.layout).toMatchObject({ channels: 2, audioEncoding: 'MULAW', source: 'wav-header' });
    // The audio, then the end-of-audio flush's silence (its speech has no final yet).
    expect(a!.audio().subarray(0, 1_600).equals(level(100, 32_124))).toBe(true);
    expect(b!.audio().subarray(0, 1_600).equals(level(100, -32_124))).toBe(true);
    expect(a!.audio().subarray(1_600).every((byte) => byte === 0)).toBe(true);
    run.stream.destroy();
  });

  it('events carry the channel: rollovers, turn events', async () => {
    const run = fakeMulti({ audioChannelCount: 2, sampleRateHertz: rate, voiceActivity: true, channelNames: ['a'] });
    const starts: unknown[] = [];
    run.stream.on('speechStart', (e) => starts.push(e));
    run.stream.write(interleave([Buffer.concat([level(200, 0), level(300, 3_000)]), Buffer.concat([level(400, 0), level(300, 3_000)])]));
    await runClock(run.clock, 50);
    expect(starts).toEqual([
      { channelTag: '0', channelName: 'a', atMs: 200 },
      { channelTag: '1', atMs: 400 },
    ]);
    run.stream.destroy();
  });

  it('fails before any traffic on bad options, naming them', () => {
    const bad: [Partial<MultiChannelStreamOptions>, string][] = [
      [{ audioChannelCount: 0 }, 'audioChannelCount'],
      [{ audioChannelCount: 2.5 }, 'audioChannelCount'],
      [{ audioChannelCount: 2, audioEncoding: 'OGG_OPUS' }, 'audioChannelCount'],
      [{ channels: [] }, 'channels'],
      [{ channels: ['x' as never] }, 'channels'],
      [{ channels: [Readable.from([])], audioChannelCount: 1 }, 'audioChannelCount'],
      [{ audioChannelCount: 2, channelNames: ['a', 'b', 'c'] }, 'channelNames'],
      [{ channelNames: [''] }, 'channelNames'],
      [{ pace: -1 }, 'pace'],
      [{ voiceActivity: { hangoverMs: 1 } }, 'voiceActivity.hangoverMs'],
    ];
    for (const [options, option] of bad) {
      expect(() => new MultiChannelStream({ auth: { iamToken: 't' }, ...options } as MultiChannelStreamOptions)).toThrow(
        expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option }),
      );
    }
  });

  it('audio it cannot split is INVALID_AUDIO: an Ogg stream, a WAV that disagrees with audioChannelCount, raw PCM without a rate', async () => {
    const cases: [Partial<MultiChannelStreamOptions>, Buffer, RegExp][] = [
      [{}, Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]), /Ogg stream/],
      [{ audioChannelCount: 2 }, multiChannelWav(Buffer.alloc(600), 3, rate), /WAV header says 3 channels/],
      [{ audioChannelCount: 2 }, Buffer.alloc(600), /needs `sampleRateHertz`/],
    ];
    for (const [options, audio, message] of cases) {
      const run = fakeMulti(options);
      run.stream.write(audio);
      await runClock(run.clock, 20);
      expect(run.errors).toEqual([expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringMatching(message) })]);
      expect(run.transport.calls).toHaveLength(0);
    }
  });

  it('a recognition stream refuses a stereo WAV, pointing at createMultiChannelStream()', async () => {
    const stream = new RecognizeStream({ auth: { iamToken: 't' }, startLimiter: false }, { transport: new FakeTransport(new FakeClock()), credentials: fakeCredentials });
    const error = new Promise<Error>((resolve) => stream.on('error', resolve));
    stream.write(multiChannelWav(Buffer.alloc(600), 2, rate));
    expect(await error).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringMatching(/createMultiChannelStream\(\)/) });
  });

  it('ends at once when nothing was written; finalize() with no channel yet resolves; a write after end() is a warning', async () => {
    const run = fakeMulti({});
    await run.stream.finalize();
    const ended = new Promise((resolve) => run.stream.on('end', resolve));
    const warnings: Error[] = [];
    run.stream.on('warning', (w) => warnings.push(w));
    run.stream.end();
    run.stream.write(Buffer.alloc(10));
    await runClock(run.clock, 20);
    await ended;
    expect(run.transport.calls).toHaveLength(0);
    expect(warnings).toEqual([expect.objectContaining({ code: 'SPEECHKIT_ERR_WRITE_AFTER_END' })]);
    expect(run.errors).toEqual([]);
  });
});

describe('silent channel', () => {
  it('spares the recognizer silence past afterMs, writes any part with voice whole, and maps positions back', async () => {
    const { SilentChannel } = await import('../../src/channels/silent-channel.js');
    const silent = new SilentChannel(2_000, { channels: 2, audioEncoding: 'LINEAR16_PCM', sampleRateHertz: rate, source: 'wav-header' });
    const quiet = level(500, 0);
    const taken: boolean[] = [];
    for (let i = 0; i < 10; i++) taken.push(silent.take(quiet)); // 5 s of silence
    taken.push(silent.take(Buffer.concat([level(400, 0), level(100, 3_000)])));
    expect(taken).toEqual([true, true, true, true, false, false, false, false, false, false, true]);
    // 2 s heard, 3 s skipped: the recognizer's 2 000 ms is the recording's 5 000 ms.
    expect(silent.toWhole(1_500)).toBe(1_500);
    expect(silent.toWhole(2_000)).toBe(5_000);
    expect(silent.toWhole(2_450)).toBe(5_450);
    // µ-law silence (0xff) is silence too.
    const mulaw = new SilentChannel(2_000, { channels: 2, audioEncoding: 'MULAW', sampleRateHertz: undefined, source: 'options' });
    const results = Array.from({ length: 6 }, () => mulaw.take(Buffer.alloc(4_000, 0xff)));
    expect(results).toEqual([true, true, true, true, false, false]);
  });

  it('silentChannelMs is validated', () => {
    for (const [options, option] of [[{ silentChannelMs: 500 }, 'silentChannelMs'], [{ silentChannelMs: 5_000, channels: [Readable.from([])] }, 'silentChannelMs']] as const) {
      expect(() => new MultiChannelStream({ auth: { iamToken: 't' }, ...options } as MultiChannelStreamOptions)).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option }));
    }
  });
});
