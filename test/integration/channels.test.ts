import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { MultiChannelStream } from '../../src/channels/multi-channel-stream.js';
import { dialledDigitsLayout, dialledDigitsPcm, pcmToG711, type Emulator } from '../../src/emulator/index.js';
import type { RecognitionResult } from '../../src/results.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import type { RolloverEvent } from '../../src/stream-events.js';
import { dialledStream, seededRandom } from '../helpers/dialled.js';
import { streamOptions, withEmulator } from '../helpers/emulator.js';
import { interleave, multiChannelWav } from '../helpers/interleave.js';
import { expectExactV3 } from '../helpers/v3-results.js';

const quickRetry = { minDelayMs: 5, maxDelayMs: 40, slowMinDelayMs: 20, healthyAfterMs: 2_000 };

/** Writes `audio` in pieces and collects every result until the stream ends. */
async function recognizeAll(stream: MultiChannelStream, audio: Buffer | undefined, writeBytes = 6400): Promise<RecognitionResult[]> {
  const results: RecognitionResult[] = [];
  const sink = async (source: AsyncIterable<RecognitionResult>) => {
    for await (const r of source) results.push(r);
  };
  if (audio === undefined) {
    await sink(stream);
    return results;
  }
  async function* pieces() {
    for (let at = 0; at < audio!.length; at += writeBytes) yield audio!.subarray(at, at + writeBytes);
  }
  await pipeline(Readable.from(pieces()), stream, sink);
  return results;
}

function finalsOf(results: RecognitionResult[], channelTag: string): string[] {
  return results.filter((r) => r.final && r.channelTag === channelTag).map((r) => r.text);
}

/** Faults at random points of the sessions the two channels open between them. */
function addFaults(emulator: Emulator, seed: number): void {
  const random = seededRandom(seed);
  const actions = ['fail', 'drop', 'end', 'refuse'] as const;
  for (let session = 1; session < 40; session += 2 + Math.floor(random() * 3)) {
    emulator.addFault({ session, action: actions[Math.floor(random() * actions.length)]!, status: 'UNAVAILABLE', afterAudioMs: Math.floor(1_000 + random() * 15_000) });
  }
}

function counted(stream: MultiChannelStream) {
  const rollovers: (RolloverEvent & { channelTag: string })[] = [];
  const retries: (RetryEvent & { channelTag: string })[] = [];
  stream.on('rollover', (e) => rollovers.push(e));
  stream.on('retry', (e) => retries.push(e));
  return { rollovers, retries };
}

