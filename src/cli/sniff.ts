/**
 * Whether a file's first bytes are audio the recognizer sends as it is (16-bit mono WAV at 8, 16
 * or 48 kHz, or mono Ogg Opus); anything else goes through ffmpeg.
 */
export function sendsAsIs(head: Buffer): boolean {
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') {
    for (let at = 12; at + 8 <= head.length; ) {
      const size = head.readUInt32LE(at + 4);
      if (head.toString('latin1', at, at + 4) === 'fmt ') {
        if (at + 24 > head.length) return false;
        const format = head.readUInt16LE(at + 8);
        const channels = head.readUInt16LE(at + 10);
        const rate = head.readUInt32LE(at + 12);
        const bits = head.readUInt16LE(at + 22);
        // 16-bit PCM, or 8 kHz G.711 (µ-law 7, A-law 6), which the stream expands itself.
        if ((format === 6 || format === 7) && channels === 1 && bits === 8 && rate === 8000) return true;
        return (format === 1 || format === 0xfffe) && channels === 1 && bits === 16 && [8000, 16000, 48000].includes(rate);
      }
      at += 8 + size + (size % 2);
    }
    return false;
  }
  // An Ogg stream's first page holds OpusHead at byte 28 when the page has one lacing value.
  return head.length >= 38 && head.toString('latin1', 0, 4) === 'OggS' && head.toString('latin1', 28, 36) === 'OpusHead' && head[37] === 1;
}
