import { buildPage, FLAG_CONTINUED, lacingFor, NO_GRANULE } from './ogg-page.js';

/** A packet to put on pages, and the granule position at its end (when it ends a page, that page's). */
export interface PacketAt {
  data: Buffer;
  /** Granule position after this packet, in whatever origin the caller uses. */
  end: number;
}

/** Where one page sits in a run of pages, and the granule position it carries (undefined: none, -1). */
export interface PageSlot {
  offset: number;
  length: number;
  end: number | undefined;
}

/** Pages laid out back to back, and where each one is. */
export interface PageRun {
  data: Buffer;
  pages: PageSlot[];
}

/**
 * The Ogg muxer: lays packets on pages of at most 255 lacing values, a packet spanning pages when it
 * must. Pages get sequence 0 and the granule of their last completed packet; the session wire
 * rewrites both (and the CRC) for the session the pages go to, so the layout here is final.
 */
export function paginate(packets: readonly PacketAt[], serial: number): PageRun {
  const built: Buffer[] = [];
  const pages: PageSlot[] = [];
  let offset = 0;
  let lacing: number[] = [];
  let body: Buffer[] = [];
  let end: number | undefined;
  let continued = false;
  const flush = (nextContinued: boolean) => {
    const page = buildPage(
      { flags: continued ? FLAG_CONTINUED : 0, granule: end === undefined ? NO_GRANULE : BigInt(end), serial, sequence: 0 },
      lacing,
      body,
    );
    built.push(page);
    pages.push({ offset, length: page.length, end });
    offset += page.length;
    lacing = [];
    body = [];
    end = undefined;
    continued = nextContinued;
  };
  for (const packet of packets) {
    const values = lacingFor(packet.data.length);
    let at = 0;
    for (let i = 0; i < values.length; i++) {
      if (lacing.length === 255) flush(i > 0);
      lacing.push(values[i]!);
      body.push(packet.data.subarray(at, at + values[i]!));
      at += values[i]!;
    }
    end = packet.end;
  }
  if (lacing.length > 0) flush(false);
  return { data: built.length === 1 ? built[0]! : Buffer.concat(built), pages };
}
