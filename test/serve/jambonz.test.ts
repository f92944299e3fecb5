import { describe, expect, it } from 'vitest';
import { createJambonzServer, type ServeServer } from '../../src/serve/index.js';
import { withEmulator } from '../helpers/emulator.js';
import { dialled, Lines, numbersFor, recognizerFor, sendAll, wsClient } from './helpers.js';

interface Transcription {
  type: string;
  is_final?: boolean;
  alternatives?: { transcript: string; confidence: number }[];
  channel?: number;
  error?: string;
  code?: string;
}

/** jambonz's side of the custom STT API: `start`, binary LINEAR16, `stop`; the server closes. */
async function jambonzSession(server: ServeServer, start: Record<string, unknown>, pcm: Buffer, options: { stop?: boolean; headers?: Record<string, string> } = {}) {
  const client = wsClient(server.url);
  await client.opened;
  client.ws.send(JSON.stringify({ type: 'start', language: 'en-US', format: 'raw', encoding: 'LINEAR16', sampleRateHz: 8000, interimResults: false, ...start }));
  const rate = Number(start.sampleRateHz ?? 8000);
  // jambonz sends 20 ms of audio per frame; some frames cut mid-sample to check the server joins them.
  await sendAll((frame) => client.ws.send(frame), pcm, (rate / 50) * 2 + 1);
  if (options.stop !== false) client.ws.send(JSON.stringify({ type: 'stop' }));
  return { ...client, replies: client.replies as unknown as Transcription[] };
}

const finalsOf = (replies: Transcription[]) => replies.filter((r) => r.type === 'transcription' && r.is_final).map((r) => r.alternatives?.[0]?.transcript);

