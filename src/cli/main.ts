#!/usr/bin/env node
import { runDemo } from './demo.js';
import { runEmulator } from './emulator.js';
import { runRecognize } from './recognize.js';

const USAGE = `Usage:
  speechkit-stream recognize FILE|-   Recognize an audio file or stdin. 16-bit mono WAV and Ogg
                                      Opus go as they are; MP3, M4A, WebM, other WAVs… are
                                      decoded with ffmpeg; raw PCM needs --rate
  speechkit-stream emulator [--port N] [--host H] [--iam …] [--tls-cert F --tls-key F]
                            [--profile lenient|strict|JSON]
                                      Run the local SpeechKit emulator
  speechkit-stream demo               Start the emulator and recognize a dialled-digit sample

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
  --partial              print partial results
  --raw                  numbers as words
  --pace X               real-time factor (default 1; 0 = unpaced)
  --json                 one JSON result per line
  --api v2|v3            streaming API (default v2; v3 adds normalized refinements)
Credentials come from a key file or the environment, never from arguments (they show in ps):
  --key-file PATH, then SPEECHKIT_KEY_FILE, SPEECHKIT_API_KEY, SPEECHKIT_IAM_TOKEN (first found wins)

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
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}


main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    console.error(`speechkit-stream: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`);
    process.exitCode = 1;
  },
);
