import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm, pcmToG711 } from '../../src/emulator/index.js';
// @ts-expect-error The example is plain JavaScript, run as users run it.
import { startBridge } from '../../examples/telephony-bridge/bridge.js';
import { FLUSH_SILENCE_MS } from '../../src/session/end-flush.js';
import { seededRandom } from '../helpers/dialled.js';
import { EMULATOR_IAM_TOKEN, withEmulator } from '../helpers/emulator.js';

interface Line {
  call?: string;
  type: string;
  text?: string;
  code?: string;
}

interface Caller {
  id: string;
  utterances: string[];
  audio: Buffer;
  lines: Line[];
  done: Promise<void>;
}

/** A caller: connects, sends its header, then its audio in 20 ms packets as `tick()` says, then hangs up. */
function dial(port: number, id: string, utterances: string[], encoding: 'MULAW' | 'ALAW') {
  const audio = pcmToG711(dialledDigitsPcm(utterances, { sampleRate: 8000, toneMs: 80, toneGapMs: 70, utteranceGapMs: 900, trailMs: 900 }), encoding);
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const lines: Line[] = [];
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    buffered += text;
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, i)) as Line);
      buffered = buffered.slice(i + 1);
    }
  });
  const done = new Promise<void>((resolve, reject) => {
    socket.on('end', () => resolve());
    socket.on('error', reject);
  });
  socket.write(`${JSON.stringify({ call: id, encoding })}\n`);
  let at = 0;
  const caller: Caller = { id, utterances, audio, lines, done };
  return {
    caller,
    /** Sends the next 20 ms packet (160 bytes at 8 kHz); hangs up after the last. Returns false when done. */
    tick(): boolean {
      if (at >= audio.length) return false;
      socket.write(audio.subarray(at, at + 160));
      at += 160;
      if (at >= audio.length) socket.end();
      return true;
    },
  };
}

describe('telephony bridge example', () => {
  it('serves 200 concurrent callers; each gets exactly its own digits back', async () => {
    await withEmulator({ recordAudio: false }, async (emulator) => {
      const bridge = await startBridge({
        recognizer: { endpoint: emulator.address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN } },
      });
      try {
        const random = seededRandom(2026);
        const callers = Array.from({ length: 200 }, (_, i) => {
          // Every caller keys in its own number, then a random PIN: no two callers dial alike.
          const pin = Array.from({ length: 4 }, () => String(Math.floor(random() * 10))).join('');
          return dial(bridge.port, `caller-${i}`, [String(1000 + i), pin], i % 4 === 3 ? 'ALAW' : 'MULAW');
        });
        // One 20 ms clock for every caller, like packets arriving from a media server.
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            let more = false;
            for (const c of callers) more = c.tick() || more;
            if (!more) {
              clearInterval(timer);
              resolve();
            }
          }, 20);
        });
        await Promise.all(callers.map((c) => c.caller.done));
        for (const { caller } of callers) {
          const finals = caller.lines.filter((l) => l.type === 'final');
          expect(finals.map((l) => l.text), caller.id).toEqual(caller.utterances);
          expect(caller.lines.every((l) => l.call === caller.id)).toBe(true);
          expect(caller.lines.at(-1)).toEqual({ call: caller.id, type: 'end' });
        }
        // One session per call: quota-paced starts, no retries, no lost audio.
        expect(emulator.sessions).toHaveLength(200);
        expect(emulator.sessions.every((s) => s.status?.name === 'OK')).toBe(true);
        const audioBytes = emulator.sessions.reduce((n, s) => n + s.messages.reduce((m, x) => m + x.bytes, 0), 0);
        // Every byte once, plus at most FLUSH_SILENCE_MS of silence per call at its end, added so
        // the service finalizes the last digits by itself (see EndFlush).
        const sent = callers.reduce((n, c) => n + c.caller.audio.length * 2, 0);
        expect(audioBytes).toBeGreaterThanOrEqual(sent);
        expect(audioBytes - sent).toBeLessThanOrEqual(200 * FLUSH_SILENCE_MS * 16);
        expect(bridge.activeCalls()).toBe(0);
      } finally {
        await bridge.close();
      }
    });
  }, 90_000);

  it('answers a bad header or a bad format with an error line, and carries on', async () => {
    await withEmulator({}, async (emulator) => {
      const bridge = await startBridge({
        recognizer: { endpoint: emulator.address, tls: false, auth: { iamToken: EMULATOR_IAM_TOKEN } },
      });
      try {
        const ask = (text: string | Buffer) =>
          new Promise<Line[]>((resolve, reject) => {
            const socket = connect({ port: bridge.port, host: '127.0.0.1', allowHalfOpen: true });
            let got = '';
            socket.setEncoding('utf8');
            socket.on('data', (t: string) => (got += t));
            socket.on('end', () => resolve(got.trim().split('\n').map((l) => JSON.parse(l) as Line)));
            socket.on('error', reject);
            socket.end(text);
          });
        expect(await ask('not json\n')).toMatchObject([{ type: 'error', code: 'BRIDGE_BAD_HEADER' }]);
        expect(await ask('{"call":"x","encoding":"MP3"}\n')).toMatchObject([{ call: 'x', type: 'error', code: 'BRIDGE_BAD_HEADER' }]);
        expect(await ask('{"call":"y","encoding":"LINEAR16_PCM","sampleRateHertz":44100}\n')).toMatchObject([
          { call: 'y', type: 'error', code: 'SPEECHKIT_ERR_INVALID_OPTION' },
        ]);
        // Half a sample of 16-bit PCM: the recognizer's own error reaches the caller.
        expect(await ask('{"call":"z","encoding":"LINEAR16_PCM","sampleRateHertz":8000}\n\x01\x02\x03')).toMatchObject([
          { call: 'z', type: 'error', code: 'SPEECHKIT_ERR_INVALID_AUDIO' },
        ]);
        const ok = pcmToG711(dialledDigitsPcm(['42'], { sampleRate: 8000 }), 'MULAW');
        // No encoding in the header: µ-law, the bridge's default.
        const lines = await ask(Buffer.concat([Buffer.from('{"call":"ok"}\n'), ok]));
        expect(lines.filter((l) => l.type === 'final').map((l) => l.text)).toEqual(['42']);
      } finally {
        await bridge.close();
      }
    });
  });
});
