import { describe, expect, it } from 'vitest';
import { buildPage, FLAG_CONTINUED, MAX_PAGE_BYTES, NO_GRANULE, oggCrc, parsePage } from '../../src/audio/ogg-page.js';
import { paginate } from '../../src/audio/ogg-writer.js';
import { externalOggOpus, needs, pagesOf } from '../helpers/ogg.js';

const ffmpeg = needs('ffmpeg');

describe('Ogg pages', () => {
  it('computes the Ogg CRC (poly 0x04c11db7, init 0, no reflection, no final xor)', () => {
    // CRC-32/POSIX of "123456789" is 0x765E7680 with its final xor; Ogg's omits that xor.
    expect(oggCrc(Buffer.from('123456789'))).toBe(0x89a1897f);
    expect(oggCrc(Buffer.alloc(0))).toBe(0);
  });

  it.skipIf(ffmpeg.skip)(`reads pages written by libogg (ffmpeg) with their CRCs${ffmpeg.note}`, () => {
    const ogg = externalOggOpus(Buffer.alloc(96_000), 48000, 'ffmpeg');
    const pages = pagesOf(ogg);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.map((p) => p.sequence)).toEqual(pages.map((_, i) => i));
    expect(pages.reduce((n, p) => n + p.length, 0)).toBe(ogg.length);
  });

  it('builds pages whose CRC a reader accepts, and refuses any page with one bit changed', () => {
    const page = buildPage({ flags: 0, granule: 960n, serial: 7, sequence: 3 }, [3, 2], [Buffer.from([1, 2, 3]), Buffer.from([4, 5])]);
    expect(parsePage(page, 0, 0)).toMatchObject({ granule: 960n, serial: 7, sequence: 3, length: page.length });
    for (let bit = 0; bit < page.length * 8; bit++) {
      const bad = Buffer.from(page);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      let caught: unknown;
      try {
        const parsed = parsePage(bad, 0, 0);
        // A flip in the segment count or a lacing value can leave the page looking incomplete.
        if (parsed === undefined) continue;
      } catch (error) {
        caught = error;
      }
      expect(caught, `bit ${bit}`).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_AUDIO' });
    }
  });

  it('waits for the rest of a page instead of guessing', () => {
    const page = buildPage({ flags: 0, granule: 0n, serial: 1, sequence: 0 }, [10], [Buffer.alloc(10, 1)]);
    for (let cut = 0; cut < page.length; cut++) expect(parsePage(page.subarray(0, cut), 0, 0)).toBeUndefined();
    expect(() => parsePage(Buffer.from('OggX'), 0, 0)).toThrow(/OggS/);
    expect(() => parsePage(Buffer.from('Og'), 0, 0)).not.toThrow();
  });

  it('lays packets on pages: at most 255 lacing values, long packets continued, granule -1 where no packet ends', () => {
    const sizes = [0, 1, 254, 255, 256, 510, 70_000, 3, ...Array.from({ length: 300 }, (_, i) => i % 40)];
    const packets = sizes.map((size, i) => ({ data: Buffer.alloc(size, i & 0xff), end: (i + 1) * 960 }));
    const run = paginate(packets, 42);
    const pages = pagesOf(run.data);
    expect(pages).toHaveLength(run.pages.length);
    // Reassemble through the lacing values, as any reader does.
    const out: Buffer[] = [];
    let partial: Buffer[] = [];
    pages.forEach((page, i) => {
      expect(page.length).toBeLessThanOrEqual(MAX_PAGE_BYTES);
      expect(page.lacing.length).toBeLessThanOrEqual(255);
      expect(!!(page.flags & FLAG_CONTINUED)).toBe(partial.length > 0);
      let at = 0;
      let ended = 0;
      for (const value of page.lacing) {
        partial.push(page.body.subarray(at, at + value));
        at += value;
        if (value < 255) {
          out.push(Buffer.concat(partial));
          partial = [];
          ended++;
        }
      }
      const expected = ended === 0 ? NO_GRANULE : BigInt(packets[out.length - 1]!.end);
      expect(page.granule).toBe(expected);
      expect(run.pages[i]!.end === undefined ? NO_GRANULE : BigInt(run.pages[i]!.end!)).toBe(expected);
    });
    expect(out.map((b) => b.length)).toEqual(sizes);
    out.forEach((b, i) => expect(b.equals(packets[i]!.data)).toBe(true));
  });
});
