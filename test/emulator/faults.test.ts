import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm, FAULT_HEADER, startEmulator, type FaultRule } from '../../src/emulator/index.js';
import { BEARER, connect, finals, openCall, PCM8K, runSession, sleep, splitMs, sharedEmulator, waitFor } from './helpers.js';

const shared = sharedEmulator();

/** Two utterances: "1" (300-400 ms) is final at 1000 ms of audio, "2" (1600-1700 ms) at 2300 ms; 2700 ms in all. */
const pcm = dialledDigitsPcm(['1', '2'], { sampleRate: 8000, utteranceGapMs: 1200 });
const messages = splitMs(pcm, 8000, 100);

function withFault(header: string): Record<string, string> {
  return { ...BEARER, [FAULT_HEADER]: header };
}

describe('faults', () => {
  it('fail: ends with the status at the audio trigger point, keeping earlier results', async () => {
    shared.emu.addFault({ action: 'fail', status: 'INTERNAL', details: 'boom', afterAudioMs: 1500 });
    const out = await runSession(shared.emu, { spec: PCM8K, chunks: messages });
    expect(out.status.code).toBe(status.INTERNAL);
    expect(out.status.details).toBe('boom');
    expect(finals(out.responses)).toEqual(['1']);
    const s = shared.emu.sessions[0]!;
    expect(s.status).toEqual({ code: 13, name: 'INTERNAL', details: 'boom' });
    expect(s.faults).toEqual(['fail']);
    expect(s.audioMs).toBe(1500);
    expect(s.audio.equals(pcm.subarray(0, 15 * 1600))).toBe(true);
  });

  it('fail: defaults to UNAVAILABLE right after the config', async () => {
    shared.emu.addFault({ action: 'fail' });
    const out = await runSession(shared.emu, { spec: PCM8K, chunks: messages.slice(0, 2) });
    expect(out.status.code).toBe(status.UNAVAILABLE);
    expect(shared.emu.sessions[0]!.config).toBeDefined();
    expect(shared.emu.sessions[0]!.audio.length).toBe(0);
  });

  it('fail: triggers on bytes and on wall time', async () => {
    shared.emu.addFault({ action: 'fail', status: 'ABORTED', afterBytes: 3200 });
    const byBytes = await runSession(shared.emu, { spec: PCM8K, chunks: messages });
    expect(byBytes.status.code).toBe(status.ABORTED);
    expect(shared.emu.sessions[0]!.audio.length).toBe(3200);

    shared.emu.addFault({ action: 'fail', status: 'DEADLINE_EXCEEDED', afterWallMs: 150 });
    const open = openCall(connect(shared.emu));
    const t0 = performance.now();
    await open.write({ config: { specification: PCM8K } });
    const s = await open.status;
    expect(s.code).toBe(status.DEADLINE_EXCEEDED);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('end: finishes OK early without flushing the open utterance', async () => {
    shared.emu.addFault({ action: 'end', afterAudioMs: 1800 });
    const out = await runSession(shared.emu, { spec: PCM8K, chunks: messages, halfClose: false });
    expect(out.status.code).toBe(status.OK);
    expect(finals(out.responses)).toEqual(['1']);
    expect(shared.emu.sessions[0]!.status?.name).toBe('OK');
    expect(shared.emu.sessions[0]!.faults).toEqual(['end']);
    expect(shared.emu.sessions[0]!.halfClosed).toBe(false);
  });

  it('drop: kills the connection; the client sees UNAVAILABLE and other connections live on', async () => {
    const bystander = openCall(connect(shared.emu));
    await bystander.write({ config: { specification: PCM8K } });
    await waitFor(() => shared.emu.sessions[0]?.config !== undefined);
    shared.emu.addFault({ action: 'drop', afterAudioMs: 1200 });
    const out = await runSession(shared.emu, { spec: PCM8K, chunks: messages, halfClose: false });
    expect(out.status.code).toBe(status.UNAVAILABLE);
    expect(finals(out.responses)).toEqual(['1']);
    const dropped = shared.emu.sessions[1]!;
    expect(dropped.status).toEqual({ code: 14, name: 'UNAVAILABLE', details: 'connection dropped' });
    expect(dropped.faults).toEqual(['drop']);
    expect(dropped.audioMs).toBe(1200);
    await bystander.write({ audio_content: pcm });
    bystander.end();
    expect((await bystander.status).code).toBe(status.OK);
    expect(finals(bystander.responses)).toEqual(['1', '2']);
    expect((await runSession(shared.emu, { spec: PCM8K })).status.code).toBe(status.OK);
  });

  it('delay: delays every response of the session, in order', async () => {
    shared.emu.addFault({ action: 'delay', delayMs: 200 });
    const open = openCall(connect(shared.emu));
    await open.write({ config: { specification: PCM8K } });
    await open.write({ audio_content: pcm });
    const t0 = performance.now();
    await sleep(100);
    expect(open.responses).toHaveLength(0);
    open.end();
    expect((await open.status).code).toBe(status.OK);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(finals(open.responses)).toEqual(['1', '2']);
    expect(shared.emu.sessions[0]!.faults).toEqual(['delay']);
    expect((await runSession(shared.emu, { spec: PCM8K, chunks: [pcm] })).responses).toHaveLength(2);
  });

  it('refuse: fails at call start, before any config', async () => {
    shared.emu.addFault({ action: 'refuse', status: 'RESOURCE_EXHAUSTED', details: 'quota' });
    const open = openCall(connect(shared.emu));
    const s = await open.status;
    expect(s.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(s.details).toBe('quota');
    expect(shared.emu.sessions[0]!.config).toBeUndefined();
    expect(shared.emu.sessions[0]!.faults).toEqual(['refuse']);
  });

  it('refuseNext: refuses the next N sessions, then serves again', async () => {
    shared.emu.refuseNext(2);
    shared.emu.refuseNext(1, 'PERMISSION_DENIED');
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await runSession(shared.emu, { spec: PCM8K })).status.code);
    expect(codes).toEqual([status.UNAVAILABLE, status.UNAVAILABLE, status.PERMISSION_DENIED, status.OK]);
    expect(shared.emu.sessions.map((s) => s.status?.name)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'PERMISSION_DENIED', 'OK']);
  });

  it('queues session-ending rules one per session, while delay rules join the same session', async () => {
    shared.emu.refuseNext(1);
    shared.emu.addFault({ action: 'fail', status: 'ABORTED' });
    shared.emu.addFault({ action: 'delay', delayMs: 120 });
    const t0 = performance.now();
    const refused = await runSession(shared.emu, { spec: PCM8K });
    const t1 = performance.now();
    const failed = await runSession(shared.emu, { spec: PCM8K });
    expect([refused.status.code, failed.status.code]).toEqual([status.UNAVAILABLE, status.ABORTED]);
    expect(t1 - t0).toBeGreaterThanOrEqual(110);
    expect(performance.now() - t1).toBeLessThan(100);
    expect(shared.emu.sessions[0]!.faults).toEqual(['delay', 'refuse']);
    expect(shared.emu.sessions[1]!.faults).toEqual(['fail']);
    expect((await runSession(shared.emu, { spec: PCM8K })).status.code).toBe(status.OK);
  });

  it('targets sessions by index and repeats with times', async () => {
    shared.emu.addFault({ session: 1, times: 2, action: 'fail', status: 'ABORTED' });
    shared.emu.addFault({ session: 4, action: 'refuse' });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await runSession(shared.emu, { spec: PCM8K })).status.code);
    expect(codes).toEqual([status.OK, status.ABORTED, status.ABORTED, status.OK, status.UNAVAILABLE]);
    expect(shared.emu.sessions.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('takes faults from the options', async () => {
    const faulty = await startEmulator({ faults: [{ action: 'fail', times: 2, status: 'INTERNAL' }] });
    try {
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await runSession(faulty, { spec: PCM8K })).status.code);
      expect(codes).toEqual([status.INTERNAL, status.INTERNAL, status.OK]);
    } finally {
      await faulty.close();
    }
  });

  it('reset() forgets pending faults and restarts indices', async () => {
    shared.emu.refuseNext(3);
    shared.emu.reset();
    expect((await runSession(shared.emu, { spec: PCM8K })).status.code).toBe(status.OK);
    expect(shared.emu.sessions.map((s) => s.index)).toEqual([0]);
  });

  it('validates rules', () => {
    const bad: unknown[] = [
      { action: 'explode' },
      { action: 'fail', status: 'NOPE' },
      { action: 'fail', afterAudioMs: -1 },
      { action: 'fail', times: 0 },
      { action: 'fail', session: 1.5 },
      { action: 'delay' },
    ];
    for (const rule of bad) expect(() => shared.emu.addFault(rule as FaultRule)).toThrow(TypeError);
    expect(() => shared.emu.refuseNext(-1)).toThrow(RangeError);
  });
});

