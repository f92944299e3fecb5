import { expect } from 'vitest';
import type { RecognizeStream, RolloverEvent } from '../../src/recognize-stream.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';

export interface Tally {
  rollovers: RolloverEvent[];
  retries: RetryEvent[];
}

/**
 * Counts a stream's rollovers and retries, and prints one line when it closes, so a test run
 * shows how many seams the integrity tests went through.
 */
export function tally(stream: RecognizeStream): Tally {
  const t: Tally = { rollovers: [], retries: [] };
  const test = expect.getState().currentTestName ?? 'stream';
  stream.on('rollover', (e: RolloverEvent) => t.rollovers.push(e));
  stream.on('retry', (e: RetryEvent) => t.retries.push(e));
  stream.on('close', () => console.info(`[integrity] ${test}: ${t.rollovers.length} rollovers, ${t.retries.length} recoveries`));
  return t;
}
