import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialledDigitsLayout, dialledDigitsPcm, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { splitMs } from './helpers.js';
import { BEARER, chunk, closeV3Clients, events, NORMALIZED, openV3, pcmOptions, runV3, silence } from './v3-helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ statusEveryMs: 50 });
});
afterAll(async () => {
  closeV3Clients();
  await emu.close();
});
beforeEach(() => emu.reset());

const pcm8k = (utterances: string[], layout = {}) => dialledDigitsPcm(utterances, { sampleRate: 8000, ...layout });
const chunks8k = (pcm: Buffer) => splitMs(pcm, 8000, 100).map(chunk);

describe('v3 recognition over gRPC (/speechkit.stt.v3.Recognizer/RecognizeStreaming)', () => {
  it('answers with raw finals, normalized refinements naming them, and an end of utterance after each', async () => {
    const out = await runV3(emu, pcmOptions(8000, NORMALIZED), chunks8k(pcm8k(['12', '305'])));
    expect(out.status.code).toBe(0);
    const seen = events(out.responses).filter((e) => !e.startsWith('partial'));
    expect(seen).toEqual(['final#0:one two', 'refinement#0:12', 'eou', 'final#1:three zero five', 'refinement#1:305', 'eou']);
    expect(events(out.responses).some((e) => e.startsWith('partial:one'))).toBe(true);
    // Word times are session times of the tones, on raw words and normalized digits alike.
    const layout = dialledDigitsLayout(['12', '305'], { sampleRate: 8000 });
    const final = out.responses.find((r) => r.Event === 'final')!;
    const refinement = out.responses.find((r) => r.Event === 'final_refinement')!;
    expect(final.final!.alternatives[0]!.words.map((w) => [w.text, w.start_time_ms, w.end_time_ms])).toEqual(
      layout.tones.slice(0, 2).map((t, i) => [['one', 'two'][i], t.startMs, t.endMs]),
    );
    expect(refinement.final_refinement!.normalized_text!.alternatives[0]!.words.map((w) => w.text)).toEqual(['1', '2']);
    expect(final.final!.alternatives[0]).toMatchObject({ start_time_ms: layout.tones[0]!.startMs, end_time_ms: layout.tones[1]!.endMs });
    for (const r of out.responses) expect(r.channel_tag).toBe('0');
    expect(emu.sessions[0]!).toMatchObject({ api: 'v3', v3Options: { textNormalization: true, eouClassifier: 'default', audioProcessingType: 'REAL_TIME' } });
    expect(emu.sessions[0]!.results.filter((r) => r.type !== 'partial')).toEqual([
      { text: 'one two', final: true, endOfUtterance: false, type: 'final', finalIndex: 0 },
      { text: '12', final: false, endOfUtterance: false, type: 'refinement', finalIndex: 0 },
      { text: '', final: false, endOfUtterance: true, type: 'endOfUtterance' },
      { text: 'three zero five', final: true, endOfUtterance: false, type: 'final', finalIndex: 1 },
      { text: '305', final: false, endOfUtterance: false, type: 'refinement', finalIndex: 1 },
      { text: '', final: false, endOfUtterance: true, type: 'endOfUtterance' },
    ]);
  });

  it('sends no refinements without normalization (the service default)', async () => {
    const out = await runV3(emu, pcmOptions(16000), splitMs(dialledDigitsPcm(['7'], { sampleRate: 16000 }), 16000, 100).map(chunk));
    expect(events(out.responses).filter((e) => !e.startsWith('partial'))).toEqual(['final#0:seven', 'eou']);
  });

  it('keeps audio cursors: received, analysed, finalized up to the end of the utterance, final count', async () => {
    const pcm = pcm8k(['4'], { leadMs: 200, toneMs: 100, trailMs: 1000 });
    const out = await runV3(emu, pcmOptions(8000), chunks8k(pcm));
    const final = out.responses.find((r) => r.Event === 'final')!;
    const eou = out.responses.find((r) => r.Event === 'eou_update')!;
    // The utterance ends 600 ms (the default pause) after the tone: 200 + 100 + 600.
    expect(final.audio_cursors).toMatchObject({ final_time_ms: 900, final_index: 0, partial_time_ms: 900 });
    expect(final.audio_cursors!.received_data_ms).toBeGreaterThanOrEqual(900);
    expect(eou.eou_update!.time_ms).toBe(900);
    expect(eou.audio_cursors).toMatchObject({ final_index: 1, eou_time_ms: 900 });
    expect(emu.sessions[0]!.audioMs).toBe(1300);
    for (let i = 1; i < out.responses.length; i++) {
      expect(out.responses[i]!.audio_cursors!.received_data_ms).toBeGreaterThanOrEqual(out.responses[i - 1]!.audio_cursors!.received_data_ms);
    }
  });

  it('sends status_code WORKING keep-alives at the configured interval, first right after the options', async () => {
    const open = openV3(emu);
    await open.write({ session_options: pcmOptions(8000) });
    const first = await open.waitFor((r) => r.Event === 'status_code');
    expect(first.status_code).toEqual({ code_type: 'WORKING', message: 'session is alive' });
    await open.waitFor(() => open.responses.filter((r) => r.Event === 'status_code').length >= 3);
    open.end();
    expect((await open.status).code).toBe(0);
    expect(emu.sessions[0]!.statusMessages).toBeGreaterThanOrEqual(3);
  });

  it('hears silence_chunk as silence: it ends an utterance and counts as audio time, not bytes', async () => {
    const speech = pcm8k(['58'], { trailMs: 100 });
    const open = openV3(emu);
    await open.write({ session_options: pcmOptions(8000, NORMALIZED) });
    for (const c of chunks8k(speech)) await open.write(c);
    await open.write(silence(700));
    // The final comes from the silence, before the client closes.
    const refinement = await open.waitFor((r) => r.Event === 'final_refinement');
    expect(refinement.final_refinement!.normalized_text!.alternatives[0]!.text).toBe('58');
    open.end();
    await open.status;
    const record = emu.sessions[0]!;
    expect(record.audio.length).toBe(speech.length);
    expect(record.silenceChunks.map((s) => s.durationMs)).toEqual([700]);
    expect(record.audioMs).toBeCloseTo((speech.length / 16) + 700, 6);
    expect(open.responses.at(-1)!.audio_cursors!.received_data_ms).toBe(Math.floor(speech.length / 16 + 700));
  });

  it('ends utterances only on the external eou (and at the end of the stream) with the external classifier', async () => {
    // 300 ms between the digit groups: far too short for the default classifier to split them.
    const first = pcm8k(['12'], { trailMs: 300 });
    const second = pcm8k(['34'], { leadMs: 0, trailMs: 900 });
    const out = await runV3(emu, pcmOptions(8000, NORMALIZED, { eou_classifier: { external_classifier: {} } }), [
      ...chunks8k(first),
      { eou: {} },
      ...chunks8k(second),
    ]);
    expect(out.status.code).toBe(0);
    expect(events(out.responses).filter((e) => !e.startsWith('partial'))).toEqual([
      'final#0:one two', 'refinement#0:12', 'eou', 'final#1:three four', 'refinement#1:34', 'eou',
    ]);
    const firstEou = out.responses.find((r) => r.Event === 'eou_update')!;
    expect(firstEou.eou_update!.time_ms).toBe(first.length / 16);
    expect(emu.sessions[0]!.eouMessages.map((e) => e.audioMs)).toEqual([first.length / 16]);
    // Without the external classifier the same audio is one utterance.
    const together = await runV3(emu, pcmOptions(8000), [...chunks8k(first), ...chunks8k(second)]);
    expect(events(together.responses).filter((e) => e.startsWith('final'))).toEqual(['final#0:one two three four']);
  });

  it('answers an external eou even when it closes no utterance', async () => {
    const out = await runV3(emu, pcmOptions(8000, {}, { eou_classifier: { external_classifier: {} } }), [...chunks8k(Buffer.alloc(1600)), { eou: {} }]);
    expect(events(out.responses)).toEqual(['eou']);
    expect(out.responses.find((r) => r.Event === 'eou_update')!.eou_update!.time_ms).toBe(100);
  });

  it('ends utterances after the pause hint, and sooner with high sensitivity', async () => {
    const pcm = pcm8k(['1', '2'], { utteranceGapMs: 450 });
    const split = async (classifier: object) =>
      events((await runV3(emu, pcmOptions(8000, {}, { eou_classifier: { default_classifier: classifier } }), chunks8k(pcm))).responses).filter((e) => e.startsWith('final'));
    expect(await split({})).toEqual(['final#0:one two']);
    expect(await split({ max_pause_between_words_hint_ms: 400 })).toEqual(['final#0:one', 'final#1:two']);
    expect(await split({ type: 'HIGH' })).toEqual(['final#0:one', 'final#1:two']);
    expect(emu.sessions[2]!.v3Options).toMatchObject({ eouSensitivity: 'HIGH', eouSilenceMs: 300 });
  });

  it('sends no partials with FULL_DATA processing', async () => {
    const out = await runV3(emu, pcmOptions(8000, { audio_processing_type: 'FULL_DATA' }), chunks8k(pcm8k(['99'])));
    expect(events(out.responses)).toEqual(['final#0:nine nine', 'eou']);
  });

  it('reports the whitelisted language on alternatives and records the folder header', async () => {
    const out = await runV3(
      emu,
      pcmOptions(8000, { language_restriction: { restriction_type: 'WHITELIST', language_code: ['en-US'] } }),
      chunks8k(pcm8k(['1'])),
      { ...BEARER, 'x-folder-id': 'b1gfolder' },
    );
    const final = out.responses.find((r) => r.Event === 'final')!;
    expect(final.final!.alternatives[0]!.languages).toEqual([{ language_code: 'en-US', probability: 1 }]);
    expect(emu.sessions[0]!).toMatchObject({ folderId: 'b1gfolder', config: { languageCode: 'en-US' } });
  });
});

