import { describe, expect, test } from 'vitest';
import { after } from './after.js';
import { afterFunc } from './after-func.js';
import { Channel } from './channel.js';
import { nil } from './nil.js';
import { recv, trySelect } from './select.js';
import { Timer } from './timer.js';

// Go's time/sleep_test.go, translated where it applies to AfterFunc.
describe('afterFunc (Go\'s time.AfterFunc)', () => {
  test('TestAfterFunc: f re-arms itself with a delay of 0 ten times, then signals', async () => {
    let i = 10;
    const c = new Channel<boolean>();
    const f = (): void => {
      i--;
      if (i >= 0) afterFunc(0, f);
      else void c.send(true);
    };
    afterFunc(0, f);
    expect(await c.recv()).toEqual([true, true]);
    expect(i).toBe(-1);
  });

  test('TestAfterStop: stop() before f runs returns true and f never runs; a second stop() returns false', async () => {
    afterFunc(100, () => {});
    const t0 = new Timer(50);
    const c1 = new Channel<boolean>(1);
    const t1 = afterFunc(150, () => c1.trySend(true));
    const c2 = after(200);
    expect(t0.stop()).toBe(true);
    expect(t1.stop()).toBe(true);
    await c2.recv();
    expect(trySelect([recv(t0.c), recv(c1)])).toBeUndefined();
    expect(t1.stop()).toBe(false);
  });

  test('f is never called within afterFunc, even for a delay of 0; stop() right after it returns true', async () => {
    let calls = 0;
    const t = afterFunc(0, () => calls++);
    expect(calls).toBe(0);
    expect(t.stop()).toBe(true);
    await after(20).recv();
    expect(calls).toBe(0);
  });

  test('stop() after f ran returns false', async () => {
    const ran = new Channel<void>(1);
    const t = afterFunc(1, () => ran.trySend());
    await ran.recv();
    expect(t.stop()).toBe(false);
  });

  test('its timer is a Timer whose channel is nil, as Go\'s t.C', () => {
    const t = afterFunc(Infinity, () => {});
    expect(t).toBeInstanceOf(Timer);
    expect(t.c).toBe(nil);
    expect(t.stop()).toBe(true);
  });

  test('reset before f ran moves the call and returns true; after, it schedules f again and returns false (Go 1.23)', async () => {
    let calls = 0;
    const ran = new Channel<void>(2);
    const t = afterFunc(60_000, () => {
      calls++;
      ran.trySend();
    });
    expect(t.reset(1)).toBe(true);
    await ran.recv();
    expect(calls).toBe(1);
    expect(t.reset(1)).toBe(false);
    await ran.recv();
    expect(calls).toBe(2);
    expect(t.stop()).toBe(false);
  });

  test('a delay that is not a number throws RangeError; f that is not a function, TypeError', () => {
    expect(() => afterFunc(Number.NaN, () => {})).toThrow(RangeError);
    expect(() => afterFunc(1, 'f' as never)).toThrow(TypeError);
    // The next plain Timer is still a plain one.
    const t = new Timer(Infinity);
    expect(t.c).not.toBe(nil);
    t.stop();
  });
});
