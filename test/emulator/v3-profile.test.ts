import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { dialledDigitsPcm } from '../../src/emulator/index.js';
import { emulatorsForFile, sleep, splitMs } from './helpers.js';
import { chunk, closeV3Clients, events, NORMALIZED, openV3, pcmOptions, runV3, silence, type V3Response } from './v3-helpers.js';

const emulator = emulatorsForFile(closeV3Clients);

const pcm = dialledDigitsPcm(['12', '305'], { sampleRate: 8000 });
const messages = splitMs(pcm, 8000, 100).map(chunk);
const byEvent = (responses: V3Response[], event: string) => responses.filter((r) => r.Event === event);

describe('service profiles over gRPC (API v3)', () => {
  it('v3.cursorLagMs: final_time_ms and the eou cursors lag the truth by that much', async () => {
    const truth = await runV3(await emulator({}), pcmOptions(8000, NORMALIZED), messages);
    const lagged = await runV3(await emulator({ profile: { v3: { cursorLagMs: 200 } } }), pcmOptions(8000, NORMALIZED), messages);
    const cursors = (responses: V3Response[]) =>
      byEvent(responses, 'final').map((r) => [r.audio_cursors!.final_time_ms, r.audio_cursors!.partial_time_ms]);
    const eous = (responses: V3Response[]) => byEvent(responses, 'eou_update').map((r) => r.eou_update!.time_ms);
    const t = cursors(truth.responses);
    expect(t.length).toBe(2);
    expect(t[0]![0]).toBeGreaterThan(200);
    // final_time_ms lags; the partial cursor does not.
    expect(cursors(lagged.responses)).toEqual(t.map(([finalMs, partialMs]) => [finalMs! - 200, partialMs]));
    expect(eous(lagged.responses)).toEqual(eous(truth.responses).map((ms) => ms - 200));
  });

  it("v3.refinement / eouUpdate 'late': they come lateMs after their final, overtaken by later responses, before the OK", async () => {
    const emu = await emulator({ profile: { v3: { refinement: 'late', eouUpdate: 'late', lateMs: 600 } }, statusEveryMs: 100 });
    const open = openV3(emu);
    const at = new Map<V3Response, number>();
    open.call.on('data', (r: V3Response) => at.set(r, performance.now()));
    await open.write({ session_options: pcmOptions(8000, NORMALIZED) });
    for (const m of messages) await open.write(m);
    open.end();
    expect((await open.status).code).toBe(status.OK);
    const seen = events(open.responses).filter((e) => !e.startsWith('partial'));
    expect(seen).toEqual(['final#0:one two', 'final#1:three zero five', 'refinement#0:12', 'eou', 'refinement#1:305', 'eou']);
    const final0 = byEvent(open.responses, 'final')[0]!;
    const refinement0 = byEvent(open.responses, 'final_refinement')[0]!;
    expect(at.get(refinement0)! - at.get(final0)!).toBeGreaterThanOrEqual(550);
    // Keep-alives kept coming meanwhile.
    expect(open.responses.indexOf(refinement0) - open.responses.indexOf(final0)).toBeGreaterThan(2);
  });

  it("v3.refinement / eouUpdate 'missing': never sent, the session still ends OK", async () => {
    const emu = await emulator({ profile: { v3: { refinement: 'missing', eouUpdate: 'missing' } } });
    const out = await runV3(emu, pcmOptions(8000, NORMALIZED), messages);
    expect(out.status.code).toBe(status.OK);
    expect(events(out.responses).filter((e) => !e.startsWith('partial'))).toEqual(['final#0:one two', 'final#1:three zero five']);
  });

  it('pacing counts silence_chunk time: ten seconds of silence at once run ahead of real time', async () => {
    const emu = await emulator({ profile: { pacing: { maxRatio: 2, leadMs: 1500 } } });
    const out = await runV3(emu, pcmOptions(8000), [chunk(pcm.subarray(0, 1600)), silence(10_000)]);
    expect(out.status.code).toBe(status.INVALID_ARGUMENT);
    expect(out.status.details).toMatch(/^audio runs ahead of real time/);
    expect(emu.sessions[0]!.pacingBreach!.excessMs).toBeGreaterThan(8000);
  });

  it("strict: v3 finals keep their word times and each arrives within its drawn latency", async () => {
    const emu = await emulator({ profile: 'strict' });
    const open = openV3(emu);
    await open.write({ session_options: pcmOptions(8000, NORMALIZED) });
    for (const m of messages) {
      await open.write(m);
      await sleep(100);
    }
    await sleep(1600);
    open.end();
    expect((await open.status).code).toBe(status.OK);
    const finals = byEvent(open.responses, 'final');
    expect(finals.map((r) => r.final!.alternatives[0]!.text)).toEqual(['one two', 'three zero five']);
    expect(finals[0]!.final!.alternatives[0]!.words.length).toBe(2);
    expect(emu.sessions[0]!.finalDelaysMs.every((d) => d >= 0 && d <= 1500)).toBe(true);
  }, 15_000);

  it('flood and bogus-times apply to v3 as to v2', async () => {
    const emu = await emulator({});
    emu.addFault({ action: 'bogus-times', afterAudioMs: 100 });
    emu.addFault({ action: 'flood', afterAudioMs: 100, durationMs: 200 });
    const open = openV3(emu);
    await open.write({ session_options: pcmOptions(8000) });
    await open.write(messages[0]!);
    await open.write(messages[1]!);
    await sleep(300);
    for (const m of messages.slice(2)) await open.write(m);
    open.end();
    expect((await open.status).code).toBe(status.OK);
    const floods = byEvent(open.responses, 'partial').filter((r) => r.partial!.alternatives[0]!.text === 'flood');
    expect(floods.length).toBe(emu.sessions[0]!.floodResponses);
    expect(floods.length).toBeGreaterThan(50);
    const finals = byEvent(open.responses, 'final').map((r) => r.final!.alternatives[0]!);
    expect(finals.map((a) => a.text)).toEqual(['one two', 'three zero five']);
    expect(finals[0]!.start_time_ms).toBeGreaterThan(3_600_000);
    expect(finals[0]!.words[0]!.start_time_ms).toBeGreaterThan(3_600_000);
    expect(finals[1]!.start_time_ms).toBeLessThan(10_000);
    expect(emu.sessions[0]!.faults).toEqual(['bogus-times', 'flood']);
  });

  it("halfClose 'no-flush' drops the open utterance; stall silences keep-alives too", async () => {
    const open305 = pcm.subarray(0, pcm.length - 14_400); // 100 ms after the last tone: "305" still open
    const flushing = await runV3(await emulator({}), pcmOptions(8000), [chunk(open305)]);
    expect(byEvent(flushing.responses, 'final').map((r) => r.final!.alternatives[0]!.text)).toEqual(['one two', 'three zero five']);
    const emu = await emulator({ profile: { halfClose: 'no-flush' }, statusEveryMs: 50 });
    const out = await runV3(emu, pcmOptions(8000), [chunk(open305)]);
    expect(out.status.code).toBe(status.OK);
    expect(byEvent(out.responses, 'final').map((r) => r.final!.alternatives[0]!.text)).toEqual(['one two']);

    emu.addFault({ action: 'stall', afterWallMs: 100 });
    const stalled = openV3(emu);
    await stalled.write({ session_options: pcmOptions(8000) });
    await sleep(400);
    const s = emu.sessions[1]!;
    const count = s.statusMessages;
    const received = stalled.responses.length;
    await sleep(400);
    expect(s.faults).toEqual(['stall']);
    expect(s.statusMessages).toBe(count);
    expect(stalled.responses.length).toBe(received);
    expect(count).toBeLessThan(5);
    stalled.call.cancel();
    await s.ended;
  });
});