describe('faults selected by the x-emulator-fault header', () => {
  it('fail with status and trigger point', async () => {
    const out = await runSession(shared.emu, {
      spec: PCM8K,
      chunks: messages,
      headers: withFault('action=fail;status=UNAVAILABLE;afterAudioMs=1500'),
    });
    expect(out.status.code).toBe(status.UNAVAILABLE);
    expect(finals(out.responses)).toEqual(['1']);
    expect(shared.emu.sessions[0]!.audioMs).toBe(1500);
    expect(shared.emu.sessions[0]!.metadata[FAULT_HEADER]).toBe('action=fail;status=UNAVAILABLE;afterAudioMs=1500');
  });

  it('percent-encoded details', async () => {
    const out = await runSession(shared.emu, { spec: PCM8K, headers: withFault('action=fail;status=INTERNAL;details=a%3Bb%20c') });
    expect(out.status.details).toBe('a;b c');
  });

  it('refuse, drop, end and delay', async () => {
    const refused = openCall(connect(shared.emu), withFault('action=refuse;status=RESOURCE_EXHAUSTED'));
    expect((await refused.status).code).toBe(status.RESOURCE_EXHAUSTED);

    const dropped = await runSession(shared.emu, { spec: PCM8K, chunks: messages, headers: withFault('action=drop;afterBytes=1600'), halfClose: false });
    expect(dropped.status.code).toBe(status.UNAVAILABLE);
    expect(shared.emu.sessions[1]!.status?.details).toBe('connection dropped');

    const ended = await runSession(shared.emu, { spec: PCM8K, chunks: messages, headers: withFault('action=end;afterAudioMs=1200'), halfClose: false });
    expect(ended.status.code).toBe(status.OK);
    expect(finals(ended.responses)).toEqual(['1']);

    const t0 = performance.now();
    const delayed = await runSession(shared.emu, { spec: PCM8K, chunks: [pcm], headers: withFault('action=delay;delayMs=150') });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(finals(delayed.responses)).toEqual(['1', '2']);
  });

  it('several rules in one header, the first trigger wins', async () => {
    const out = await runSession(shared.emu, {
      spec: PCM8K,
      chunks: messages,
      headers: withFault('action=fail;status=ABORTED;afterAudioMs=2000,action=fail;status=DATA_LOSS;afterAudioMs=500'),
    });
    expect(out.status.code).toBe(status.DATA_LOSS);
  });

  it.each([
    ['an unknown key', 'action=fail;session=3', /unknown key 'session'/],
    ['an unknown status', 'action=fail;status=BROKEN', /status/],
    ['a missing action', 'status=INTERNAL', /missing action/],
    ['a bad number', 'action=fail;afterAudioMs=soon', /afterAudioMs/],
    ['a pair without =', 'action=fail;oops', /key=value/],
  ])('rejects %s with INVALID_ARGUMENT', async (_name, header, details) => {
    const out = await runSession(shared.emu, { spec: PCM8K, headers: withFault(header) });
    expect(out.status.code).toBe(status.INVALID_ARGUMENT);
    expect(out.status.details).toMatch(details);
  });
});
