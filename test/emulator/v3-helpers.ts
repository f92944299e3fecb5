/**
 * A small raw gRPC client for the emulator's API v3: it loads the proto itself and talks to the
 * emulator directly, so these tests do not depend on the library's own client.
 */
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Metadata, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/stt_service.js';
import type { RecognizerClient } from '../../src/generated/speechkit/stt/v3/Recognizer.js';
import type { StreamingRequest } from '../../src/generated/speechkit/stt/v3/StreamingRequest.js';
import type { StreamingResponse__Output } from '../../src/generated/speechkit/stt/v3/StreamingResponse.js';
import type { StreamingOptions } from '../../src/generated/speechkit/stt/v3/StreamingOptions.js';
import { EMULATOR_IAM_TOKEN, type Emulator } from '../../src/emulator/index.js';

const protoDir = fileURLToPath(new URL('../../proto/', import.meta.url));
const pkg = loadPackageDefinition(
  loadSync('yandex/cloud/ai/stt/v3/stt_service.proto', { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [protoDir] }),
) as unknown as ProtoGrpcType;

export type V3Response = StreamingResponse__Output;

const clients = new Set<RecognizerClient>();

export function connectV3(emu: Emulator): RecognizerClient {
  const client = new pkg.speechkit.stt.v3.Recognizer(emu.address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }) as RecognizerClient;
  clients.add(client);
  return client;
}

export function closeV3Clients(): void {
  for (const c of clients) c.close();
  clients.clear();
}

export const BEARER = { authorization: `Bearer ${EMULATOR_IAM_TOKEN}` };

export interface V3Call {
  call: ClientDuplexStream<StreamingRequest, V3Response>;
  responses: V3Response[];
  status: Promise<StatusObject>;
  write(message: StreamingRequest): Promise<void>;
  /** Resolves once a response matching `predicate` has arrived (rejects after `timeoutMs`). */
  waitFor(predicate: (r: V3Response) => boolean, timeoutMs?: number): Promise<V3Response>;
  end(): void;
}

export function openV3(emu: Emulator, headers: Record<string, string> = BEARER): V3Call {
  const md = new Metadata();
  for (const [k, v] of Object.entries(headers)) md.add(k, v);
  const call = connectV3(emu).RecognizeStreaming(md);
  const responses: V3Response[] = [];
  const waiters: { predicate: (r: V3Response) => boolean; resolve: (r: V3Response) => void }[] = [];
  call.on('data', (r: V3Response) => {
    responses.push(r);
    for (const w of [...waiters]) {
      if (w.predicate(r)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  });
  call.on('error', () => {});
  const status = new Promise<StatusObject>((resolve) => call.on('status', resolve));
  return {
    call,
    responses,
    status,
    write: (message) => new Promise<void>((resolve) => call.write(message, () => resolve())),
    waitFor: (predicate, timeoutMs = 5_000) => {
      const seen = responses.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise<V3Response>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching response in time')), timeoutMs);
        waiters.push({ predicate, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      });
    },
    end: () => call.end(),
  };
}

/** Session options for raw PCM at `rate`, plus whatever `extra` sets on the recognition model. */
export function pcmOptions(rate: number, extra: Partial<NonNullable<StreamingOptions['recognition_model']>> = {}, more: Partial<StreamingOptions> = {}): StreamingOptions {
  return {
    recognition_model: {
      model: 'general',
      audio_format: { raw_audio: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: rate, audio_channel_count: 1 } },
      ...extra,
    },
    ...more,
  };
}

export const NORMALIZED = { text_normalization: { text_normalization: 'TEXT_NORMALIZATION_ENABLED' as const } };

/** Sends session options and audio chunks (and any extra messages in order), half-closes, waits for the status. */
export async function runV3(
  emu: Emulator,
  options: StreamingOptions,
  messages: StreamingRequest[],
  headers?: Record<string, string>,
): Promise<{ responses: V3Response[]; status: StatusObject }> {
  const open = openV3(emu, headers);
  await open.write({ session_options: options });
  for (const m of messages) await open.write(m);
  open.end();
  const status = await open.status;
  return { responses: open.responses, status };
}

export const chunk = (data: Buffer): StreamingRequest => ({ chunk: { data } });
export const silence = (ms: number): StreamingRequest => ({ silence_chunk: { duration_ms: ms } });

/** Events in order, without keep-alives: `final:one two`, `refinement#0:12`, `eou`. */
export function events(responses: V3Response[]): string[] {
  return responses.flatMap((r) => {
    switch (r.Event) {
      case 'partial':
        return [`partial:${r.partial?.alternatives[0]?.text ?? ''}`];
      case 'final':
        return [`final#${r.audio_cursors?.final_index}:${r.final?.alternatives[0]?.text ?? ''}`];
      case 'final_refinement':
        return [`refinement#${r.final_refinement?.final_index}:${r.final_refinement?.normalized_text?.alternatives[0]?.text ?? ''}`];
      case 'eou_update':
        return ['eou'];
      default:
        return [];
    }
  });
}
