import { describe, expect, test } from 'vitest';
import { sleep } from './sleep.js';
import { settled } from '../../../tests/support/settled.js';

// Go's time/sleep_test.go, translated where it applies to Sleep.
describe('sleep (Go\'s time.Sleep)', () => {
  test('TestSleep: sleep(delay) sleeps at least delay, whatever else wakes meanwhile', async () => {
    const delay = 100;
    // Go interrupts the process halfway (a signal); here another task's
    // timer fires halfway: neither may end the sleep early.
    let interrupted = false;
    void sleep(delay / 2).then(() => (interrupted = true));
    const start = performance.now();
    await sleep(delay);
    const duration = performance.now() - start;
    expect(interrupted).toBe(true);
    // A setTimeout may fire up to 1 ms early by Node's clock rounding: the
    // alarm re-arms for the rest, so the lower bound holds as Go's does.
    expect(duration).toBeGreaterThanOrEqual(delay - 1);
  });

  test('TestSleepZeroDeadlock: a loop of sleep(0) completes and lets timers run', async () => {
    let fired = false;
    setTimeout(() => (fired = true), 5);
    let n = 0;
    while (!fired && n < 10_000_000) {
      await sleep(0);
      n++;
    }
    expect(fired).toBe(true);
    expect(n).toBeLessThan(10_000_000);
    await sleep(-5);
  });

  test('sleeps are woken in the order of their deadlines', async () => {
    const order: number[] = [];
    await Promise.all([30, 10, 20].map((ms) => sleep(ms).then(() => order.push(ms))));
    expect(order).toEqual([10, 20, 30]);
  });

  test('an aborted signal ends the sleep with its reason; an already aborted one rejects at once', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    expect(await settled(sleeping)).toBe(false);
    controller.abort(new Error('cancelled'));
    await expect(sleeping).rejects.toThrow('cancelled');
    await expect(sleep(10, controller.signal)).rejects.toThrow('cancelled');
  });

  test('sleep(Infinity) never resolves; a delay that is not a number throws RangeError', async () => {
    expect(await settled(sleep(Infinity))).toBe(false);
    expect(() => sleep(Number.NaN)).toThrow(RangeError);
    expect(() => sleep('5' as never)).toThrow(RangeError);
  });
});
