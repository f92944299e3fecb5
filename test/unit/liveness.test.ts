import { describe, expect, it } from 'vitest';
import { LivenessWatch, livenessExpectation, PAUSE_OWES_FINAL_MS } from '../../src/session/liveness.js';
import { seededRandom } from '../helpers/dialled.js';

const T = 2000;

/** Feeds `ms` of audio in 100 ms frames from `start`, answering nothing; returns the end time. */
function feed(watch: LivenessWatch, start: number, ms: number, speech: boolean | undefined): number {
  let now = start;
  for (let sent = 0; sent < ms; sent += 100) {
    watch.written(now);
    watch.acknowledged(0);
    watch.sentAudio(now, 100, speech);
    now += 100;
  }
  return now;
}

describe('liveness watch', () => {
  it('v3: any audio owes a response; silence included', () => {
    const watch = new LivenessWatch(T, livenessExpectation('v3', false));
    const end = feed(watch, 0, 3000, false);
    expect(watch.nextCheckAt(0)).toBe(T);
    expect(watch.check(T - 1)).toBe('alive');
    expect(watch.check(end)).toBe('no-response');
    watch.responded(0);
    expect(watch.check(end)).toBe('alive');
    expect(watch.nextCheckAt(0)).toBeUndefined();
  });

  it('v2 without partials: speech alone owes nothing; a pause after speech owes the final', () => {
    const watch = new LivenessWatch(T, livenessExpectation('v2', false));
    let now = feed(watch, 0, 10_000, true);
    expect(watch.check(now)).toBe('alive');
    // Silence short of the pause owes nothing either.
    now = feed(watch, now, PAUSE_OWES_FINAL_MS - 100, false);
    expect(watch.check(now + 10 * T)).toBe('alive');
    now = feed(watch, now, 100, false);
    const owedAt = now - 100;
    expect(watch.nextCheckAt(0)).toBe(owedAt + T);
    expect(watch.check(owedAt + T - 1)).toBe('alive');
    expect(watch.check(owedAt + T)).toBe('no-response');
  });

  it('v2: legitimate silence (nothing said since the last answer) never looks dead', () => {
    const watch = new LivenessWatch(T, livenessExpectation('v2', false));
    let now = feed(watch, 0, 500, true);
    now = feed(watch, now, 1500, false);
    watch.responded(0); // the final
    now = feed(watch, now, 60_000, false);
    expect(watch.check(now)).toBe('alive');
    expect(watch.nextCheckAt(0)).toBeUndefined();
  });

  it('v2 with partials: speech owes a partial', () => {
    const watch = new LivenessWatch(T, livenessExpectation('v2', true));
    expect(feed(watch, 0, 1000, false)).toBe(1000);
    expect(watch.nextCheckAt(0)).toBeUndefined();
    const now = feed(watch, 1000, 3000, true);
    expect(watch.check(now)).toBe('no-response');
  });

  it('unknown silence (Ogg) counts as speech', () => {
    const watch = new LivenessWatch(T, livenessExpectation('v2', true));
    feed(watch, 0, 100, undefined);
    expect(watch.nextCheckAt(0)).toBe(T);
  });

  it('nothing is owed while paused; what was owed is owed again from the resume', () => {
    const watch = new LivenessWatch(T, livenessExpectation('v3', false));
    feed(watch, 0, 500, true);
    watch.setPaused(true, 500);
    expect(watch.check(60_000)).toBe('alive');
    expect(watch.nextCheckAt(0)).toBeUndefined();
    watch.setPaused(false, 60_000);
    expect(watch.check(60_000 + T - 1)).toBe('alive');
    expect(watch.check(60_000 + T)).toBe('no-response');
  });

  it('a write not acknowledged for the timeout is a stall, paused or not', () => {
    const watch = new LivenessWatch(T, livenessExpectation('v2', false));
    watch.written(0);
    watch.acknowledged(0);
    watch.written(100);
    watch.written(200);
    watch.setPaused(true, 200);
    expect(watch.nextCheckAt(0)).toBe(100 + T);
    expect(watch.check(100 + T - 1)).toBe('alive');
    watch.acknowledged(0);
    expect(watch.check(100 + T)).toBe('alive');
    expect(watch.check(200 + T)).toBe('unacknowledged');
    watch.acknowledged(0);
    watch.acknowledged(0); // one too many is harmless
    expect(watch.check(1e9)).toBe('alive');
  });

  it('property: the next check is never later than the first moment check() says stalled', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      const expects = (['any-audio', 'speech', 'pause-after-speech'] as const)[seed % 3]!;
      const watch = new LivenessWatch(T, expects);
      let pending = 0;
      let now = 0;
      let armedAt: number | undefined;
      for (let step = 0; step < 400; step++) {
        now += Math.floor(random() * 300);
        // A check scheduled earlier must come no later than any stall: else stalls go unnoticed.
        if (watch.check(now) !== 'alive') {
          expect(armedAt).toBeDefined();
          expect(armedAt!).toBeLessThanOrEqual(now);
          break;
        }
        if (armedAt !== undefined && armedAt <= now) armedAt = undefined;
        const r = random();
        if (r < 0.5) {
          watch.written(now);
          pending++;
          watch.sentAudio(now, 100, random() < 0.5);
        } else if (r < 0.8 && pending > 0) {
          watch.acknowledged(0);
          pending--;
        } else if (r < 0.9) {
          watch.responded(0);
        } else {
          watch.setPaused(random() < 0.5, now);
        }
        // The stream's rule: arm only when nothing is armed.
        armedAt ??= watch.nextCheckAt(0);
      }
    }
  });
});

