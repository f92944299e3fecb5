import { describe, expect, it } from 'vitest';
import { OggOpusReader } from '../../src/audio/ogg-opus-reader.js';
import { FLAG_CONTINUED, FLAG_EOS } from '../../src/audio/ogg-page.js';
import type { OpusHead, OpusPacket } from '../../src/audio/opus-packet.js';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { encodeOggOpus, externalOggOpus, needs, pagesOf, rewritePage } from '../helpers/ogg.js';

const ffmpeg = needs('ffmpeg');
const opusenc = needs('opusenc');

interface Read {
  head: OpusHead | undefined;
  vendor: string | undefined;
  packets: OpusPacket[];
  trim: number;
  eos: boolean;
}

/** Reads `ogg` in pieces of `piece` bytes and returns everything the reader delivered. */
function read(ogg: Buffer, piece = ogg.length): Read {
  const out: Read = { head: undefined, vendor: undefined, packets: [], trim: 0, eos: false };
  const reader = new OggOpusReader({
    header: (head, vendor) => {
      out.head = head;
      out.vendor = vendor;
    },
    packets: (packets, trim, eos) => {
      out.packets.push(...packets);
      out.trim += trim;
      out.eos ||= eos;
    },
  });
  for (let at = 0; at < ogg.length; at += piece) reader.append(ogg.subarray(at, at + piece));
  reader.finish();
  return out;
}

const pcm = dialledDigitsPcm(['12', '34'], { sampleRate: 16000 });
const samples48 = (pcm.length / 2) * 3;
const ours = encodeOggOpus(pcm, { sampleRateHertz: 16000 });
const fails = (ogg: Buffer, message: RegExp) =>
  expect(() => read(ogg)).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_AUDIO', message: expect.stringMatching(message) }));

describe('OggOpusReader', () => {
  it('reads the headers, then packets whose samples, less the pre-skip and the end trim, are the audio', () => {
    const r = read(ours);
    expect(r.head).toMatchObject({ channels: 1, preSkip: 312, inputSampleRate: 16000 });
    expect(r.vendor).toBe('speechkit-stream');
    const total = r.packets.reduce((n, p) => n + p.samples, 0);
    expect(total - r.trim - r.head!.preSkip).toBe(samples48);
    expect(r.eos).toBe(true);
  });

  it('delivers the same packets however the bytes are split', () => {
    const whole = read(ours).packets.map((p) => p.data.toString('hex'));
    for (const piece of [1, 7, 27, 28, 1000]) expect(read(ours, piece).packets.map((p) => p.data.toString('hex'))).toEqual(whole);
  });

  for (const [tool, need] of [['ffmpeg', ffmpeg], ['opusenc', opusenc]] as const) {
    it.skipIf(need.skip)(`reads a stream made by ${tool} with durations that match its granule positions${need.note}`, () => {
      const ogg = externalOggOpus(pcm, 16000, tool);
      const r = read(ogg, 333);
      const total = r.packets.reduce((n, p) => n + p.samples, 0);
      const last = pagesOf(ogg).at(-1)!;
      expect(total - r.trim).toBe(Number(last.granule));
      // Both tools write the input's exact length: granule − pre-skip is the PCM's duration.
      expect(Number(last.granule) - r.head!.preSkip).toBe(samples48);
    });
  }

  it('takes a stream captured mid-way (first granule past its samples) and starts the audio there', () => {
    const ogg = Buffer.from(ours);
    const pages = pagesOf(ogg);
    for (const page of pages.slice(2)) rewritePage(ogg, page, { granule: page.granule + 48_000n * 3600n });
    const r = read(ogg);
    expect(r.packets.reduce((n, p) => n + p.samples, 0) - r.trim - 312).toBe(samples48);
  });

  describe('broken input: a typed error that says what is wrong', () => {
    const pages = pagesOf(ours);
    const without = (skip: number) => Buffer.concat(pages.filter((_, i) => i !== skip).map((p) => ours.subarray(p.offset, p.offset + p.length)));

    it('a bad CRC', () => {
      const ogg = Buffer.from(ours);
      ogg[pages[3]!.offset + 40]! ^= 0x10;
      fails(ogg, /page 3 fails its CRC/);
    });

    it('not Opus (Ogg Vorbis)', () => {
      const ogg = Buffer.from(ours);
      ogg.write('\x01vorbis\0', pages[0]!.offset + 28, 'latin1');
      rewritePage(ogg, pages[0]!, {});
      fails(ogg, /Ogg Vorbis.*decodeAudio/);
    });

    it('stereo', () => {
      const ogg = Buffer.from(ours);
      ogg[pages[0]!.offset + 28 + 9] = 2;
      rewritePage(ogg, pages[0]!, {});
      fails(ogg, /2 channels.*mono/);
    });

    it('missing OpusTags (the next page renumbered so only the header is wrong)', () => {
      const ogg = without(1);
      for (const page of pagesOf(ogg).slice(1)) rewritePage(ogg, page, { sequence: page.sequence - 1 });
      fails(ogg, /OpusTags/);
    });

    it('a stream that ends before its OpusTags', () => fails(ours.subarray(0, pages[1]!.offset), /before its OpusTags/));

    it('a truncated last page', () => fails(ours.subarray(0, ours.length - 5), /ended inside page .*truncated/));

    it('a missing page', () => fails(without(3), /page 3 has sequence number 4 where 3 was due/));

    it('a second logical stream', () => {
      const ogg = Buffer.from(ours);
      rewritePage(ogg, pages[4]!, { serial: pages[4]!.serial + 1 });
      fails(ogg, /another logical stream/);
    });

    it('data after the end of the stream (a chained stream)', () => fails(Buffer.concat([ours, ours]), /follows the end-of-stream page/));

    it('a page that claims to continue a packet nobody started', () => {
      const ogg = Buffer.from(ours);
      rewritePage(ogg, pages[3]!, { flags: FLAG_CONTINUED });
      fails(ogg, /continues a packet that no earlier page started/);
    });

    it('granule positions that disagree with the packets', () => {
      const ogg = Buffer.from(ours);
      rewritePage(ogg, pages[3]!, { granule: pages[3]!.granule + 960n });
      fails(ogg, /granule position .* does not match/);
    });

    it('an end trim on a page that is not the last', () => {
      const ogg = Buffer.from(ours);
      rewritePage(ogg, pages[3]!, { granule: pages[3]!.granule - 100n });
      fails(ogg, /does not match/);
      rewritePage(ogg, pages[3]!, { granule: pages[3]!.granule - 100n, flags: FLAG_EOS });
      fails(ogg, /follows the end-of-stream page/);
    });

    it('bytes that are not a page', () => fails(Buffer.concat([ours.subarray(0, pages[2]!.offset), Buffer.from('garbage')]), /page 2 does not start with "OggS"/));

    it('a first page that does not begin a stream', () => fails(ours.subarray(pages[2]!.offset), /not marked as the beginning/));
  });
});
