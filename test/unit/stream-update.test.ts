import { describe, expect, it } from 'vitest';
import { ErrorCodes, SpeechKitError } from '../../src/errors.js';
import type { RolloverEvent } from '../../src/recognize-stream.js';
import { type FakeCall, fakeStream, flushMicrotasks, runClock } from '../helpers/fake-transport.js';

const rate = 8000;
const loud = (ms: number) => Buffer.alloc((rate * 2 * ms) / 1000, 0x11);
const quiet = (ms: number) => Buffer.alloc((rate * 2 * ms) / 1000);
const setup = (options: Record<string, unknown> = {}) => {
  const made = fakeStream({ api: 'v3', sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, languageCode: 'ru-RU', ...options });
  const rollovers: RolloverEvent[] = [];
  made.stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
  return { ...made, rollovers };
};
const sessionOptions = (call: FakeCall) => (call.writes[0]!.message as Record<string, any>).session_options;
const cursors = (finalTimeMs: number, finalIndex: number) => ({ audio_cursors: { final_time_ms: finalTimeMs, final_index: finalIndex } });
const alt = (startMs: number, endMs: number) => ({ alternatives: [{ text: 'a', start_time_ms: startMs, end_time_ms: endMs, words: [{ text: 'a', start_time_ms: startMs, end_time_ms: endMs }] }] });

function refusal(fn: () => void): SpeechKitError {
  try {
    fn();
  } catch (error) {
    return error as SpeechKitError;
  }
  throw new Error('accepted');
}

describe('stream.update(): new settings from the next session on', () => {
  it('rolls over at the next end of utterance, and the next session starts with the new settings', async () => {
    const { clock, transport, stream, rollovers, results } = setup({ textNormalization: false });
    stream.write(loud(1_000));
    await runClock(clock, 20);
    const first = transport.calls[0]!;
    expect(sessionOptions(first).recognition_model.language_restriction).toEqual({ restriction_type: 'WHITELIST', language_code: ['ru-RU'] });
    stream.update({ languageCode: 'kk-KZ', eouClassifier: { type: 'default', sensitivity: 'high' }, classifiers: [{ name: 'answerphone', triggers: ['onUtterance'] }] });
    await runClock(clock, 20);
    // Nothing changes until a boundary: the session in progress keeps its settings.
    expect(transport.calls).toHaveLength(1);
    first.respond({ Event: 'final', final: alt(200, 800), ...cursors(900, 0) });
    first.respond({ Event: 'eou_update', eou_update: { time_ms: 900 }, ...cursors(900, 1) });
    await flushMicrotasks();
    stream.write(loud(200));
    await runClock(clock, 20);
    expect(rollovers).toMatchObject([{ reason: 'update', fromSession: 0 }]);
    const next = sessionOptions(transport.calls[1]!);
    expect(next.recognition_model.language_restriction).toEqual({ restriction_type: 'WHITELIST', language_code: ['kk-KZ'] });
    expect(next.eou_classifier).toEqual({ default_classifier: { type: 'HIGH' } });
    expect(next.recognition_classifier).toEqual({ classifiers: [{ classifier: 'answerphone', triggers: ['ON_UTTERANCE'] }] });
    expect(stream.options.languageCode).toBe('kk-KZ');
    expect(results.map((r) => r.type)).toEqual(['final', 'endOfUtterance']);
    // Once applied, later utterances are no reason to roll over again.
    transport.calls[1]!.respond({ Event: 'final', final: alt(100, 150), ...cursors(200, 0) });
    transport.calls[1]!.respond({ Event: 'eou_update', eou_update: { time_ms: 200 }, ...cursors(200, 1) });
    stream.write(loud(200));
    await runClock(clock, 20);
    expect(transport.calls).toHaveLength(2);
  });

  it('rolls over in a pause of rollover.silenceMs when no utterance ends', async () => {
    const { clock, transport, stream, rollovers } = setup({ rollover: { silenceMs: 500 } });
    stream.write(loud(300));
    await runClock(clock, 20);
    stream.update({ languageCode: undefined, languageRestriction: { type: 'blacklist', languageCodes: ['en-US'] } });
    stream.write(quiet(400));
    await runClock(clock, 20);
    expect(transport.calls).toHaveLength(1);
    stream.write(quiet(400));
    await runClock(clock, 20);
    expect(rollovers).toMatchObject([{ reason: 'update', fromSession: 0 }]);
    expect(sessionOptions(transport.calls[1]!).recognition_model.language_restriction).toEqual({ restriction_type: 'BLACKLIST', language_code: ['en-US'] });
  });

  it('a session opened for another reason (a recovery) starts with the settings waiting', async () => {
    const { clock, transport, stream } = setup({ retry: { minDelayMs: 10, maxDelayMs: 10 } });
    stream.write(loud(1_000));
    await runClock(clock, 20);
    stream.update({ model: 'general:rc' });
    stream.update({ profanityFilter: true });
    transport.calls[0]!.finish({ code: 14, details: 'unavailable' });
    await runClock(clock, 50);
    const next = sessionOptions(transport.calls[1]!).recognition_model;
    // Updates add up; the first session's settings stay what they were.
    expect(next).toMatchObject({ model: 'general:rc', text_normalization: { profanity_filter: true } });
    expect(sessionOptions(transport.calls[0]!).recognition_model.model).toBeUndefined();
  });

  it('validates at once, naming the option, and changes nothing when it refuses', async () => {
    const { clock, transport, stream } = setup();
    stream.write(loud(300));
    await runClock(clock, 20);
    const cases: [Record<string, unknown>, string][] = [
      [{ sampleRateHertz: 16000 }, 'sampleRateHertz'],
      [{ textNormalization: false }, 'textNormalization'],
      [{ languageCode: 'not a code' }, 'languageCode'],
      [{ classifiers: [] }, 'classifiers'],
      [{ eouClassifier: 'external' }, 'eouClassifier'],
      [{ languageRestriction: { languageCodes: ['en-US'] } }, 'languageRestriction'],
      [{ phoneFormatting: 'no' }, 'phoneFormatting'],
    ];
    for (const [update, option] of cases) {
      const error = refusal(() => stream.update(update as never));
      expect(error).toBeInstanceOf(SpeechKitError);
      expect(error).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option });
    }
    transport.calls[0]!.finish({ code: 14, details: 'unavailable' });
    await runClock(clock, 1_000);
    expect(sessionOptions(transport.calls[1]!)).toEqual(sessionOptions(transport.calls[0]!));
  });

  it('with API v2, a v3-only setting is refused; the shared ones apply', async () => {
    const { clock, transport, stream } = setup({ api: 'v2', retry: { minDelayMs: 10, maxDelayMs: 10 } });
    expect(refusal(() => stream.update({ classifiers: [{ name: 'answerphone', triggers: ['onUtterance'] }] }))).toMatchObject({ option: 'classifiers' });
    expect(refusal(() => stream.update({ eouClassifier: 'default' }))).toMatchObject({ option: 'eouClassifier' });
    stream.write(loud(300));
    await runClock(clock, 20);
    stream.update({ languageCode: 'en-US' });
    transport.calls[0]!.finish({ code: 14, details: 'unavailable' });
    await runClock(clock, 50);
    const spec = (call: FakeCall) => (call.writes[0]!.message as Record<string, any>).config.specification;
    expect(spec(transport.calls[0]!).language_code).toBe('ru-RU');
    expect(spec(transport.calls[1]!).language_code).toBe('en-US');
  });
});
