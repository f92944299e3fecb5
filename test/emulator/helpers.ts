/**
 * A deliberately small raw gRPC client for the emulator tests: it loads the proto itself and talks
 * to the emulator directly, so these tests do not depend on the library's own client.
 */
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Metadata, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/stt_service.js';
import type { RecognitionSpec } from '../../src/generated/yandex/cloud/ai/stt/v2/RecognitionSpec.js';
import type { StreamingRecognitionRequest } from '../../src/generated/yandex/cloud/ai/stt/v2/StreamingRecognitionRequest.js';
import type { StreamingRecognitionResponse__Output } from '../../src/generated/yandex/cloud/ai/stt/v2/StreamingRecognitionResponse.js';
import type { SttServiceClient } from '../../src/generated/yandex/cloud/ai/stt/v2/SttService.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { EMULATOR_IAM_TOKEN, startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

const protoDir = fileURLToPath(new URL('../../proto/', import.meta.url));
const pkg = loadPackageDefinition(
  loadSync('yandex/cloud/ai/stt/v2/stt_service.proto', {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [protoDir],
  }),
) as unknown as ProtoGrpcType;

export type Response = StreamingRecognitionResponse__Output;
export type Spec = RecognitionSpec;

const clients = new Set<SttServiceClient>();

/** A fresh channel to the emulator (each call gets its own connection unless told otherwise). */
export function connect(emu: Emulator): SttServiceClient {
  const client = new pkg.yandex.cloud.ai.stt.v2.SttService(emu.address, credentials.createInsecure(), {
    // A fresh connection per client, so one test's `drop` never hits another test's calls.
    'grpc.use_local_subchannel_pool': 1,
  }) as SttServiceClient;
  clients.add(client);
  return client;
}

/** Polls until `condition` holds; fails after `timeoutMs` instead of hanging. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** One emulator for a test file, reset before each test and closed (with every client) after all. */
export function sharedEmulator(options?: EmulatorOptions): { readonly emu: Emulator } {
  const holder = {} as { emu: Emulator };
  beforeAll(async () => {
    holder.emu = await startEmulator(options);
  });
  afterAll(async () => {
    closeClients();
    await holder.emu.close();
  });
  beforeEach(() => holder.emu.reset());
  return holder;
}

/**
 * For a test file whose tests start emulators with options of their own: the function returned
 * starts one, and after the file's last test every emulator it started is closed, once the
 * file's gRPC clients are (`closeFileClients`: the v2 clients by default).
 */
export function emulatorsForFile(closeFileClients: () => void = closeClients): (options: EmulatorOptions) => Promise<Emulator> {
  const started: Emulator[] = [];
  afterAll(async () => {
    closeFileClients();
    await Promise.all(started.map((e) => e.close()));
  });
  return async (options) => {
    const emu = await startEmulator(options);
    started.push(emu);
    return emu;
  };
}

export function closeClients(): void {
  for (const c of clients) c.close();
  clients.clear();
}

export const BEARER = { authorization: `Bearer ${EMULATOR_IAM_TOKEN}` };

export interface OpenCall {
  call: ClientDuplexStream<StreamingRecognitionRequest, Response>;
  responses: Response[];
  headers: Promise<Record<string, string>>;
  status: Promise<StatusObject>;
  /** Writes and waits for the write to be taken (keeps 1-byte floods bounded). */
  write(message: StreamingRecognitionRequest): Promise<void>;
  end(): void;
}

export function openCall(client: SttServiceClient, headers: Record<string, string | string[]> = BEARER): OpenCall {
  const md = new Metadata();
  for (const [k, v] of Object.entries(headers)) for (const one of [v].flat()) md.add(k, one);
  const call = client.StreamingRecognize(md);
  const responses: Response[] = [];
  call.on('data', (r: Response) => responses.push(r));
  call.on('error', () => {}); // the status promise carries the outcome
  const headersPromise = new Promise<Record<string, string>>((resolve) => {
    call.on('metadata', (m: Metadata) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.getMap())) out[k] = String(v);
      resolve(out);
    });
  });
  const status = new Promise<StatusObject>((resolve) => call.on('status', resolve));
  return {
    call,
    responses,
    headers: headersPromise,
    status,
    write: (message) =>
      new Promise<void>((resolve) => {
        call.write(message, () => resolve());
      }),
    end: () => call.end(),
  };
}

export interface SessionOutcome {
  responses: Response[];
  status: StatusObject;
  headers: Record<string, string>;
}

export interface RunOptions {
  spec?: Spec;
  folderId?: string;
  /** Audio messages to send after the config. */
  chunks?: Buffer[];
  headers?: Record<string, string | string[]>;
  /** Half-close after the last chunk (default true). */
  halfClose?: boolean;
  client?: SttServiceClient;
}

/** Sends config + chunks, optionally half-closes, and waits for the final status. */
export async function runSession(emu: Emulator, options: RunOptions = {}): Promise<SessionOutcome> {
  const open = openCall(options.client ?? connect(emu), options.headers ?? BEARER);
  await open.write({ config: { specification: options.spec ?? {}, folder_id: options.folderId ?? '' } });
  for (const chunk of options.chunks ?? []) await open.write({ audio_content: chunk });
  if (options.halfClose ?? true) open.end();
  const status = await open.status;
  return { responses: open.responses, status, headers: await Promise.race([open.headers, Promise.resolve({})]) };
}

/** Splits a buffer into messages of the given sizes, cycling through `sizes`. */
export function split(buffer: Buffer, ...sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  for (let i = 0; offset < buffer.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(buffer.subarray(offset, offset + size));
    offset += size;
  }
  return out;
}

/** `ms` of audio per message at a PCM sample rate. */
export function splitMs(buffer: Buffer, sampleRate: number, ms: number): Buffer[] {
  return split(buffer, Math.round((sampleRate * ms) / 1000) * 2);
}

/** Compact view of the chunks: { text, final, eou }. */
export function chunks(responses: Response[]): { text: string; final: boolean; eou: boolean }[] {
  return responses.flatMap((r) =>
    r.chunks.map((c) => ({ text: c.alternatives[0]?.text ?? '', final: c.final, eou: c.end_of_utterance })),
  );
}

export function finals(responses: Response[]): string[] {
  return chunks(responses)
    .filter((c) => c.final)
    .map((c) => c.text);
}

export function durationMs(d: { seconds: number; nanos: number } | null): number {
  return d ? d.seconds * 1000 + d.nanos / 1e6 : NaN;
}

/** Deterministic white noise, 16-bit LE. */
export function noisePcm(samples: number, amplitude: number, seed = 7): Buffer {
  let s = seed;
  const out = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    out.writeInt16LE(Math.round(((s / 0x7fffffff) * 2 - 1) * amplitude), i * 2);
  }
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const PCM8K: Spec = { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: 8000 };
