import { ErrorCodes, invalidAudio, SpeechKitError } from '../errors.js';

export type WriteCallback = (error?: Error | null) => void;

/**
 * A write after `end()` is the caller's mistake, not the stream's failure: Node would destroy the
 * stream with it, losing the results still owed for the audio written before `end()`. So it is a
 * warning (`emitWarning`), and its callback gets the same error; the write returns false.
 */
export function refuseWriteAfterEnd(emitWarning: (error: SpeechKitError) => void, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): false {
  const done = typeof encoding === 'function' ? encoding : callback;
  const error = new SpeechKitError(ErrorCodes.WRITE_AFTER_END, 'Audio was written after end(); it is ignored (the audio written before end() is still recognized)');
  if (done) process.nextTick(done, error);
  emitWarning(error);
  return false;
}

/** The error for a written chunk that is not audio bytes (a Buffer or Uint8Array). */
export function notAudioError(chunk: unknown): SpeechKitError {
  return invalidAudio(`Write audio as Buffer or Uint8Array; got ${describeChunk(chunk)}`);
}

function describeChunk(chunk: unknown): string {
  if (chunk === null) return 'null';
  if (typeof chunk === 'object') return (chunk as object).constructor?.name ?? 'an object';
  return typeof chunk;
}
