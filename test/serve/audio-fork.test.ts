import { describe, expect, it } from 'vitest';
import { createAudioForkServer, type ServeServer } from '../../src/serve/index.js';
import { StereoSplitter } from '../../src/serve/pcm-channels.js';
import { withEmulator } from '../helpers/emulator.js';
import { dialled, Lines, numbersFor, recognizerFor, sendAll, wsClient } from './helpers.js';

interface Reply {
  type: string;
  data?: { call?: string; channelTag?: string; is_final?: boolean; text?: string; code?: string };
}

/** Two mono legs as mod_audio_fork's stereo sends them: caller left, callee right, sample by sample. */
function interleave(left: Buffer, right: Buffer): Buffer {
  const samples = Math.max(left.length, right.length) / 2;
  const out = Buffer.alloc(samples * 4);
  for (let i = 0; i < samples; i++) {
    if (i * 2 < left.length) out.writeInt16LE(left.readInt16LE(i * 2), i * 4);
    if (i * 2 < right.length) out.writeInt16LE(right.readInt16LE(i * 2), i * 4 + 2);
  }
  return out;
}

/** FreeSWITCH's side: the metadata text frame, then L16 binary frames (20 ms each); `close` as `uuid_audio_fork stop` does. */
async function fork(server: ServeServer, metadata: Record<string, unknown>, pcm: Buffer, rate: number, channels: number) {
  const client = wsClient(server.url, 'audio.drachtio.org');
  await client.opened;
  client.ws.send(JSON.stringify(metadata));
  await sendAll((frame) => client.ws.send(frame), pcm, (rate / 50) * 2 * channels);
  return { ...client, replies: client.replies as unknown as Reply[] };
}

const finalReplies = (replies: Reply[], channelTag: string) =>
  replies.filter((r) => r.type === 'transcription' && r.data?.is_final && r.data.channelTag === channelTag).map((r) => r.data?.text);

