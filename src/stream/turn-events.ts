import type { AudioFrame } from '../audio/frame.js';
import type { AudioIntake } from '../audio/intake.js';
import { VoiceActivityDetector, type ResolvedVoiceActivity, type VoiceActivityEvent } from '../audio/vad.js';

/** Payload of `speechStart`, `speechEnd` and `noInput`. */
export interface TurnEvent {
  /** The channel: `'0'` on a recognition stream; the channel's index on a multi-channel stream. */
  channelTag: string;
  /** The channel's name, when the multi-channel stream was given names. */
  channelName?: string;
  /**
   * Whole-stream position in the channel's audio, in ms: where the voice started, where it last
   * was (for `speechEnd`), or where the quiet reached `noInputMs`.
   */
  atMs: number;
}

/**
 * The turn-taking events of one stream: the detector hears each frame as it leaves for the
 * service, so an event is told only after the audio it describes was sent on the call (never
 * ahead of what the service can answer), and a replayed frame is not heard twice. PCM is measured;
 * audio encoded here uses the encoder's silence marks; Ogg Opus passed through has no events.
 */
export class TurnEvents {
  private readonly detector: VoiceActivityDetector | undefined;

  constructor(
    settings: ResolvedVoiceActivity | undefined,
    private readonly intake: AudioIntake,
    emit: (event: VoiceActivityEvent) => void,
  ) {
    this.detector = settings && new VoiceActivityDetector(settings, emit);
  }

  /** Whether a turn is under way (a `speechStart` with no `speechEnd` yet). */
  get inSpeech(): boolean {
    return this.detector?.inSpeech ?? false;
  }

  /** `frame` was just sent to the service. */
  sent(frame: AudioFrame): void {
    const detector = this.detector;
    if (!detector) return;
    const format = this.intake.format;
    if (format?.encoding === 'LINEAR16_PCM' && format.sampleRateHertz !== undefined) {
      detector.pcm(frame.data, format.sampleRateHertz, frame.streamMs);
    } else if (frame.silent !== undefined && format?.encodedFrom) {
      detector.window(frame.streamMs, frame.durationMs, !frame.silent);
    }
  }

  /** All audio so far was sent and no more is coming for now (end of audio, `finalize()`): a turn under way ends. */
  flush(): void {
    this.detector?.flush();
  }
}
