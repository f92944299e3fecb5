#!/usr/bin/env node
import { runDemo } from './demo.js';
import { EXIT } from './exit-codes.js';
import { runEmulator } from './emulator.js';
import { runRecognize } from './recognize.js';
import { runServe } from './serve.js';

const USAGE = `Usage:
  speechkit-stream recognize FILE|-   Recognize an audio file or stdin. 16-bit mono WAV and Ogg
                                      Opus go as they are; MP3, M4A, WebM, other WAVs… are
                                      decoded with ffmpeg; raw PCM needs --rate
  speechkit-stream recognize --mic    Recognize the microphone (ffmpeg's capture device)
  speechkit-stream emulator [--port N] [--host H] [--iam …] [--tls-cert F --tls-key F]
                            [--profile lenient|strict|JSON]
                                      Run the local SpeechKit emulator
  speechkit-stream demo               Start the emulator and recognize a dialled-digit sample
  speechkit-stream serve --protocol twilio|audiosocket|audio-fork|jambonz|browser
                         [--port N] [--host H] [--path P] [--partial] [--webhook URL]
                         [--rate 8000|16000 --mix mono|mixed|stereo] [recognize options]
                                      Take calls from a media server (or a browser page) and
                                      write every result as an NDJSON line on stdout

recognize options:
  --endpoint HOST:PORT   service address (default stt.api.cloud.yandex.net:443)
  --insecure             plaintext gRPC (local emulator only)
  --key-file PATH        service-account authorized key file (or env SPEECHKIT_KEY_FILE)
  --iam-endpoint URL     IAM token URL for the key file (default IAM's public endpoint)
  --ca FILE              PEM CA certificate(s) to trust in addition to the default roots
  --emulator             start an in-process emulator and recognize against it
  --folder-id ID         folder (or env SPEECHKIT_FOLDER_ID)
  --language CODE        e.g. ru-RU, en-US, auto
  --model NAME           general, general:rc, general:deprecated
  --rate HZ              sample rate of raw PCM (8000, 16000, 48000)
  --encoding ENC         LINEAR16_PCM, OGG_OPUS, or MULAW / ALAW for 8 kHz G.711 (default: sniffed)
  --opus                 encode PCM to Ogg Opus before sending (about a tenth of the bytes)
  --partial              print partial results (on a terminal: rewritten in place)
  --raw                  numbers as words
  --pace X               real-time factor (default 1; 0 = unpaced)
  --json                 one JSON result per line
  --api v2|v3            streaming API (default v2; v3 adds normalized refinements)
  --srt FILE, --vtt FILE also write subtitles from the finals
  --progress             position / duration, speed, ETA on stderr (default: when stderr is a terminal)
  --mic [--mic-device D] [--mic-format F]   ffmpeg capture device D (default "default") of
                         input format F (default alsa; pulse, or any ffmpeg -f name)
Exit codes: 0 done, 1 recognition failed (the error's code on stderr), 2 bad command line,
  130 Ctrl-C (the results of the audio sent so far were still written; a second Ctrl-C quits now)
Credentials come from a key file or the environment, never from arguments (they show in ps):
  --key-file PATH, then SPEECHKIT_KEY_FILE, SPEECHKIT_API_KEY, SPEECHKIT_IAM_TOKEN (first found wins)

serve options:
  --protocol NAME        twilio (Media Streams), audiosocket (Asterisk), audio-fork (FreeSWITCH
                         mod_audio_fork), jambonz (custom speech vendor), browser (captions page)
  --port N, --host H     where to listen (default a free port on 127.0.0.1; the address is on stderr)
  --path P               WebSocket path (default /)
  --partial              partial results as lines too
  --webhook URL          also POST every line there (retried 3 times; failures are error lines)
  --rate, --mix          audio-fork: the fork's rate and layout when its metadata does not say
  jambonz: set SPEECHKIT_SERVE_API_KEY to require the vendor's api key (Authorization: Bearer)

emulator options:
  --iam                  also serve IAM's token endpoint (service-account JWT → IAM token)
  --register-key FILE    trust this key file's public key (repeatable; implies --iam)
  --new-key FILE         write a fresh service-account key file and trust it (implies --iam)
  --token-lifetime-ms N  life of issued IAM tokens (default 12 h)
  --tls-cert FILE --tls-key FILE   serve gRPC and IAM over TLS`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'recognize':
      return runRecognize(rest);
    case 'emulator':
      return runEmulator(rest);
    case 'demo':
      return runDemo(rest);
    case 'serve':
      return runServe(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return command === undefined ? EXIT.USAGE : EXIT.OK;
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return EXIT.USAGE;
  }
}


main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    console.error(`speechkit-stream: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`);
    // A wrong command line (an unknown option, a bad value, a refused argument) is a usage error.
    const usage = e.code === 'SPEECHKIT_ERR_INVALID_OPTION' || e.code?.startsWith('ERR_PARSE_ARGS') === true;
    process.exitCode = usage ? EXIT.USAGE : EXIT.FAILED;
  },
);
