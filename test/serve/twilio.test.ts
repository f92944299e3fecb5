import { describe, expect, it } from 'vitest';
import { pcmToG711 } from '../../src/emulator/index.js';
import { createTwilioServer, type ServeServer } from '../../src/serve/index.js';
import { withEmulator } from '../helpers/emulator.js';
import { dialled, Lines, numbersFor, recognizerFor, wsClient } from './helpers.js';

/** A Twilio Media Streams sender, written from Twilio's message reference: connected, start, media…, stop. */
async function twilioCall(server: ServeServer, streamSid: string, tracks: Record<string, Buffer>, options: { stop?: boolean } = {}) {
  const client = wsClient(server.url);
  await client.opened;
  let sequence = 1;
  const send = (message: object) => client.ws.send(JSON.stringify({ ...message, sequenceNumber: String(sequence++) }));
  client.ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
  send({
    event: 'start',
    streamSid,
    start: {
      streamSid,
      accountSid: 'AC0000',
      callSid: `CA-${streamSid}`,
      tracks: Object.keys(tracks),
      customParameters: {},
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
  });
  // Twilio sends each track's 20 ms packets (160 µ-law bytes) as they come, tracks interleaved.
  const names = Object.keys(tracks);
  const longest = Math.max(...names.map((n) => tracks[n]!.length));
  const chunks = { inbound: 0, outbound: 0 } as Record<string, number>;
  for (let at = 0, n = 0; at < longest; at += 160, n++) {
    for (const track of names) {
      const audio = tracks[track]!;
      if (at >= audio.length) continue;
      chunks[track]!++;
      send({ event: 'media', streamSid, media: { track, chunk: String(chunks[track]), timestamp: String(n * 20), payload: audio.subarray(at, at + 160).toString('base64') } });
    }
    if (n % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  send({ event: 'dtmf', streamSid, dtmf: { track: 'inbound_track', digit: '#' } });
  if (options.stop !== false) send({ event: 'stop', streamSid, stop: { accountSid: 'AC0000', callSid: `CA-${streamSid}` } });
  return client;
}

describe('serve --protocol twilio', () => {
  it('recognizes 50 concurrent streams, each track on its own channel, exactly its digits', async () => {
    await withEmulator({ recordAudio: false }, async (emulator) => {
      const lines = new Lines();
      const server = await createTwilioServer({ recognizer: recognizerFor(emulator), onLine: lines.push });
      try {
        const inbound = numbersFor(50, 15);
        const outbound = numbersFor(50, 1515).map(([n, pin]) => [pin!, String(Number(n) + 5000)]);
        const clients = await Promise.all(
          inbound.map((numbers, i) =>
            twilioCall(server, `MZ${i}`, { inbound: pcmToG711(dialled(numbers, 8000), 'MULAW'), outbound: pcmToG711(dialled(outbound[i]!, 8000), 'MULAW') }),
          ),
        );
        await Promise.all(inbound.map((_, i) => lines.ended(`MZ${i}`)));
        for (let i = 0; i < 50; i++) {
          const call = `MZ${i}`;
          expect(lines.finals(call, '0'), call).toEqual(inbound[i]);
          expect(lines.finals(call, '1'), call).toEqual(outbound[i]);
          expect(lines.of(call)).toContainEqual({ call, channelTag: '0', type: 'dtmf', digit: '#' });
          expect(lines.of(call).at(-1)).toEqual({ call, type: 'end' });
        }
        expect(lines.errors()).toEqual([]);
        // The server closes each stream once its last final is out.
        expect(await Promise.all(clients.map((c) => c.closed))).toEqual(clients.map(() => 1000));
        expect(emulator.sessions).toHaveLength(100);
        expect(server.activeCalls()).toBe(0);
      } finally {
        await server.close();
      }
    });
  }, 60_000);

  it('answers bad input with a typed error line and closes that stream only; a vanished peer still gets its digits so far', async () => {
    await withEmulator({}, async (emulator) => {
      const lines = new Lines();
      const server = await createTwilioServer({ recognizer: recognizerFor(emulator), onLine: lines.push });
      try {
        const good = pcmToG711(dialled(['4242', '77'], 8000), 'MULAW');
        const healthy = twilioCall(server, 'MZgood', { inbound: good });

        // Not JSON, mid-call: the stream's error line, its digits so far, its end; the peer is told 1007.
        const broken = await twilioCall(server, 'MZbroken', { inbound: pcmToG711(dialled(['55'], 8000), 'MULAW') }, { stop: false });
        broken.ws.send('{"event": "media", "media": ');
        expect(await broken.closed).toBe(1007);
        await lines.ended('MZbroken');
        expect(lines.of('MZbroken').filter((l) => l.type === 'error')).toMatchObject([{ call: 'MZbroken', code: 'SPEECHKIT_ERR_SERVE_BAD_FRAME' }]);
        expect(lines.finals('MZbroken')).toEqual(['55']);

        // A mediaFormat Twilio does not send: refused before any recognizer starts.
        const alaw = wsClient(server.url);
        await alaw.opened;
        alaw.ws.send(JSON.stringify({ event: 'start', start: { streamSid: 'MZalaw', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 } } }));
        expect(await alaw.closed).toBe(1007);
        // Media before start, and a binary frame: each refused on its own connection.
        const early = wsClient(server.url);
        await early.opened;
        early.ws.send(JSON.stringify({ event: 'media', media: { track: 'inbound', payload: 'AAAA' } }));
        expect(await early.closed).toBe(1007);
        const binary = wsClient(server.url);
        await binary.opened;
        binary.ws.send(Buffer.from([1, 2, 3]));
        expect(await binary.closed).toBe(1007);

        // Gone mid-call without stop (the TCP connection just drops): HANGUP, and what arrived is recognized.
        const gone = await twilioCall(server, 'MZgone', { inbound: pcmToG711(dialled(['31'], 8000), 'MULAW') }, { stop: false });
        gone.ws.terminate();
        await lines.ended('MZgone');
        expect(lines.of('MZgone').filter((l) => l.type === 'error')).toMatchObject([{ call: 'MZgone', code: 'SPEECHKIT_ERR_SERVE_HANGUP' }]);
        expect(lines.finals('MZgone')).toEqual(['31']);

        await (await healthy).closed;
        await lines.ended('MZgood');
        expect(lines.finals('MZgood')).toEqual(['4242', '77']);
        expect(lines.of('MZgood').filter((l) => l.type === 'error')).toEqual([]);
        const codes = lines.errors().map((l) => (l.type === 'error' ? [l.call, l.code] : []));
        expect(codes).toEqual(
          expect.arrayContaining([
            ['MZalaw', 'SPEECHKIT_ERR_SERVE_BAD_FORMAT'],
            [undefined, 'SPEECHKIT_ERR_SERVE_BAD_FRAME'],
          ]),
        );
        expect(codes).toHaveLength(5);
        expect(server.activeCalls()).toBe(0);
        // Nothing left behind: no call, no connection, no recognizer session still open.
        await expect.poll(() => server.connections()).toBe(0);
        expect(emulator.sessions.every((s) => s.status !== undefined)).toBe(true);
      } finally {
        await server.close();
      }
    });
  });

  it('a track whose recognizer fails while the socket is held back (backpressure) lets the stream go on to its stop', async () => {
    await withEmulator({}, async (emulator) => {
      // The recognizer takes audio at real time, so the burst below fills it and the socket is paused;
      // then the service refuses the session (not retried).
      emulator.addFault({ action: 'fail', status: 'INVALID_ARGUMENT', afterAudioMs: 500 });
      const lines = new Lines();
      const server = await createTwilioServer({ recognizer: { ...recognizerFor(emulator), pace: 1 }, onLine: lines.push });
      try {
        const client = await twilioCall(server, 'MZheld', { inbound: pcmToG711(dialled(['1', '2', '3'], 8000), 'MULAW') });
        // The stop after the audio must still be read: the call ends, the stream closes normally.
        expect(await client.closed).toBe(1000);
        await lines.ended('MZheld');
        expect(lines.of('MZheld').filter((l) => l.type === 'error')).toMatchObject([{ channelTag: '0', code: 'SPEECHKIT_ERR_INVALID_ARGUMENT' }]);
        expect(server.activeCalls()).toBe(0);
      } finally {
        await server.close();
      }
    });
  }, 20_000);
});
