import { describe, expect, it } from 'vitest';
import { ConnectionLag } from '../../src/session/connection-lag.js';
import { LivenessWatch, livenessExpectation } from '../../src/session/liveness.js';

const T = 2000;
const watchOn = (connection?: ConnectionLag) => {
  const watch = new LivenessWatch(T, livenessExpectation('v3', false));
  watch.attach(connection);
  return watch;
};

describe('liveness judged against the connection', () => {
  it('a call slow with its neighbours (the connection runs behind) is not stalled; without the evidence it would be', () => {
    const lag = new ConnectionLag();
    const a = watchOn(lag);
    const b = watchOn(lag);
    const alone = watchOn();
    for (const w of [a, b, alone]) w.written(0);
    b.written(1000);
    // The neighbour's writes come back late, later and later: the connection is behind.
    b.acknowledged(1500);
    expect(a.check(T)).toBe('alive');
    expect(alone.check(T)).toBe('unacknowledged');
    b.acknowledged(2900);
    expect(a.check(3000)).toBe('alive');
    expect(a.nextCheckAt(3000)).toBe(T + 1900);
    a.acknowledged(3500);
    expect(a.check(3500)).toBe('alive');
  });

  it('a dead connection is still found: its evidence expires within one timeout of its last delivery', () => {
    const lag = new ConnectionLag();
    const a = watchOn(lag);
    const b = watchOn(lag);
    a.written(0);
    b.written(1000);
    b.acknowledged(2900); // the last thing the connection ever delivers (lag 1900)
    a.written(3000);
    b.written(3000);
    expect(a.check(3899)).toBe('alive');
    expect(a.check(3900)).toBe('unacknowledged'); // the write at 0: timeout plus the lag heard
    const later = watchOn(lag);
    later.written(3000);
    // Judged on the plain timeout once the evidence is older than one timeout (from 4900 on).
    expect(later.nextCheckAt(3000)).toBe(5000);
    expect(later.check(4999)).toBe('alive');
    expect(later.check(5000)).toBe('unacknowledged');
  });

  it('a call stuck alone while its neighbours are served on time is stalled after the timeout', () => {
    const lag = new ConnectionLag();
    const stuck = watchOn(lag);
    const b = watchOn(lag);
    stuck.written(0);
    for (let t = 0; t < 3000; t += 100) {
      b.written(t);
      b.acknowledged(t + 10);
    }
    expect(stuck.check(T + 9)).toBe('alive');
    expect(stuck.check(T + 10)).toBe('unacknowledged');
  });

  it('responses: a service answering every call late extends what is owed; one call unanswered among prompt answers is not', () => {
    const slow = new ConnectionLag();
    const a = watchOn(slow);
    const b = watchOn(slow);
    a.sentAudio(0, 100, true);
    b.sentAudio(0, 100, true);
    b.responded(1800); // 1.8 s after it was owed
    expect(a.check(3000)).toBe('alive');
    expect(a.check(3800)).toBe('no-response');

    const prompt = new ConnectionLag();
    const stuck = watchOn(prompt);
    const c = watchOn(prompt);
    stuck.sentAudio(0, 100, true);
    for (let t = 0; t < 3000; t += 100) {
      c.sentAudio(t, 100, true);
      c.responded(t + 50);
    }
    expect(stuck.check(T + 50)).toBe('no-response');
  });

  it('the extension is bounded: ten timeouts at most, however late the connection', () => {
    const lag = new ConnectionLag();
    lag.heard(60 * T, 1000, T);
    expect(lag.extension(1000, T)).toBe(10 * T);
    expect(lag.extension(1000 + T, T)).toBe(0);
  });

  it('a smaller lag heard later outlives the largest when that one expires', () => {
    const lag = new ConnectionLag();
    lag.heard(1500, 0, T);
    lag.heard(900, 1500, T);
    expect(lag.extension(1999, T)).toBe(1500);
    expect(lag.changesAt(1999, T)).toBe(T);
    expect(lag.extension(T, T)).toBe(900);
    expect(lag.extension(1500 + T, T)).toBe(0);
  });
});