describe('multi-channel streams: every channel exactly, per channelTag', () => {
  it.each(['v2', 'v3'] as const)('%s: a stereo WAV with different digits on each channel, through rollovers and injected failures', async (api) => {
    const left = dialledStream(4, 16000, 11);
    const right = dialledStream(3, 16000, 12);
    const wav = multiChannelWav(interleave([left.pcm, right.pcm]), 2, 16000);
    const limits = { maxAudioMs: 25_000, maxBytes: 10_000_000 };
    await withEmulator({ limits }, async (emulator) => {
      addFaults(emulator, api === 'v2' ? 5 : 6);
      const stream = new MultiChannelStream({
        ...streamOptions(emulator, { api, pace: 200, sessionLimits: limits, retry: quickRetry, ...(api === 'v3' && { folderId: 'b1gfolder' }) }),
        channelNames: ['caller', 'agent'],
      });
      const t = counted(stream);
      const results = await recognizeAll(stream, wav);
      expect(stream.channelCount).toBe(2);
      expect(stream.layout).toMatchObject({ channels: 2, audioEncoding: 'LINEAR16_PCM', sampleRateHertz: 16000, source: 'wav-header' });
      if (api === 'v2') {
        expect(finalsOf(results, '0')).toEqual(left.utterances);
        expect(finalsOf(results, '1')).toEqual(right.utterances);
      } else {
        expectExactV3(results.filter((r) => r.channelTag === '0'), left.utterances);
        expectExactV3(results.filter((r) => r.channelTag === '1'), right.utterances);
      }
      expect(results.every((r) => r.channelName === (r.channelTag === '0' ? 'caller' : 'agent'))).toBe(true);
      // Each channel rolled over and recovered on its own.
      for (const tag of ['0', '1']) {
        expect(t.rollovers.filter((r) => r.channelTag === tag).length).toBeGreaterThanOrEqual(3);
      }
      expect(t.retries.length).toBeGreaterThanOrEqual(3);
      // Each channel's finals in its own audio order, on the whole-stream timeline.
      for (const tag of ['0', '1']) {
        const finals = results.filter((r) => r.final && r.channelTag === tag);
        for (let i = 1; i < finals.length; i++) expect(finals[i]!.startMs!).toBeGreaterThan(finals[i - 1]!.endMs!);
      }
      expect(emulator.sessions.filter((s) => s.status?.name !== 'OK').length).toBeGreaterThanOrEqual(3);
    });
  }, 120_000);

  it('raw interleaved µ-law with audioChannelCount: 3', async () => {
    const tracks = [dialledStream(0.5, 8000, 21), dialledStream(0.5, 8000, 22), dialledStream(0.5, 8000, 23)];
    const mulaw = tracks.map((t) => pcmToG711(t.pcm, 'MULAW'));
    await withEmulator({}, async (emulator) => {
      const stream = new MultiChannelStream({ ...streamOptions(emulator, { audioEncoding: 'MULAW', pace: 50 }), audioChannelCount: 3 });
      const results = await recognizeAll(stream, interleave(mulaw, 1, 0xff), 2_001);
      tracks.forEach((track, i) => expect(finalsOf(results, String(i))).toEqual(track.utterances));
      expect(stream.layout).toMatchObject({ channels: 3, audioEncoding: 'MULAW', source: 'options' });
    });
  }, 60_000);

  it('separate tracks (a media server\'s two legs), each its own readable', async () => {
    const a = dialledStream(1, 8000, 31);
    const b = dialledStream(1.5, 8000, 32);
    const track = (pcm: Buffer) => Readable.from((function* () {
      for (let at = 0; at < pcm.length; at += 1_600) yield pcm.subarray(at, at + 1_600);
    })());
    await withEmulator({}, async (emulator) => {
      const stream = new MultiChannelStream({ ...streamOptions(emulator, { sampleRateHertz: 8000, pace: 100 }), channels: [track(a.pcm), track(b.pcm)] });
      const results = await recognizeAll(stream, undefined);
      expect(finalsOf(results, '0')).toEqual(a.utterances);
      expect(finalsOf(results, '1')).toEqual(b.utterances);
      expect(results.some((r) => r.channelName !== undefined)).toBe(false);
    });
  }, 60_000);

  it('a reader that stops reading stops every channel\'s intake (bounded), and all comes out once it reads', async () => {
    const left = dialledStream(2, 8000, 41);
    const right = dialledStream(2, 8000, 42);
    const wav = multiChannelWav(interleave([left.pcm, right.pcm]), 2, 8000);
    await withEmulator({}, async (emulator) => {
      const stream = new MultiChannelStream(streamOptions(emulator, { pace: 0, readableHighWaterMark: 1, maxBufferedMs: 2_000 }));
      let taken = 0;
      const source = Readable.from((function* () {
        for (let at = 0; at < wav.length; at += 3_200) {
          taken += Math.min(3_200, wav.length - at);
          yield wav.subarray(at, at + 3_200);
        }
      })());
      source.pipe(stream);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // Nothing read: the channels' results fill their buffers, their sessions stop, and so the writer.
      expect(taken).toBeLessThan(wav.length / 3);
      const results = await recognizeAll(stream, undefined);
      expect(finalsOf(results, '0')).toEqual(left.utterances);
      expect(finalsOf(results, '1')).toEqual(right.utterances);
      expect(taken).toBe(wav.length);
    });
  }, 60_000);

  it('speechStart / speechEnd per channel, one turn per utterance, in audio order', async () => {
    const left = dialledStream(0.5, 8000, 51);
    const right = dialledStream(0.5, 8000, 52);
    const wav = multiChannelWav(interleave([left.pcm, right.pcm]), 2, 8000);
    await withEmulator({}, async (emulator) => {
      const stream = new MultiChannelStream(streamOptions(emulator, { pace: 50, voiceActivity: true }));
      const turns: string[] = [];
      const at: Record<string, number[]> = { '0': [], '1': [] };
      stream.on('speechStart', (e) => {
        turns.push(`${e.channelTag}:start`);
        at[e.channelTag]!.push(e.atMs);
      });
      stream.on('speechEnd', (e) => {
        turns.push(`${e.channelTag}:end`);
        at[e.channelTag]!.push(e.atMs);
      });
      const results = await recognizeAll(stream, wav);
      for (const [tag, track] of [['0', left], ['1', right]] as const) {
        const own = turns.filter((t) => t.startsWith(tag));
        expect(own).toEqual(track.utterances.flatMap(() => [`${tag}:start`, `${tag}:end`]));
        expect(at[tag]).toEqual([...at[tag]!].sort((x, y) => x - y));
        expect(finalsOf(results, tag)).toEqual(track.utterances);
      }
    });
  }, 60_000);
});

