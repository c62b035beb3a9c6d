// Deadlines under vitest's fake clock: when they fire, that they never fire
// early, and that nothing is left pending.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  background,
  Canceled,
  DeadlineExceeded,
  withCancel,
  withDeadline,
  withDeadlineCause,
  withTimeout,
  withValue,
} from './index.js';

const MAX_DELAY = 2 ** 31 - 1;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout and withDeadline', () => {
  test('expires exactly at the deadline, not a millisecond before', () => {
    const [ctx, cancel] = withTimeout(background(), 100);
    vi.advanceTimersByTime(99);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(ctx.cause()).toBe(DeadlineExceeded);
    expect(ctx.done().closed).toBe(true);
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(DeadlineExceeded);
    expect(vi.getTimerCount()).toBe(0);
    cancel(); // harmless after expiry
    expect(ctx.err()).toBe(DeadlineExceeded);
  });

  test('a delay longer than setTimeout can hold does not fire early', () => {
    const delay = MAX_DELAY * 2 + 12_345;
    const [ctx, cancel] = withTimeout(background(), delay);
    vi.advanceTimersByTime(MAX_DELAY);
    expect(ctx.err()).toBeUndefined();
    expect(vi.getTimerCount(), 'one timer at a time in the chain').toBe(1);
    vi.advanceTimersByTime(MAX_DELAY);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(12_344);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(vi.getTimerCount()).toBe(0);
    cancel();
  });

  test('a clock set back does not make the deadline fire early', () => {
    const start = Date.now();
    const [ctx, cancel] = withDeadline(background(), start + 1000);
    vi.setSystemTime(start - 5000); // the wall clock jumps back 5 s
    vi.advanceTimersByTime(1000); // the timer fires, the clock says 4 s remain
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(4999);
    expect(ctx.err()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ctx.err()).toBe(DeadlineExceeded);
    cancel();
  });

  test('cancel clears the timer and wins over the deadline', () => {
    const [ctx, cancel] = withTimeout(background(), 1000);
    expect(vi.getTimerCount()).toBe(1);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
    expect(ctx.err()).toBe(Canceled);
    vi.advanceTimersByTime(2000);
    expect(ctx.err()).toBe(Canceled);
  });

  test("a parent's cancellation clears the timers of the whole subtree", () => {
    const [parent, cancel] = withCancel(background());
    const timed = [withTimeout(parent, 1000), withTimeout(withValue(parent, 'k', 1), 2000)];
    expect(vi.getTimerCount()).toBe(2);
    cancel();
    expect(vi.getTimerCount()).toBe(0);
    for (const [ctx] of timed) expect(ctx.err()).toBe(Canceled);
  });

  test('withTimeout(p, 0), a negative timeout and a past deadline are already expired, with no timer', () => {
    for (const [ctx] of [
      withTimeout(background(), 0),
      withTimeout(background(), -5),
      withDeadline(background(), new Date(Date.now() - 1)),
      withDeadline(background(), 0),
    ]) {
      expect(ctx.err()).toBe(DeadlineExceeded);
      expect(ctx.done().closed).toBe(true);
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a deadline is a Date or milliseconds since the epoch, and deadline() reports it', () => {
    const at = Date.now() + 60_000;
    const [a, cancelA] = withDeadline(background(), at);
    const [b, cancelB] = withDeadline(background(), new Date(at));
    expect(a.deadline()).toEqual(new Date(at));
    expect(b.deadline()).toEqual(new Date(at));
    cancelA();
    cancelB();
  });

  test("a later deadline under an earlier one keeps the parent's, and sets no timer", () => {
    const [parent, cancelParent] = withTimeout(background(), 1000);
    const [child, cancelChild] = withTimeout(parent, 5000);
    expect(child.deadline()).toEqual(parent.deadline());
    expect(vi.getTimerCount()).toBe(1);
    const [sooner, cancelSooner] = withTimeout(child, 500);
    expect(sooner.deadline()!.getTime()).toBe(Date.now() + 500);
    vi.advanceTimersByTime(1000);
    for (const ctx of [parent, child, sooner]) expect(ctx.err()).toBe(DeadlineExceeded);
    for (const cancel of [cancelSooner, cancelChild, cancelParent]) cancel();
  });

  test('Infinity means no deadline', () => {
    const [ctx, cancel] = withTimeout(background(), Infinity);
    expect(ctx.deadline()).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
    cancel();
    expect(ctx.err()).toBe(Canceled);
  });

  test("withDeadlineCause records its cause at the deadline, and children inherit it", () => {
    const tooSlow = new Error('tooSlow');
    const [ctx, cancel] = withDeadlineCause(background(), Date.now() + 10, tooSlow);
    const [child] = withCancel(ctx);
    vi.advanceTimersByTime(10);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(ctx.cause()).toBe(tooSlow);
    expect(child.err()).toBe(DeadlineExceeded);
    expect(child.cause()).toBe(tooSlow);
    cancel();
  });

  test('done() asked for after expiry is a closed channel', async () => {
    const [ctx] = withTimeout(background(), 5);
    vi.advanceTimersByTime(5);
    expect(await ctx.done().recv()).toEqual([undefined, false]);
    expect(ctx.done()).toBe(ctx.done());
  });
});
