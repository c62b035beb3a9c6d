import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tick } from './tick.js';
import { Ticker } from './ticker.js';

// Go's time/tick_test.go, on vitest's fake clock.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Ticker (time.NewTicker)', () => {
  it('TestTicker: ticks every period, on schedule, then stop leaves nothing', async () => {
    const start = Date.now();
    const ticker = new Ticker(20);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const receiving = ticker.c.recv();
      await vi.advanceTimersByTimeAsync(20);
      const [time, ok] = await receiving;
      expect(ok).toBe(true);
      times.push((time as Date).getTime() - start);
    }
    expect(times).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    // Reset to a longer period: the next tick comes one new period from now.
    ticker.reset(50);
    await vi.advanceTimersByTimeAsync(49);
    expect(ticker.c.tryRecv()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(ticker.c.tryRecv()?.[1]).toBe(true);
    ticker.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticker.c.tryRecv()).toBeUndefined();
  });

  it('a slow receiver misses ticks instead of queueing them, and the schedule holds', () => {
    const start = Date.now();
    const ticker = new Ticker(10);
    vi.advanceTimersByTime(55);
    const [first] = ticker.c.tryRecv() ?? [];
    expect((first as Date).getTime() - start, 'the first tick waited; later ones were dropped').toBe(10);
    expect(ticker.c.tryRecv()).toBeUndefined();
    vi.advanceTimersByTime(5);
    const [next] = ticker.c.tryRecv() ?? [];
    expect((next as Date).getTime() - start).toBe(60);
    ticker.stop();
  });

  it('a tick that fires late skips the missed ticks rather than bursting, and keeps the schedule', () => {
    const ticker = new Ticker(10);
    // The event loop was busy for 35 ms: the monotonic clock is ahead of the timers.
    const fakeNow = performance.now.bind(performance);
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => fakeNow() + 35);
    try {
      vi.advanceTimersByTime(10); // the 10 ms tick runs at 45
      expect(ticker.c.tryRecv()?.[1]).toBe(true);
      vi.advanceTimersByTime(4); // 20, 30 and 40 were missed: the next tick is at 50, not now
      expect(ticker.c.tryRecv()).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(ticker.c.tryRecv()?.[1]).toBe(true);
    } finally {
      spy.mockRestore();
      ticker.stop();
    }
  });

  it('TestChan (Go 1.23): no tick from before stop or reset is received after it returns', () => {
    const ticker = new Ticker(10);
    vi.advanceTimersByTime(10);
    expect(ticker.c.length).toBe(1);
    ticker.stop();
    expect(ticker.c.tryRecv()).toBeUndefined();
    ticker.reset(10);
    vi.advanceTimersByTime(15);
    ticker.reset(10);
    expect(ticker.c.tryRecv()).toBeUndefined();
    vi.advanceTimersByTime(10);
    expect(ticker.c.tryRecv()?.[1]).toBe(true);
    ticker.stop();
  });

  it('TestTeardown: tickers started and stopped in turn leave no timer behind', () => {
    for (let i = 0; i < 100; i++) {
      const ticker = new Ticker(1 + (i % 7));
      vi.advanceTimersByTime(i % 5);
      ticker.stop();
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  it('TestNewTickerLtZeroDuration, TestTickerResetLtZeroDuration: Go\'s panics, as RangeError', () => {
    for (const ms of [0, -1, NaN, -Infinity]) expect(() => new Ticker(ms)).toThrow(new RangeError('non-positive interval for NewTicker'));
    expect(() => new Ticker('1' as never)).toThrow('Expected `ms` to be a number of milliseconds, got "1"');
    const ticker = new Ticker(10);
    expect(() => ticker.reset(0)).toThrow(new RangeError('non-positive interval for Ticker.Reset'));
    vi.advanceTimersByTime(10);
    expect(ticker.c.tryRecv()?.[1], 'a failed reset left the ticker running').toBe(true);
    ticker.stop();
  });

  it('a period of Infinity never ticks and arms no timer; a long one never fires early', () => {
    const never = new Ticker(Infinity);
    expect(vi.getTimerCount()).toBe(0);
    never.stop();
    const day = 24 * 3600 * 1000;
    const ticker = new Ticker(30 * day);
    vi.advanceTimersByTime(30 * day - 1);
    expect(ticker.c.tryRecv()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ticker.c.tryRecv()?.[1]).toBe(true);
    ticker.stop();
  });

  it('property: ticks fall on start + k * period, at most one is held, none survives stop or reset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 80 }), fc.constant('recv' as const), fc.constant('reset' as const)), { maxLength: 40 }),
        (period, steps) => {
          vi.clearAllTimers();
          let start = Date.now();
          const ticker = new Ticker(period);
          let last = -Infinity;
          for (const step of steps) {
            if (step === 'recv') {
              const got = ticker.c.tryRecv();
              if (got === undefined) continue;
              const at = (got[0] as Date).getTime();
              expect((at - start) % period).toBe(0);
              expect(at).toBeGreaterThan(last);
              expect(at).toBeLessThanOrEqual(Date.now());
              last = at;
            } else if (step === 'reset') {
              ticker.reset(period);
              expect(ticker.c.length).toBe(0);
              start = last = Date.now();
            } else {
              vi.advanceTimersByTime(step);
            }
            expect(ticker.c.length).toBeLessThanOrEqual(1);
          }
          ticker.stop();
          expect(ticker.c.length).toBe(0);
          expect(vi.getTimerCount()).toBe(0);
        },
      ),
    );
  });
});

describe('tick (time.Tick)', () => {
  it('TestTick: a ticker\'s channel; a non-positive period throws where Go returns nil', () => {
    const c = tick(10);
    vi.advanceTimersByTime(25);
    expect(c.tryRecv()?.[1]).toBe(true);
    expect(c.tryRecv()).toBeUndefined();
    expect(() => tick(0)).toThrow(new RangeError('non-positive interval for Tick'));
    expect(() => tick(-1)).toThrow(RangeError);
    vi.clearAllTimers();
  });
});