describe('serve --protocol jambonz', () => {
  it('recognizes 50 concurrent sessions and answers each with its own transcriptions', async () => {
    await withEmulator({ recordAudio: false }, async (emulator) => {
      const lines = new Lines();
      const server = await createJambonzServer({ recognizer: recognizerFor(emulator), onLine: lines.push });
      try {
        const numbers = numbersFor(50, 7);
        const sessions = await Promise.all(
          numbers.map((n, i) => {
            // Every fifth at 16 kHz, every other one with interim results.
            const rate = i % 5 === 0 ? 16000 : 8000;
            return jambonzSession(server, { callSid: `jz-${i}`, sampleRateHz: rate, interimResults: i % 2 === 0 }, dialled(n, rate));
          }),
        );
        const codes = await Promise.all(sessions.map((s) => s.closed));
        expect(codes).toEqual(sessions.map(() => 1000));
        numbers.forEach((n, i) => {
          const replies = sessions[i]!.replies;
          expect(finalsOf(replies), `jz-${i}`).toEqual(n);
          expect(replies.every((r) => r.type === 'transcription' && r.channel === 1)).toBe(true);
          // Interim results only where `start` asked for them.
          expect(replies.some((r) => r.is_final === false)).toBe(i % 2 === 0);
          expect(lines.finals(`jz-${i}`)).toEqual(n);
          expect(lines.of(`jz-${i}`).at(-1)).toEqual({ call: `jz-${i}`, type: 'end' });
        });
        // Partial lines only with `partial`; interim replies do not make them.
        expect(lines.all.some((l) => l.type === 'partial')).toBe(false);
        expect(lines.errors()).toEqual([]);
        expect(emulator.sessions).toHaveLength(50);
        expect(server.activeCalls()).toBe(0);
      } finally {
        await server.close();
      }
    });
  }, 60_000);

  it('refuses a wrong api key, answers bad input with an error message, and a vanished peer still gets its digits', async () => {
    await withEmulator({}, async (emulator) => {
      const lines = new Lines();
      const server = await createJambonzServer({ recognizer: recognizerFor(emulator), onLine: lines.push, apiKey: 'portal-key' });
      try {
        const { WebSocket } = await import('ws');
        const refused = await new Promise<number>((resolve) => {
          const ws = new WebSocket(server.url, { headers: { authorization: 'Bearer wrong' } });
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          ws.on('error', () => undefined);
        });
        expect(refused).toBe(401);
        const authed = (url: string) => wsClient(url, undefined, { authorization: 'Bearer portal-key' });

        const healthy = authed(server.url);
        await healthy.opened;
        healthy.ws.send(JSON.stringify({ type: 'start', callSid: 'ok', format: 'raw', encoding: 'LINEAR16', sampleRateHz: 8000 }));
        await sendAll((f) => healthy.ws.send(f), dialled(['909'], 8000), 320);
        healthy.ws.send(JSON.stringify({ type: 'stop' }));

        // µ-law is not what the API sends: an error reply, then the server closes.
        const mulaw = authed(server.url);
        await mulaw.opened;
        mulaw.ws.send(JSON.stringify({ type: 'start', callSid: 'mulaw', format: 'raw', encoding: 'MULAW', sampleRateHz: 8000 }));
        expect(await mulaw.closed).toBe(1007);
        expect(mulaw.replies).toMatchObject([{ type: 'error', code: 'SPEECHKIT_ERR_SERVE_BAD_FORMAT', error: expect.stringContaining('LINEAR16') }]);
        // Audio before start; a control message that is not JSON mid-call.
        const early = authed(server.url);
        await early.opened;
        early.ws.send(Buffer.alloc(320));
        expect(await early.closed).toBe(1007);
        const garbled = authed(server.url);
        await garbled.opened;
        garbled.ws.send(JSON.stringify({ type: 'start', callSid: 'garbled', format: 'raw', encoding: 'LINEAR16', sampleRateHz: 8000 }));
        await sendAll((f) => garbled.ws.send(f), dialled(['12'], 8000), 320);
        garbled.ws.send('{stop');
        expect(await garbled.closed).toBe(1007);
        expect(garbled.replies.at(-1)).toMatchObject({ type: 'error', code: 'SPEECHKIT_ERR_SERVE_BAD_FRAME' });
        // Gone without stop.
        const gone = authed(server.url);
        await gone.opened;
        gone.ws.send(JSON.stringify({ type: 'start', callSid: 'gone', format: 'raw', encoding: 'LINEAR16', sampleRateHz: 8000 }));
        await sendAll((f) => gone.ws.send(f), dialled(['47'], 8000), 320);
        await expect.poll(() => lines.finals('gone')).toEqual(['47']);
        gone.ws.terminate();

        for (const call of ['ok', 'garbled', 'gone']) await lines.ended(call);
        expect(await healthy.closed).toBe(1000);
        expect(finalsOf(healthy.replies as unknown as Transcription[])).toEqual(['909']);
        const errorCodes = (call: string) => lines.of(call).flatMap((l) => (l.type === 'error' ? [l.code] : []));
        expect(errorCodes('ok')).toEqual([]);
        expect(errorCodes('mulaw')).toEqual(['SPEECHKIT_ERR_SERVE_BAD_FORMAT']);
        expect(errorCodes('garbled')).toEqual(['SPEECHKIT_ERR_SERVE_BAD_FRAME']);
        expect(lines.finals('garbled')).toEqual(['12']);
        expect(errorCodes('gone')).toEqual(['SPEECHKIT_ERR_SERVE_HANGUP']);
        expect(lines.errors().filter((l) => !('call' in l) || l.call === undefined)).toMatchObject([{ code: 'SPEECHKIT_ERR_SERVE_BAD_FRAME' }]);
        expect(server.activeCalls()).toBe(0);
        await expect.poll(() => server.connections()).toBe(0);
      } finally {
        await server.close();
      }
    });
  });

  it('ends the call of a peer that reads none of its replies (slow consumer); the others go on', async () => {
    const { WebSocket } = await import('ws');
    // A peer that stops reading leaves replies in the server's socket once the kernel's buffers
    // (hundreds of KB on loopback) are full. That much text takes thousands of replies, so the
    // test stands in for the full buffers: the server-side socket of the slow peer reports a
    // backlog, read where ws itself reports it.
    const slowPorts = new Set<number>();
    const own = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'bufferedAmount')!;
    Object.defineProperty(WebSocket.prototype, 'bufferedAmount', {
      configurable: true,
      get(this: InstanceType<typeof WebSocket> & { _socket?: { remotePort?: number } }) {
        const real = own.get!.call(this) as number;
        return slowPorts.has(this._socket?.remotePort ?? -1) ? real + 2 * 1024 * 1024 : real;
      },
    });
    try {
      await withEmulator({}, async (emulator) => {
        const lines = new Lines();
        const server = await createJambonzServer({ recognizer: recognizerFor(emulator), onLine: lines.push });
        try {
          const slow = wsClient(server.url);
          const fine = wsClient(server.url);
          await Promise.all([slow.opened, fine.opened]);
          slowPorts.add((slow.ws as unknown as { _socket: { localPort: number } })._socket.localPort);
          for (const [client, callSid] of [[slow, 'slow'], [fine, 'fine']] as const) {
            client.ws.send(JSON.stringify({ type: 'start', callSid, format: 'raw', encoding: 'LINEAR16', sampleRateHz: 8000, interimResults: true }));
            await sendAll((f) => client.ws.send(f), dialled(['21', '43'], 8000), 320);
            client.ws.send(JSON.stringify({ type: 'stop' }));
          }
          expect(await slow.closed).toBe(1006);
          expect(await fine.closed).toBe(1000);
          await Promise.all([lines.ended('slow'), lines.ended('fine')]);
          expect(lines.of('slow').filter((l) => l.type === 'error')).toMatchObject([{ code: 'SPEECHKIT_ERR_SERVE_SLOW_CONSUMER' }]);
          expect(finalsOf(fine.replies as unknown as Transcription[])).toEqual(['21', '43']);
          expect(lines.finals('fine')).toEqual(['21', '43']);
          expect(lines.of('fine').some((l) => l.type === 'error')).toBe(false);
          expect(server.activeCalls()).toBe(0);
        } finally {
          await server.close();
        }
      });
    } finally {
      Object.defineProperty(WebSocket.prototype, 'bufferedAmount', own);
    }
  });
});
