import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AudioSocketKind, AudioSocketReader, audioSocketFrame } from '../../src/serve/audiosocket-frames.js';
import { createAudioSocketServer, type ServeServer } from '../../src/serve/index.js';
import { seededRandom } from '../helpers/dialled.js';
import { withEmulator } from '../helpers/emulator.js';
import { dialled, Lines, numbersFor, recognizerFor } from './helpers.js';

/** A UUID's 16 bytes and its canonical string. */
function uuid(i: number): { bytes: Buffer; text: string } {
  const bytes = Buffer.from(`0b1e3c5d7f90412a8b3c${String(i).padStart(12, '0')}`, 'hex');
  const hex = bytes.toString('hex');
  return { bytes, text: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
}

/** Asterisk's side, from the AudioSocket definition: UUID, 20 ms slin frames, a DTMF digit, hang-up. */
function asteriskCall(id: Buffer, pcm: Buffer, tail: Buffer[] = [audioSocketFrame(AudioSocketKind.DTMF, Buffer.from('5')), audioSocketFrame(AudioSocketKind.HANGUP)]): Buffer {
  const frames = [audioSocketFrame(AudioSocketKind.UUID, id)];
  for (let at = 0; at < pcm.length; at += 320) frames.push(audioSocketFrame(AudioSocketKind.AUDIO, pcm.subarray(at, at + 320)));
  return Buffer.concat([...frames, ...tail]);
}

/** Writes `bytes` in seeded random pieces (TCP keeps no frame boundaries); resolves when the server closes. */
async function dial(server: ServeServer, bytes: Buffer, seed: number, end: 'fin' | 'none' = 'fin'): Promise<Socket> {
  const socket = connect({ port: server.port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  const random = seededRandom(seed);
  for (let at = 0, n = 0; at < bytes.length; n++) {
    const size = 1 + Math.floor(random() * 700);
    socket.write(bytes.subarray(at, at + size));
    at += size;
    if (n % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  if (end === 'fin') socket.end();
  return socket;
}

const closedBy = (socket: Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

describe('AudioSocket frames', () => {
  it('come out whole and in order however the bytes are cut', () => {
    const bytes = Buffer.concat([audioSocketFrame(1, Buffer.alloc(16, 7)), audioSocketFrame(0x10, Buffer.alloc(320, 1)), audioSocketFrame(3, Buffer.from('9')), audioSocketFrame(0)]);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const reader = new AudioSocketReader();
      const frames = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
      expect(frames.map((f) => [f.kind, f.payload.length]), `cut at ${cut}`).toEqual([[1, 16], [0x10, 320], [3, 1], [0, 0]]);
      expect(reader.pendingBytes).toBe(0);
    }
  });
});

describe('serve --protocol audiosocket', () => {
  it('recognizes 50 concurrent calls, each exactly its digits, named by its UUID', async () => {
    await withEmulator({ recordAudio: false }, async (emulator) => {
      const lines = new Lines();
      const server = await createAudioSocketServer({ recognizer: recognizerFor(emulator), onLine: lines.push });
      try {
        const numbers = numbersFor(50, 2019);
        const sockets = await Promise.all(numbers.map((n, i) => dial(server, asteriskCall(uuid(i).bytes, dialled(n, 8000)), i)));
        await Promise.all(numbers.map((_, i) => lines.ended(uuid(i).text)));
        numbers.forEach((n, i) => {
          const call = uuid(i).text;
          expect(lines.finals(call), call).toEqual(n);
          expect(lines.of(call)).toContainEqual({ call, channelTag: '0', type: 'dtmf', digit: '5' });
          expect(lines.of(call).at(-1)).toEqual({ call, type: 'end' });
        });
        expect(lines.errors()).toEqual([]);
        await Promise.all(sockets.map(closedBy));
        expect(emulator.sessions).toHaveLength(50);
        expect(server.activeCalls()).toBe(0);
      } finally {
        await server.close();
      }
    });
  }, 60_000);

  it('answers malformed frames, a wrong audio kind and a reset with typed error lines; other calls go on', async () => {
    await withEmulator({}, async (emulator) => {
      const lines = new Lines();
      const server = await createAudioSocketServer({ recognizer: recognizerFor(emulator), onLine: lines.push });
      try {
        const healthy = dial(server, asteriskCall(uuid(1).bytes, dialled(['8080', '12'], 8000)), 1);
        const audio = dialled(['66'], 8000);
        // Audio before the UUID: nothing to name the call by.
        await closedBy(await dial(server, audioSocketFrame(AudioSocketKind.AUDIO, Buffer.alloc(320)), 2, 'none'));
        // Half a sample; a 16 kHz kind; a kind the protocol does not have; a frame cut off by the FIN (a hang-up).
        const odd = asteriskCall(uuid(3).bytes, audio, [audioSocketFrame(AudioSocketKind.AUDIO, Buffer.alloc(3))]);
        const wide = asteriskCall(uuid(4).bytes, audio, [audioSocketFrame(0x12, Buffer.alloc(640))]);
        const unknown = asteriskCall(uuid(5).bytes, audio, [audioSocketFrame(0x42, Buffer.alloc(2))]);
        const truncated = Buffer.concat([asteriskCall(uuid(6).bytes, audio, []), Buffer.from([0x10, 0x01, 0x40, 0, 0])]);
        // Asterisk's own error frame, and a connection reset mid-call.
        const failed = asteriskCall(uuid(7).bytes, audio, [audioSocketFrame(AudioSocketKind.ERROR, Buffer.from([0x02]))]);
        await Promise.all([dial(server, odd, 3, 'none'), dial(server, wide, 4, 'none'), dial(server, unknown, 5, 'none'), dial(server, truncated, 6), dial(server, failed, 7, 'none')]);
        // Reset once the server has had the audio (a reset drops what is still in flight).
        const reset = await dial(server, asteriskCall(uuid(8).bytes, audio, []), 8, 'none');
        await expect.poll(() => lines.finals(uuid(8).text)).toEqual(['66']);
        reset.resetAndDestroy();
        for (const i of [3, 4, 5, 6, 7, 8]) await lines.ended(uuid(i).text);
        const errorOf = (i: number) => lines.of(uuid(i).text).filter((l) => l.type === 'error').map((l) => (l.type === 'error' ? l.code : ''));
        expect(errorOf(3)).toEqual(['SPEECHKIT_ERR_SERVE_BAD_FRAME']);
        expect(errorOf(4)).toEqual(['SPEECHKIT_ERR_SERVE_BAD_FORMAT']);
        expect(errorOf(5)).toEqual(['SPEECHKIT_ERR_SERVE_BAD_FRAME']);
        expect(errorOf(6)).toEqual(['SPEECHKIT_ERR_SERVE_HANGUP']);
        expect(errorOf(7)).toEqual(['SPEECHKIT_ERR_SERVE_HANGUP']);
        expect(errorOf(8)).toEqual(['SPEECHKIT_ERR_SERVE_HANGUP']);
        expect(lines.of(uuid(7).text).find((l) => l.type === 'error')).toMatchObject({ message: expect.stringContaining('frame forwarding failed') });
        // Each bad call's audio up to the fault is still recognized.
        for (const i of [3, 4, 5, 6, 7, 8]) expect(lines.finals(uuid(i).text), `call ${i}`).toEqual(['66']);
        expect(lines.errors().filter((l) => !('call' in l) || l.call === undefined)).toMatchObject([{ code: 'SPEECHKIT_ERR_SERVE_BAD_FRAME' }]);

        await closedBy(await healthy);
        await lines.ended(uuid(1).text);
        expect(lines.finals(uuid(1).text)).toEqual(['8080', '12']);
        expect(lines.of(uuid(1).text).some((l) => l.type === 'error')).toBe(false);
        expect(server.activeCalls()).toBe(0);
        await expect.poll(() => server.connections()).toBe(0);
      } finally {
        await server.close();
      }
    });
  });
});