describe('a service that is quiet for its own reasons', () => {
  it('a session started quiet owes nothing until it hears back, then owes as usual; unacknowledged writes still count', () => {
    const watch = new LivenessWatch(T, 'any-audio', false);
    let now = feed(watch, 0, 10_000, true);
    expect(watch.check(now)).toBe('alive');
    expect(watch.nextCheckAt(0)).toBeUndefined();
    watch.written(now);
    expect(watch.check(now + T)).toBe('unacknowledged');
    watch.acknowledged(0);
    watch.responded(0);
    expect(watch.owes).toBe(true);
    now = feed(watch, now, 100, true);
    expect(watch.check(now + T)).toBe('no-response');
  });
});

describe('v2 without partial results, utterances closer than a final-owing pause', () => {
  it('owes a final once it has heard `owesAfterSpeechMs` of audio with speech and answered nothing', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const owesAfter = 3_000 + Math.round(random() * 10) * 1_000;
      const watch = new LivenessWatch(T, 'pause-after-speech', true, owesAfter);
      const silent = new LivenessWatch(T, 'pause-after-speech', true, owesAfter);
      let now = 0;
      let heard = 0;
      // Speech of 200-600 ms, pauses of 400-900 ms: never the 1 s pause that owes a final by itself.
      while (heard < owesAfter + 2_000) {
        const speech = 200 + Math.round(random() * 4) * 100;
        const pause = 400 + Math.round(random() * 5) * 100;
        now = feed(watch, now, speech, true);
        now = feed(watch, now, pause, false);
        feed(silent, now - speech - pause, speech + pause, false);
        heard += speech + pause;
        if (heard < owesAfter) expect(watch.check(now + T), `seed ${seed} at ${heard} ms`).toBe('alive');
      }
      expect(watch.check(now + T), `seed ${seed}`).toBe('no-response');
      // An answer starts the count again; silence alone never owes anything.
      watch.responded(now + T);
      expect(watch.check(now + T)).toBe('alive');
      expect(silent.check(now + 10 * T)).toBe('alive');
    }
  });
});

describe('the list of unacknowledged writes', () => {
  it('stays bounded on a call that always has a write in flight', () => {
    const watch = new LivenessWatch(T, 'any-audio');
    watch.written(0);
    for (let i = 1; i <= 100_000; i++) {
      watch.written(i);
      watch.acknowledged(i);
    }
    expect(watch.unackedHeld).toBeLessThanOrEqual(1_025);
    // The one still in flight is the newest: it is what a stall is judged by.
    expect(watch.check(100_000 + T - 1)).toBe('alive');
    expect(watch.check(100_000 + T)).toBe('unacknowledged');
  });
});