describe('v3 session options validation', () => {
  const refused = async (options: object, messages: object[] = []) => {
    const out = await runV3(emu, options, messages);
    return { code: out.status.code, details: out.status.details };
  };

  it.each([
    ['no audio format', { recognition_model: { model: 'general' } }, /audio_format: required/],
    ['an unsupported PCM rate', pcmOptions(22050), /sample_rate_hertz: 22050/],
    ['stereo', { recognition_model: { audio_format: { raw_audio: { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: 8000, audio_channel_count: 2 } } } }, /mono/],
    ['MP3', { recognition_model: { audio_format: { container_audio: { container_audio_type: 'MP3' } } } }, /MP3 is not supported/],
    ['an unknown model', pcmOptions(8000, { model: 'whisper' }), /model: 'whisper'/],
    ['an unknown language', pcmOptions(8000, { language_restriction: { restriction_type: 'WHITELIST', language_code: ['xx-XX'] } }), /language_code: 'xx-XX'/],
    ['a restriction without a type', pcmOptions(8000, { language_restriction: { language_code: ['ru-RU'] } }), /restriction_type/],
  ])('refuses %s with INVALID_ARGUMENT naming the field', async (_name, options, details) => {
    const out = await refused(options);
    expect(out.code).toBe(3);
    expect(out.details).toMatch(details);
  });

  it('refuses features it does not emulate with UNIMPLEMENTED', async () => {
    const out = await refused({ recognition_model: { audio_format: { container_audio: { container_audio_type: 'WAV' } } } });
    expect(out).toMatchObject({ code: 12, details: expect.stringMatching(/WAV/) });
  });

  it('refuses audio before the options, options twice, an eou without the external classifier, and empty or zero-length silence', async () => {
    const open = openV3(emu);
    await open.write({ chunk: { data: Buffer.alloc(160) } });
    open.end();
    expect(await open.status).toMatchObject({ code: 3, details: expect.stringMatching(/first message must carry session_options/) });
    expect(await refused(pcmOptions(8000), [{ session_options: pcmOptions(8000) }])).toMatchObject({ code: 3, details: expect.stringMatching(/only be sent once/) });
    expect(await refused(pcmOptions(8000), [{ eou: {} }])).toMatchObject({ code: 3, details: expect.stringMatching(/external_classifier/) });
    expect(await refused(pcmOptions(8000), [silence(0)])).toMatchObject({ code: 3, details: expect.stringMatching(/duration_ms/) });
    expect(await refused(pcmOptions(8000), [{ chunk: { data: Buffer.alloc(0) } }])).toMatchObject({ code: 3, details: expect.stringMatching(/chunk.data is empty/) });
  });

  it('checks credentials like v2', async () => {
    const out = await runV3(emu, pcmOptions(8000), [], { authorization: 'Bearer wrong' });
    expect(out.status).toMatchObject({ code: 16 });
    expect(emu.sessions[0]!.metadata.authorization).toBe('Bearer <redacted>');
  });
});