describe('serve --protocol audio-fork', () => {
  it('splits stereo forks into two tracks, recognizes 50 concurrent forks and answers each with transcription frames', async () => {
    await withEmulator({ recordAudio: false }, async (emulator) => {
      const lines = new Lines();
      const server = await createAudioForkServer({ recognizer: recognizerFor(emulator), onLine: lines.push });
      try {
        const callers = numbersFor(50, 99);
        const callees = numbersFor(50, 990).map(([n, pin]) => [pin!, String(Number(n) + 3000)]);
        const layouts = callers.map((_, i) => ({ mix: (['mono', 'mixed', 'stereo'] as const)[i % 3], rate: i % 4 === 0 ? 16000 : 8000 }));
        const forks = await Promise.all(
          callers.map((caller, i) => {
            const { mix, rate } = layouts[i]!;
            const left = dialled(caller, rate as 8000 | 16000);
            const pcm = mix === 'stereo' ? interleave(left, dialled(callees[i]!, rate as 8000 | 16000)) : left;
            // jambonz's listen puts sampleRate and mixType in the metadata; the rest name only the call.
            const metadata = i % 2 === 0 ? { callId: `fs-${i}`, sampleRate: rate, mixType: mix } : { uuid: `fs-${i}`, sampleRate: `${rate / 1000}k`, mixType: mix, from: '+15550100' };
            return fork(server, metadata, pcm, rate, mix === 'stereo' ? 2 : 1);
          }),
        );
        // FreeSWITCH hangs up once the caller is done; here, once the transcriptions are in.
        await Promise.all(
          forks.map(async (f, i) => {
            const want = callers[i]!.length + (layouts[i]!.mix === 'stereo' ? callees[i]!.length : 0);
            await expect.poll(() => f.replies.filter((r) => r.data?.is_final).length, { timeout: 20_000 }).toBe(want);
            f.ws.close(1000);
          }),
        );
        await Promise.all(callers.map((_, i) => lines.ended(`fs-${i}`)));
        callers.forEach((caller, i) => {
          const call = `fs-${i}`;
          expect(finalReplies(forks[i]!.replies, '0'), call).toEqual(caller);
          expect(lines.finals(call, '0'), call).toEqual(caller);
          const stereo = layouts[i]!.mix === 'stereo';
          expect(finalReplies(forks[i]!.replies, '1'), call).toEqual(stereo ? callees[i] : []);
          expect(lines.finals(call, '1'), call).toEqual(stereo ? callees[i] : []);
          expect(forks[i]!.replies.every((r) => r.data?.call === call)).toBe(true);
          expect(lines.of(call).at(-1)).toEqual({ call, type: 'end' });
        });
        expect(lines.errors()).toEqual([]);
        expect(emulator.sessions).toHaveLength(50 + layouts.filter((l) => l.mix === 'stereo').length);
        expect(server.activeCalls()).toBe(0);
      } finally {
        await server.close();
      }
    });
  }, 60_000);

  it('a fork closed right after its audio is still recognized to the end; bad input gets error frames; a broken link is a hang-up', async () => {
    await withEmulator({}, async (emulator) => {
      const lines = new Lines();
      const server = await createAudioForkServer({ recognizer: recognizerFor(emulator), onLine: lines.push, sampleRateHertz: 16000, mixType: 'stereo' });
      try {
        // The server's defaults (16 kHz stereo) apply to metadata that says nothing of the audio.
        const quick = await fork(server, { callId: 'quick' }, interleave(dialled(['321'], 16000), dialled(['64'], 16000)), 16000, 2);
        quick.ws.close(1000);

        const notJson = wsClient(server.url);
        await notJson.opened;
        notJson.ws.send('caller=1000');
        expect(await notJson.closed).toBe(1007);
        expect(notJson.replies).toMatchObject([{ type: 'error', data: { code: 'SPEECHKIT_ERR_SERVE_BAD_FRAME' } }]);
        const early = wsClient(server.url);
        await early.opened;
        early.ws.send(Buffer.alloc(640));
        expect(await early.closed).toBe(1007);
        const wrongRate = wsClient(server.url);
        await wrongRate.opened;
        wrongRate.ws.send(JSON.stringify({ callId: 'wrong-rate', sampleRate: 44100 }));
        expect(await wrongRate.closed).toBe(1007);
        expect(wrongRate.replies).toMatchObject([{ type: 'error', data: { code: 'SPEECHKIT_ERR_SERVE_BAD_FORMAT' } }]);
        // Larger than any frame the module sends: ws refuses it (1009) and the call ends with what it had.
        const huge = await fork(server, { callId: 'huge', mixType: 'mono' }, dialled(['5'], 16000), 16000, 1);
        huge.ws.send(Buffer.alloc(2 * 1024 * 1024));
        expect(await huge.closed).toBe(1009);
        const broken = await fork(server, { callId: 'broken', mixType: 'mono' }, dialled(['88'], 16000), 16000, 1);
        await expect.poll(() => lines.finals('broken')).toEqual(['88']);
        broken.ws.terminate();

        // A fork refused at its metadata never started: its error line names it, and no `end` follows.
        for (const call of ['quick', 'huge', 'broken']) await lines.ended(call);
        expect(lines.of('wrong-rate').map((l) => l.type)).toEqual(['error']);
        expect(lines.finals('quick', '0')).toEqual(['321']);
        expect(lines.finals('quick', '1')).toEqual(['64']);
        const errorCodes = (call: string) => lines.of(call).flatMap((l) => (l.type === 'error' ? [l.code] : []));
        expect(errorCodes('quick')).toEqual([]);
        expect(errorCodes('wrong-rate')).toEqual(['SPEECHKIT_ERR_SERVE_BAD_FORMAT']);
        expect(errorCodes('huge')).toEqual(['SPEECHKIT_ERR_SERVE_BAD_FRAME']);
        expect(lines.finals('huge')).toEqual(['5']);
        expect(errorCodes('broken')).toEqual(['SPEECHKIT_ERR_SERVE_HANGUP']);
        expect(server.activeCalls()).toBe(0);
        await expect.poll(() => server.connections()).toBe(0);
      } finally {
        await server.close();
      }
    });
  });

  it('keeps stereo samples paired across frames cut anywhere', () => {
    const left = Buffer.from([1, 0, 2, 0, 3, 0]);
    const right = Buffer.from([9, 0, 8, 0, 7, 0]);
    const both = interleave(left, right);
    for (let cut = 0; cut <= both.length; cut++) {
      const splitter = new StereoSplitter();
      const [l1, r1] = splitter.push(both.subarray(0, cut));
      const [l2, r2] = splitter.push(both.subarray(cut));
      expect(Buffer.concat([l1, l2]), `cut ${cut}`).toEqual(left);
      expect(Buffer.concat([r1, r2]), `cut ${cut}`).toEqual(right);
    }
  });
});
