// @gochan/context in a real browser, from the built package: timeouts,
// cancellation trees, and the bridge to AbortSignal both ways.
import { expect, test } from 'vitest';
import { recv, select } from '@gochan/channel';
import {
  Canceled,
  DeadlineExceeded,
  background,
  fromSignal,
  withCancel,
  withTimeout,
} from '@gochan/context';

test('withTimeout expires with DeadlineExceeded and aborts its signal with that reason', async () => {
  const [ctx, cancel] = withTimeout(background(), 10);
  try {
    expect(ctx.err()).toBeUndefined();
    expect(ctx.deadline()).toBeInstanceOf(Date);
    await ctx.done().recv();
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(ctx.err()?.message).toBe('context deadline exceeded');
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(DeadlineExceeded);
  } finally {
    cancel();
  }
});

test('cancelling a parent cancels its children in the same turn', () => {
  const [parent, cancel] = withCancel(background());
  const [child, cancelChild] = withTimeout(parent, 60_000);
  cancel();
  expect(parent.err()).toBe(Canceled);
  expect(child.err()).toBe(Canceled);
  expect(child.signal.aborted).toBe(true);
  cancelChild();
});

test('a context\'s done channel times out a select', async () => {
  const [ctx, cancel] = withTimeout(background(), 10);
  const [index] = await select([recv(ctx.done())]);
  expect(index).toBe(0);
  expect(ctx.err()?.message).toBe('context deadline exceeded');
  cancel();
});

test('fromSignal turns an AbortSignal into a context', async () => {
  const controller = new AbortController();
  const ctx = fromSignal(controller.signal);
  expect(ctx.err()).toBeUndefined();
  controller.abort();
  await ctx.done().recv();
  expect(ctx.err()).toBeDefined();
});

test('a context\'s signal cancels fetch', async () => {
  const [ctx, cancel] = withCancel(background());
  cancel();
  await expect(fetch(location.href, { signal: ctx.signal })).rejects.toBe(Canceled);
});
