import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { parseProfileArgument, runEmulator } from '../../src/cli/emulator.js';
import { dialledDigitsPcm, SERVICE_PROFILES, type Emulator } from '../../src/emulator/index.js';
import { closeClients, PCM8K, runSession, waitFor } from './helpers.js';

describe('emulator CLI --profile', () => {
  it('takes a preset name or a JSON profile, and names the flag when either is wrong', async () => {
    expect(parseProfileArgument('strict')).toEqual(SERVICE_PROFILES.strict);
    expect(parseProfileArgument(' lenient ')).toEqual(SERVICE_PROFILES.lenient);
    expect(parseProfileArgument('{"base":"strict","wordTimes":true}')).toMatchObject({ wordTimes: true, halfClose: 'ok-early' });
    expect(() => parseProfileArgument('harsh')).toThrow(/^--profile: profile must be one of lenient, strict/);
    expect(() => parseProfileArgument('{"halfClose":')).toThrow(/^--profile: not valid JSON/);
    expect(() => parseProfileArgument('{"halfClose":"never"}')).toThrow(/^--profile: profile\.halfClose/);
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      expect(await runEmulator(['--profile', 'harsh'])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors[0]).toMatch(/^--profile:/);
  });

  it('serves with the profile it was given: the banner says which, and strict refuses a burst', async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    let stop!: () => void;
    const run = runEmulator(['--profile', 'strict'], new Promise<void>((resolve) => (stop = resolve)));
    try {
      await waitFor(() => lines.length > 0);
      const match = /listening on (127\.0\.0\.1:\d+) \(plaintext gRPC, API v2 and v3, profile strict\)/.exec(lines[0]!);
      expect(match, lines[0]).not.toBeNull();
      const emu = { address: match![1]! } as Emulator;
      const burst = dialledDigitsPcm(['1234', '5678'], { sampleRate: 8000 });
      const out = await runSession(emu, { spec: PCM8K, chunks: [burst] });
      expect(out.status.code).toBe(status.INVALID_ARGUMENT);
      expect(out.status.details).toMatch(/audio runs ahead of real time/);
    } finally {
      console.log = original;
      closeClients();
      stop();
    }
    expect(await run).toBe(0);
  });
});