describe('a channel silent for long costs no session', () => {
  it.each(['v2', 'v3'] as const)('%s: silentChannelMs closes its session through the silence; its results stay on the recording\'s timeline', async (api) => {
    // The agent talks, then is silent for 40 s while the caller talks on, then talks again.
    const callerUtterances = Array.from({ length: 30 }, (_, i) => String((i * 7) % 100));
    const caller = dialledDigitsPcm(callerUtterances, { sampleRate: 8000 });
    const agentUtterances = ['12', '3', '45', '6'];
    const agentLayout = { sampleRate: 8000 as const, leadMs: 300, utteranceGapMs: 1_000 };
    const before = dialledDigitsPcm(agentUtterances.slice(0, 2), { ...agentLayout, trailMs: 40_000 });
    const after = dialledDigitsPcm(agentUtterances.slice(2), agentLayout);
    const agent = Buffer.concat([before, after]);
    const wav = multiChannelWav(interleave([caller, agent]), 2, 8000);
    await withEmulator({}, async (emulator) => {
      const stream = new MultiChannelStream({
        // Pace 5: the 40 s of silence last 8 s on the wall, longer than a session may go without a message.
        ...streamOptions(emulator, { api, pace: 5, ...(api === 'v3' && { folderId: 'b1gfolder' }) }),
        silentChannelMs: 3_000,
      });
      const sessions: Record<string, number> = { '0': 0, '1': 0 };
      const idles: { channelTag: string; atMs: number }[] = [];
      stream.on('session', (e) => sessions[e.channelTag]!++);
      stream.on('idle', (e) => idles.push(e));
      const results = await recognizeAll(stream, wav, 3_200);
      const text = (tag: string) => results.filter((r) => r.final && r.channelTag === tag).map((r) => (api === 'v3' ? r.text.replace(/ /g, '') : r.text));
      const words = (s: string) => [...s].map((d) => ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][Number(d)]).join('');
      expect(text('0')).toEqual(api === 'v3' ? callerUtterances.map(words) : callerUtterances);
      expect(text('1')).toEqual(api === 'v3' ? agentUtterances.map(words) : agentUtterances);
      // The agent's session closed in the silence and a new one opened when it spoke again.
      expect(idles.filter((e) => e.channelTag === '1').length).toBeGreaterThanOrEqual(1);
      expect(sessions['1']).toBe(2);
      expect(sessions['0']).toBe(1);
      // The agent's later finals are where the recording has them, not 40 s early.
      const layout = dialledDigitsLayout(agentUtterances.slice(2), agentLayout);
      const offset = before.length / 16;
      const late = results.filter((r) => r.final && r.channelTag === '1').slice(2);
      expect(late.map((r) => r.startMs)).toEqual([0, 1].map((u) => offset + layout.tones.find((t) => t.utterance === u)!.startMs));
      // Its sessions together heard far less than the recording.
      const heardMs = emulator.sessions.reduce((sum, s) => sum + s.audioMs, 0);
      expect(heardMs).toBeLessThan((caller.length / 16) + (agent.length / 16) - 30_000);
    });
  }, 120_000);
});
