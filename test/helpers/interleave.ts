/** Interleaves mono buffers of `sampleBytes`-byte samples; a shorter channel is padded with `pad`. */
export function interleave(channels: readonly Buffer[], sampleBytes: 1 | 2 = 2, pad = 0): Buffer {
  const samples = Math.max(...channels.map((c) => c.length / sampleBytes));
  const out = Buffer.alloc(samples * sampleBytes * channels.length, pad);
  for (let s = 0; s < samples; s++) {
    channels.forEach((channel, c) => {
      const from = s * sampleBytes;
      if (from < channel.length) channel.copy(out, (s * channels.length + c) * sampleBytes, from, from + sampleBytes);
    });
  }
  return out;
}

/** A canonical WAV header (PCM format 1, or G.711: 6 A-law, 7 µ-law) around interleaved audio. */
export function multiChannelWav(data: Buffer, channels: number, sampleRate: number, format: 1 | 6 | 7 = 1): Buffer {
  const bits = format === 1 ? 16 : 8;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE((sampleRate * channels * bits) / 8, 28);
  header.writeUInt16LE((channels * bits) / 8, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
