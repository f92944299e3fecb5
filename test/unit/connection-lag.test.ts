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

  it('a connection serving its calls unevenly: a call may wait as long as the slowest one heard, not just the latest', () => {
    const lag = new ConnectionLag();
    const a = watchOn(lag);
    const b = watchOn(lag);
    a.written(1000);
    b.written(0);
    b.acknowledged(1700); // one call waited 1.7 s
    for (let t = 1800; t < 4500; t += 100) {
      b.written(t - 100);
      b.acknowledged(t); // the others are served in 100 ms
    }
    expect(a.check(4500)).toBe('alive'); // 3.5 s: the timeout plus the slowest lag heard (3.7 s)
    expect(a.check(4700)).toBe('unacknowledged');
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

  it('the largest lag counts for several timeouts while the connection keeps delivering; one timeout of silence ends it', () => {
    const lag = new ConnectionLag();
    lag.heard(1500, 0, T);
    for (let t = 500; t < 6 * T; t += 500) lag.heard(100, t, T); // served unevenly: most calls fast
    expect(lag.extension(6 * T - 1, T)).toBe(1500);
    expect(lag.changesAt(6 * T - 1, T)).toBe(6 * T);
    expect(lag.extension(6 * T, T)).toBe(100);
    expect(lag.extension(6 * T - 500 + T, T)).toBe(0);
  });
});