describe('v3 session limits and faults', () => {
  it('counts silence_chunk time against the audio limit, and only chunk bytes against the size limit', async () => {
    await emu.close();
    emu = await startEmulator({ statusEveryMs: 50, limits: { maxAudioMs: 3_000, maxBytes: 20_000 } });
    const byTime = await runV3(emu, pcmOptions(8000), [silence(2_000), silence(2_000)]);
    expect(byTime.status).toMatchObject({ code: 11, details: expect.stringMatching(/^session limit: audio duration/) });
    expect(emu.sessions[0]!.audio.length).toBe(0);
    const bySize = await runV3(emu, pcmOptions(8000), [chunk(Buffer.alloc(16_000)), chunk(Buffer.alloc(16_000))]);
    expect(bySize.status).toMatchObject({ code: 11, details: expect.stringMatching(/^session limit: audio size/) });
  });

  it('applies scripted faults at audio points that silence_chunk reaches too', async () => {
    emu.addFault({ action: 'fail', status: 'UNAVAILABLE', afterAudioMs: 1_000 });
    const out = await runV3(emu, pcmOptions(8000), [silence(600), silence(600), silence(600)]);
    expect(out.status.code).toBe(14);
    expect(emu.sessions[0]!.faults).toEqual(['fail']);
    const header = await runV3(emu, pcmOptions(8000), [], { ...BEARER, 'x-emulator-fault': 'action=refuse;status=RESOURCE_EXHAUSTED' });
    expect(header.status.code).toBe(8);
  });
});
