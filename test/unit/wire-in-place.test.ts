import { describe, expect, it } from 'vitest';
import { audioRequest, configRequest } from '../../src/api/v2.js';
import { FrameAllocator } from '../../src/audio/frame-buffer.js';
import { WIRE_HEADROOM } from '../../src/transport/wire-headroom.js';
import { PcmFramer } from '../../src/audio/pcm-framer.js';
import { resolveOptions } from '../../src/options.js';
import { chunkRequest } from '../../src/api/v3.js';
import { encodeV2AudioInPlace, encodeV3AudioInPlace, messageType, methodCodec } from '../../src/transport/proto.js';

const reference = messageType('v2', 'yandex.cloud.ai.stt.v2.StreamingRecognitionRequest');

function filled(frame: Buffer, seed: number): Buffer {
  for (let i = 0; i < frame.length; i++) frame[i] = (i * 31 + seed) & 0xff;
  return frame;
}

describe('v3 audio messages encoded in place', () => {
  const v3 = messageType('v3', 'speechkit.stt.v3.StreamingRequest');
  it('are byte for byte what the protobuf encoder makes, for every varint length', () => {
    for (const size of [1, 125, 126, 127, 128, 3200, 16381, 16382, 16383, 100_000]) {
      const frame = filled(new FrameAllocator(size).alloc(), size);
      const inPlace = encodeV3AudioInPlace(chunkRequest(frame));
      expect(inPlace, `size ${size}`).toBeDefined();
      expect(inPlace!.equals(v3.serialize(chunkRequest(Buffer.from(frame))))).toBe(true);
      expect(methodCodec('v3').serialize(chunkRequest(frame)).equals(inPlace!)).toBe(true);
    }
    // Other messages and audio that is not a frame take the encoder.
    expect(encodeV3AudioInPlace(chunkRequest(Buffer.from([1, 2])))).toBeUndefined();
    expect(encodeV3AudioInPlace({ silence_chunk: { duration_ms: 100 } })).toBeUndefined();
    expect(methodCodec('v3').serialize(chunkRequest(Buffer.from([1, 2]))).equals(v3.serialize(chunkRequest(Buffer.from([1, 2]))))).toBe(true);
  });
});

describe('v2 audio messages encoded in place', () => {
  it('are byte for byte what the protobuf encoder makes, for every varint length', () => {
    for (const size of [1, 2, 127, 128, 320, 3200, 9600, 16383, 16384, 100_000]) {
      const frame = filled(new FrameAllocator(size).alloc(), size);
      const inPlace = encodeV2AudioInPlace(audioRequest(frame));
      expect(inPlace, `size ${size}`).toBeDefined();
      expect(inPlace!.equals(reference.serialize(audioRequest(Buffer.from(frame))))).toBe(true);
      // The codec the transport uses takes the same path.
      expect(methodCodec('v2').serialize(audioRequest(frame)).equals(inPlace!)).toBe(true);
    }
  });

  it('share memory with the frame (no copy) and leave the neighbouring frames intact', () => {
    const allocator = new FrameAllocator(3200);
    const frames = [0, 1, 2, 3].map((k) => filled(allocator.alloc(), k));
    const copies = frames.map((f) => Buffer.from(f));
    const encoded = frames.map((f) => encodeV2AudioInPlace(audioRequest(f))!);
    // Encoding twice (a replay into a new session) gives the same bytes.
    encoded.forEach((e, k) => expect(encodeV2AudioInPlace(audioRequest(frames[k]!))!.equals(e)).toBe(true));
    frames.forEach((f, k) => expect(f.equals(copies[k]!)).toBe(true));
    expect(encoded[1]!.buffer).toBe(frames[1]!.buffer);
    expect(encoded[1]!.byteOffset + encoded[1]!.length).toBe(frames[1]!.byteOffset + frames[1]!.length);
    expect(frames[1]!.byteOffset - frames[0]!.byteOffset).toBe(3200 + WIRE_HEADROOM);
  });

  it('fall back to the encoder for audio that is not a frame, and for settings', () => {
    const plain = Buffer.from([9, 9]);
    expect(encodeV2AudioInPlace(audioRequest(plain))).toBeUndefined();
    expect(methodCodec('v2').serialize(audioRequest(plain)).toString('hex')).toBe('12020909');
    // A view that does not start where a frame starts has no headroom of its own.
    const view = new FrameAllocator(100).alloc().subarray(10, 50);
    expect(encodeV2AudioInPlace(audioRequest(view))).toBeUndefined();
    expect(methodCodec('v2').serialize(audioRequest(view)).equals(reference.serialize(audioRequest(Buffer.from(view))))).toBe(true);
    const config = configRequest(resolveOptions({ auth: { iamToken: 't' } }), { encoding: 'LINEAR16_PCM', sampleRateHertz: 8000, source: 'options' });
    expect(encodeV2AudioInPlace(config)).toBeUndefined();
    expect(methodCodec('v2').serialize(config).equals(reference.serialize(config))).toBe(true);
  });

  it('are built with one copy for a frame that is a view of a written buffer, leaving that buffer as it was', () => {
    const framer = new PcmFramer(16000, 100);
    const written = Buffer.alloc(3200 * 3 + 100, 7);
    framer.append(written);
    const frames = [framer.next(false)!, framer.next(false)!, framer.next(true)!];
    for (const f of frames) {
      expect(f.data.buffer).toBe(written.buffer);
      expect(encodeV2AudioInPlace(audioRequest(f.data))).toBeUndefined();
      const encoded = methodCodec('v2').serialize(audioRequest(f.data));
      expect(encoded.equals(reference.serialize(audioRequest(Buffer.from(f.data))))).toBe(true);
      expect(encoded.buffer).not.toBe(written.buffer);
    }
    expect(written.every((x) => x === 7)).toBe(true);
  });

  it('are in place for a frame the PCM framer built across two writes', () => {
    const framer = new PcmFramer(16000, 100);
    framer.append(Buffer.alloc(1000, 1));
    framer.append(Buffer.alloc(2200, 2));
    const frame = framer.next(false)!;
    expect(encodeV2AudioInPlace(audioRequest(frame.data))).toBeDefined();
    expect(methodCodec('v2').serialize(audioRequest(frame.data)).equals(reference.serialize(audioRequest(Buffer.from(frame.data))))).toBe(true);
  });
});

describe('audio messages of written buffers (v3)', () => {
  it('are byte for byte what the protobuf encoder makes', () => {
    const v3 = messageType('v3', 'speechkit.stt.v3.StreamingRequest');
    for (const size of [1, 127, 128, 3200, 16383, 16384]) {
      const data = filled(Buffer.alloc(size + 20), size).subarray(10, 10 + size);
      expect(methodCodec('v3').serialize(chunkRequest(data)).equals(v3.serialize(chunkRequest(Buffer.from(data))))).toBe(true);
    }
  });
});
