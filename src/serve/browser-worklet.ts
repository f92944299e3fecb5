/**
 * The AudioWorklet processor of the captions page, as the browser loads it (`/captions-worklet.js`).
 * It turns the microphone's float samples, at whatever rate the audio context runs (44.1 or 48 kHz
 * as a rule), into 16 kHz 16-bit PCM: each output sample is the mean of the input samples since the
 * previous one (a box filter, enough against aliasing for speech, whose energy is far below 8 kHz),
 * taken at steps of `sampleRate / 16000` input samples, fractional steps included. Every 100 ms of
 * output goes to the page as one Int16Array.
 */
export const CAPTIONS_WORKLET = String.raw`
const OUT_RATE = 16000;
const CHUNK = OUT_RATE / 10;

class Pcm16kProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / OUT_RATE;
    this.next = this.step;
    this.position = 0;
    this.sum = 0;
    this.count = 0;
    this.out = new Int16Array(CHUNK);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const samples = channels[0];
    for (let i = 0; i < samples.length; i++) {
      // Several input channels (a stereo device) are mixed to one.
      let x = samples[i];
      for (let c = 1; c < channels.length; c++) x += channels[c][i];
      this.sum += x / channels.length;
      this.count++;
      this.position++;
      if (this.position >= this.next) {
        const v = Math.max(-1, Math.min(1, this.sum / this.count));
        this.out[this.filled++] = v < 0 ? v * 0x8000 : v * 0x7fff;
        this.sum = 0;
        this.count = 0;
        this.next += this.step;
        if (this.filled === CHUNK) {
          this.port.postMessage(this.out.buffer, [this.out.buffer]);
          this.out = new Int16Array(CHUNK);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('pcm-16k', Pcm16kProcessor);
`;
