import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { after } from './after.js';
import { Channel } from './channel.js';
import { recv, select } from './select.js';

describe('after (time.After)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the time once after the delay, into a buffer of one, and never closes', () => {
    const start = Date.now();
    const ch = after(100);
    expect(ch.capacity).toBe(1);
    vi.advanceTimersByTime(99);
    expect(ch.tryRecv()).toBeUndefined();
    vi.advanceTimersByTime(1);
    const got = ch.tryRecv();
    expect(got?.[1]).toBe(true);
    expect((got?.[0] as Date).getTime()).toBe(start + 100);
    vi.advanceTimersByTime(10_000);
    expect(ch.tryRecv()).toBeUndefined();
    expect(ch.closed).toBe(false);
  });

  it('a zero or negative delay is ready at once', () => {
    for (const ms of [0, -5, -Infinity]) expect(after(ms).tryRecv()?.[1]).toBe(true);
  });

  it('a delay longer than a setTimeout can hold does not fire early', () => {
    const day = 24 * 3600 * 1000;
    const ch = after(30 * day); // past 2^31-1 ms (about 24.8 days)
    vi.advanceTimersByTime(25 * day);
    expect(ch.tryRecv()).toBeUndefined();
    vi.advanceTimersByTime(5 * day - 1);
    expect(ch.tryRecv()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ch.tryRecv()?.[1]).toBe(true);
  });

  it('Infinity arms no timer and never fires', () => {
    const ch = after(Infinity);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2 ** 40);
    expect(ch.tryRecv()).toBeUndefined();
  });

  it('bounds a wait in a select', async () => {
    const never = new Channel<number>();
    const waiting = select([recv(never), recv(after(50))]);
    await vi.advanceTimersByTimeAsync(50);
    const [index] = await waiting;
    expect(index).toBe(1);
  });

  it('an aborted signal cancels the timer: nothing is sent and no timer is left', () => {
    const controller = new AbortController();
    const ch = after(100, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(ch.tryRecv()).toBeUndefined();
    after(100, AbortSignal.abort());
    expect(vi.getTimerCount()).toBe(0);
  });

  it('throws a RangeError for a delay that is not a number', () => {
    expect(() => after(NaN)).toThrow(RangeError);
    expect(() => after('5' as unknown as number)).toThrow('Expected `ms` to be a number of milliseconds, got "5"');
  });
});
