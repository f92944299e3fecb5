import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { RecognitionResult } from '../index.js';
import type { TrackSpec } from './call.js';
import { ServeError, ServeErrorCodes } from './errors.js';
import { probeRecognizerOptions, type CallHub } from './hub.js';
import { jsonObject } from './json-message.js';
import { invalidServeOption, resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './options.js';
import { SampleAligner, StereoSplitter } from './pcm-channels.js';
import type { ServeServer } from './server-types.js';
import { WsCall } from './ws-call.js';
import { startWsServer } from './ws-server.js';

/** How mod_audio_fork lays out the call's legs: the caller alone, both mixed, or one per channel. */
export type MixType = 'mono' | 'mixed' | 'stereo';

const MIX_TYPES = new Set<MixType>(['mono', 'mixed', 'stereo']);
const RATES = new Map<unknown, 8000 | 16000>([
  [8000, 8000],
  [16000, 16000],
  ['8000', 8000],
  ['16000', 16000],
  ['8k', 8000],
  ['16k', 16000],
]);
const CALL_ID_FIELDS = ['callId', 'uuid', 'callSid', 'call_sid'] as const;

interface ForkDefaults {
  sampleRateHertz: 8000 | 16000;
  mixType: MixType;
}

/**
 * One FreeSWITCH mod_audio_fork connection (`uuid_audio_fork <uuid> start <url> <mix> <rate>
 * <metadata>`): the metadata text frame first, then binary L16 frames, mono (or both legs mixed)
 * or stereo (the caller left, channel `'0'`, the callee right, `'1'`). The metadata names the call
 * (`callId`, `uuid`, `callSid`) and may say its `sampleRate` and `mixType`, as jambonz's `listen`
 * does; otherwise the server's defaults apply. Results go back as `{type: "transcription", data}`
 * text frames (the module raises them as `mod_audio_fork::transcription` events), failures as
 * `{type: "error", data}`; FreeSWITCH closing the socket (`uuid_audio_fork … stop`) ends the call.
 */
class AudioForkCall extends WsCall {
  #stereo: StereoSplitter | undefined;
  #mono: SampleAligner | undefined;

  constructor(
    ws: WebSocket,
    hub: CallHub,
    options: ResolvedServeOptions,
    private readonly defaults: ForkDefaults,
  ) {
    super(ws, hub, options);
  }

  protected onText(text: string): void {
    // After the metadata, text frames are the application's own (send_text, the stop's metadata).
    if (this.call || this.stopped) return;
    const metadata = jsonObject(text, 'audio-fork metadata');
    const named = CALL_ID_FIELDS.map((field) => metadata[field]).find((v) => typeof v === 'string' && v !== '') as string | undefined;
    const id = named ?? randomUUID();
    const rate = metadata.sampleRate === undefined ? this.defaults.sampleRateHertz : RATES.get(metadata.sampleRate);
    const mix = (metadata.mixType ?? this.defaults.mixType) as MixType;
    if (rate === undefined || !MIX_TYPES.has(mix)) {
      throw new ServeError(ServeErrorCodes.BAD_FORMAT, `audio-fork: sampleRate ${JSON.stringify(metadata.sampleRate)}, mixType ${JSON.stringify(metadata.mixType)} (expected 8000 or 16000, and mono, mixed or stereo)`, { call: id });
    }
    const format = { audioEncoding: 'LINEAR16_PCM' as const, sampleRateHertz: rate };
    const tracks: TrackSpec[] = mix === 'stereo' ? [{ channelTag: '0', format }, { channelTag: '1', format }] : [{ channelTag: '0', format }];
    if (mix === 'stereo') this.#stereo = new StereoSplitter();
    else this.#mono = new SampleAligner();
    this.startCall(id, tracks);
  }

  protected onBinary(data: Buffer): void {
    if (!this.call) throw new ServeError(ServeErrorCodes.BAD_FRAME, 'audio-fork: audio before the metadata text frame');
    if (this.stopped) return;
    if (this.#stereo) {
      const [left, right] = this.#stereo.push(data);
      this.writeAudio(0, left);
      this.writeAudio(1, right);
    } else if (this.#mono) {
      this.writeAudio(0, this.#mono.push(data));
    }
  }

  /** FreeSWITCH ends a fork by closing the socket; only a connection that broke (1006) is a hang-up. */
  protected override closeEndsCall(code: number): boolean {
    return code !== 1006;
  }

  protected override onResult(track: number, result: RecognitionResult): void {
    if (result.type !== 'final' && !(result.type === 'partial' && this.options.partial)) return;
    const call = this.call;
    if (!call) return;
    this.reply({
      type: 'transcription',
      data: {
        call: call.id,
        channelTag: call.channelTags[track],
        is_final: result.type === 'final',
        text: result.text,
        ...(result.startMs !== undefined && { startMs: result.startMs }),
        ...(result.endMs !== undefined && { endMs: result.endMs }),
      },
    });
  }

  protected override onError(code: string, message: string): void {
    this.reply({ type: 'error', data: { code, message } });
  }
}

/** Options of {@link createAudioForkServer}. */
export interface AudioForkServerOptions extends ServeOptions {
  /** The rate of a fork whose metadata says none (match `uuid_audio_fork`'s `8k` / `16k`); default 8000. */
  sampleRateHertz?: 8000 | 16000;
  /** The layout of a fork whose metadata says none (match its `mono` / `mixed` / `stereo`); default `mono`. */
  mixType?: MixType;
}

/** A server for FreeSWITCH's mod_audio_fork (and jambonz's `listen` verb, which speaks the same). */
export function createAudioForkServer(options: AudioForkServerOptions): Promise<ServeServer> {
  const resolved = resolveServeOptions(options);
  const sampleRateHertz = options.sampleRateHertz ?? 8000;
  if (sampleRateHertz !== 8000 && sampleRateHertz !== 16000) throw invalidServeOption('sampleRateHertz', '8000 or 16000', options.sampleRateHertz);
  const mixType = options.mixType ?? 'mono';
  if (!MIX_TYPES.has(mixType)) throw invalidServeOption('mixType', "'mono', 'mixed' or 'stereo'", options.mixType);
  probeRecognizerOptions(resolved.recognizer, { audioEncoding: 'LINEAR16_PCM', sampleRateHertz });
  const defaults: ForkDefaults = { sampleRateHertz, mixType };
  return startWsServer(
    {
      protocol: 'audio-fork',
      connect: (ws: WebSocket, _request: IncomingMessage, hub: CallHub, opts: ResolvedServeOptions) => {
        new AudioForkCall(ws, hub, opts, defaults);
      },
    },
    resolved,
  );
}
