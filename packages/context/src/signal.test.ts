// The bridge to AbortSignal, both ways: ctx.signal, and fromSignal().
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import {
  background,
  Canceled,
  DeadlineExceeded,
  fromSignal,
  withCancel,
  withCancelCause,
  withTimeout,
  withValue,
  unboundedSignal,
} from './index.js';

describe('ctx.signal', () => {
  test('takes any number of listeners, as any number of goroutines wait on ctx.Done(), without Node warning of a leak', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const [ctx, cancel] = withCancel(background());
      let heard = 0;
      const byHand = unboundedSignal(new AbortController().signal); // a hand-written Context's, made as theirs are
      for (const signal of [ctx.signal, withTimeout(background(), 60_000)[0].signal, background().signal, byHand]) {
        for (let i = 0; i < 64; i++) signal.addEventListener('abort', () => void heard++);
      }
      cancel();
      await new Promise((resolve) => setTimeout(resolve, 10)); // Node emits its warnings on a later tick
      expect(heard).toBe(64);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('is aborted with err() as its reason, in the same turn as the cancel', () => {
    const [ctx, cancel] = withCancelCause(background());
    const { signal } = ctx;
    expect(signal.aborted).toBe(false);
    cancel(new Error('why'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(Canceled);
    expect(ctx.signal).toBe(signal);
  });

  test('read after the cancel, it is already aborted', () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(Canceled);
  });

  test('a value context shares its parent\'s signal', () => {
    const [ctx, cancel] = withCancel(background());
    expect(withValue(ctx, 'k', 1).signal).toBe(ctx.signal);
    cancel();
  });

  test('background\'s signal never aborts', () => {
    expect(background().signal.aborted).toBe(false);
    expect(background().signal).toBe(background().signal);
  });

  test('fetch with ctx.signal is aborted by the cancel, rejecting with Canceled', async () => {
    const server: Server = createServer(() => {}); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const [ctx, cancel] = withCancel(background());
      const response = fetch(`http://127.0.0.1:${port}/`, { signal: ctx.signal });
      setTimeout(cancel, 20);
      await expect(response).rejects.toBe(Canceled);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("code written for AbortSignal recognises the errors by name", async () => {
    const [ctx, cancel] = withTimeout(background(), 0);
    const failed = await fetch('http://127.0.0.1:1/', { signal: ctx.signal }).catch((error: Error) => error);
    expect(failed).toBe(DeadlineExceeded);
    expect((failed as Error).name).toBe('TimeoutError');
    cancel();
  });
});

describe('fromSignal', () => {
  test('is cancelled when the signal aborts: err Canceled, cause the reason', () => {
    const controller = new AbortController();
    const ctx = fromSignal(controller.signal);
    const [child, cancelChild] = withCancel(ctx);
    expect(ctx.err()).toBeUndefined();
    const reason = new Error('client went away');
    controller.abort(reason);
    for (const c of [ctx, child]) {
      expect(c.err()).toBe(Canceled);
      expect(c.cause()).toBe(reason);
      expect(c.done().closed).toBe(true);
    }
    expect(ctx.signal.reason, "its own signal's reason is err(), as for every context").toBe(Canceled);
    cancelChild();
  });

  test('a TimeoutError reason means DeadlineExceeded', () => {
    const controller = new AbortController();
    const ctx = fromSignal(controller.signal);
    const reason = new DOMException('signal timed out', 'TimeoutError');
    controller.abort(reason);
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(ctx.cause()).toBe(reason);
  });

  test('AbortSignal.timeout() gives DeadlineExceeded', async () => {
    const ctx = fromSignal(AbortSignal.timeout(5));
    await ctx.done().recv();
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect((ctx.cause() as DOMException).name).toBe('TimeoutError');
  });

  test('round trip: fromSignal(ctx.signal) takes the context\'s err', () => {
    const [expired] = withTimeout(background(), 0);
    expect(fromSignal(expired.signal).err()).toBe(DeadlineExceeded);
    const [cancelled, cancel] = withCancel(background());
    cancel();
    expect(fromSignal(cancelled.signal).err()).toBe(Canceled);
  });

  test('an already aborted signal gives a cancelled context and adds no listener', () => {
    const reason = new Error('early');
    const signal = AbortSignal.abort(reason);
    const ctx = fromSignal(signal);
    expect(ctx.err()).toBe(Canceled);
    expect(ctx.cause()).toBe(reason);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  test('many contexts from one signal share one listener, gone after the abort', () => {
    const controller = new AbortController();
    const contexts = Array.from({ length: 1000 }, () => fromSignal(controller.signal));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    for (const ctx of contexts) expect(ctx.err()).toBe(Canceled);
  });

  test('rejects what is not an AbortSignal', () => {
    expect(() => fromSignal(undefined as unknown as AbortSignal)).toThrow(
      new TypeError('Expected `signal` to be an AbortSignal, got undefined'),
    );
    expect(() => fromSignal({} as AbortSignal)).toThrow(TypeError);
  });
});
