import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { after } from './after.js';
import { Channel } from './channel.js';
import { recv, select } from './select.js';
import { Timer } from './timer.js';

// Go's time/sleep_test.go, on vitest's fake clock: each step of virtual time
// runs the timers due in it, so the tests are exact and take no real time.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Timer (time.NewTimer)', () => {
  it('sends the time once, after the delay, and never closes', () => {
    const start = Date.now();
    const timer = new Timer(100);
    vi.advanceTimersByTime(99);
    expect(timer.c.tryRecv()).toBeUndefined();
    vi.advanceTimersByTime(1);
    const got = timer.c.tryRecv();
    expect(got?.[1]).toBe(true);
    expect((got?.[0] as Date).getTime()).toBe(start + 100);
    vi.advanceTimersByTime(10_000);
    expect(timer.c.tryRecv()).toBeUndefined();
    expect(timer.c.closed).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('TestAfterStop: a stopped timer never sends, and stop reports whether it stopped it', () => {
    const t0 = new Timer(100);
    const t1 = new Timer(200);
    expect(t0.stop()).toBe(true);
    expect(t0.stop()).toBe(false);
    vi.advanceTimersByTime(300);
    expect(t0.c.tryRecv()).toBeUndefined();
    // t1 fired; its value is still in the channel, so as in Go 1.23 it is not
    // yet delivered: stop takes it back and returns true.
    expect(t1.c.length).toBe(1);
    expect(t1.stop()).toBe(true);
    expect(t1.c.tryRecv()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop after the value was received returns false (it had expired)', () => {
    const timer = new Timer(10);
    vi.advanceTimersByTime(10);
    expect(timer.c.tryRecv()?.[1]).toBe(true);
    expect(timer.stop()).toBe(false);
    expect(timer.reset(10)).toBe(false);
  });

  it('TestReset: reset restarts the delay from now and reports whether the timer was active', () => {
    const timer = new Timer(100);
    vi.advanceTimersByTime(60);
    expect(timer.reset(100)).toBe(true);
    vi.advanceTimersByTime(60);
    expect(timer.c.tryRecv(), 'fired at the first deadline after reset').toBeUndefined();
    vi.advanceTimersByTime(40);
    expect(timer.c.tryRecv()?.[1]).toBe(true);
    expect(timer.reset(50)).toBe(false);
    vi.advanceTimersByTime(50);
    expect(timer.c.length).toBe(1);
  });

  it('TestChan (Go 1.23): after reset or stop returns, no stale value is received', async () => {
    const timer = new Timer(10);
    vi.advanceTimersByTime(20); // fired, not received
    expect(timer.reset(1_000)).toBe(true);
    const waiting = select([recv(timer.c), recv(after(500))]);
    await vi.advanceTimersByTimeAsync(500);
    expect((await waiting)[0]).toBe(1);
    // A receiver already waiting gets the value directly, at the deadline.
    const receiving = timer.c.recv();
    await vi.advanceTimersByTimeAsync(500);
    expect((await receiving)[1]).toBe(true);
  });

  it('TestSleepZeroDeadlock: a delay of 0 or less is ready at once', () => {
    for (const ms of [0, -1, -Infinity]) {
      const timer = new Timer(ms);
      expect(timer.c.tryRecv()?.[1]).toBe(true);
      expect(timer.reset(ms)).toBe(false);
      expect(timer.stop(), 'the reset value was sent at once, and is taken back').toBe(true);
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  it('TestTimerModifiedEarlier: a reset to an earlier time fires at the earlier time', () => {
    const timer = new Timer(10_000);
    expect(timer.reset(10)).toBe(true);
    vi.advanceTimersByTime(10);
    expect(timer.c.tryRecv()?.[1]).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a delay longer than a setTimeout can hold does not fire early; Infinity arms no timer', () => {
    const day = 24 * 3600 * 1000;
    const timer = new Timer(30 * day);
    vi.advanceTimersByTime(30 * day - 1);
    expect(timer.c.tryRecv()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(timer.c.tryRecv()?.[1]).toBe(true);
    const never = new Timer(Infinity);
    expect(vi.getTimerCount()).toBe(0);
    expect(never.stop(), 'a timer that would never fire was still active').toBe(true);
  });

  it('throws a RangeError for a delay that is not a number, and a failed reset changes nothing', () => {
    expect(() => new Timer(NaN)).toThrow(RangeError);
    const timer = new Timer(10);
    expect(() => timer.reset('5' as never)).toThrow('Expected `ms` to be a number of milliseconds, got "5"');
    vi.advanceTimersByTime(10);
    expect(timer.c.tryRecv()?.[1]).toBe(true);
  });

  it('property: whatever the steps, at most one value per start, none from before the latest stop or reset', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ op: fc.constant('recv' as const) }),
      fc.record({ op: fc.constant('stop' as const) }),
      fc.record({ op: fc.constant('reset' as const), ms: fc.integer({ min: -5, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 40 }), fc.array(step, { maxLength: 30 }), (first, steps) => {
        vi.clearAllTimers();
        const timer = new Timer(first);
        // A model: the start's due time (null: none pending or already delivered).
        let due: number | null = Date.now() + Math.max(first, 0);
        let sent = first <= 0;
        for (const s of steps) {
          if (s.op === 'advance') {
            vi.advanceTimersByTime(s.ms);
            if (due !== null && Date.now() >= due) sent = true;
          } else if (s.op === 'recv') {
            const got = timer.c.tryRecv();
            expect(got !== undefined).toBe(sent);
            if (got !== undefined) due = null;
            sent = false;
          } else {
            const wasActive = due !== null;
            const result = s.op === 'stop' ? timer.stop() : timer.reset(s.ms);
            expect(result).toBe(wasActive);
            due = s.op === 'reset' ? Date.now() + Math.max(s.ms, 0) : null;
            sent = s.op === 'reset' && s.ms <= 0;
          }
          expect(timer.c.length).toBeLessThanOrEqual(1);
        }
        timer.stop();
        expect(vi.getTimerCount()).toBe(0);
      }),
    );
  });

  it('works as a select case beside channels', async () => {
    const never = new Channel<number>();
    const timer = new Timer(50);
    const waiting = select([recv(never), recv(timer.c)]);
    await vi.advanceTimersByTimeAsync(50);
    expect((await waiting)[0]).toBe(1);
  });
});
