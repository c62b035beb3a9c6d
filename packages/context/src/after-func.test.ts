// Go's AfterFunc tests (context_test.go, afterfunc_test.go), translated.
// Go waits on a channel with a timeout; here fn runs in a microtask, so one
// macrotask turn (`tick`) is enough to know whether it ran.
import { getEventListeners } from 'node:events';
import { Channel, type RecvChannel } from '@gochan/channel';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { afterFunc, background, Canceled, cause, withCancel, withCancelCause, withTimeout, type Context } from './index.js';
import type { Cancelable } from './cancel-context.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * AfterFuncContext is a context that is not one of this package's, like
 * Go's afterFuncContext: cancelled by hand, watched through its signal.
 */
class AfterFuncContext implements Context {
  readonly #controller = new AbortController();
  #err: Error | undefined;
  done(): RecvChannel<never> {
    return background().done();
  }
  err(): Error | undefined {
    return this.#err;
  }
  cause(): unknown {
    return this.#err;
  }
  deadline(): Date | undefined {
    return undefined;
  }
  value(): undefined {
    return undefined;
  }
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  cancel(err: Error): void {
    if (this.#err !== undefined) return;
    this.#err = err;
    this.#controller.abort(err);
  }
  /** How many watchers hang on it: Go counts its afterFuncs. */
  get watchers(): number {
    return getEventListeners(this.#controller.signal, 'abort').length;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('afterFunc', () => {
  test('TestAfterFuncCalledAfterCancel', async () => {
    const [ctx, cancel] = withCancel(background());
    let called = 0;
    const stop = afterFunc(ctx, () => called++);
    await tick();
    expect(called, 'AfterFunc called before context is done').toBe(0);
    cancel();
    expect(called, 'runs after cancel returns, never inside it').toBe(0);
    await tick();
    expect(called, 'AfterFunc not called after context is canceled').toBe(1);
    expect(stop()).toBe(false);
  });

  test('TestAfterFuncCalledAfterTimeout', async () => {
    vi.useFakeTimers();
    const [ctx, cancel] = withTimeout(background(), 1);
    let called = 0;
    afterFunc(ctx, () => called++);
    await vi.advanceTimersByTimeAsync(1);
    expect(called).toBe(1);
    cancel();
  });

  test('TestAfterFuncCalledImmediately', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    let called = 0;
    const stop = afterFunc(ctx, () => called++);
    expect(stop(), 'already started: stop reports false').toBe(false);
    await tick();
    expect(called, 'AfterFunc not called for already-canceled context').toBe(1);
  });

  test('TestAfterFuncNotCalledAfterStop', async () => {
    const [ctx, cancel] = withCancel(background());
    let called = 0;
    const stop = afterFunc(ctx, () => called++);
    expect(stop()).toBe(true);
    expect((ctx as Cancelable).childCount, 'stop unlists fn').toBe(0);
    cancel();
    await tick();
    expect(called, 'AfterFunc called for already-canceled context').toBe(0);
    expect(stop()).toBe(false);
  });

  test('TestAfterFuncCalledAsynchronously: cancel does not wait for fn', async () => {
    const [ctx, cancel] = withCancel(background());
    const donec = new Channel<void>();
    const stop = afterFunc(ctx, () => donec.send()); // blocks until donec is read
    cancel(); // returns although fn cannot finish yet
    const [, ok] = await donec.recv();
    expect(ok).toBe(true);
    stop();
  });

  test('stop in an abort listener of the same cancellation reports false, and fn runs', async () => {
    const [ctx, cancel] = withCancel(background());
    let called = 0;
    const stop = afterFunc(ctx, () => called++);
    let stopped: boolean | undefined;
    ctx.signal.addEventListener('abort', () => (stopped = stop()));
    cancel();
    expect(stopped).toBe(false);
    await tick();
    expect(called).toBe(1);
  });

  test('an fn that throws or rejects is reported as an unhandled rejection', async () => {
    const reasons: unknown[] = [];
    const saved = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', (reason) => reasons.push(reason));
    try {
      const [ctx, cancel] = withCancel(background());
      const thrown = new Error('thrown');
      const rejected = new Error('rejected');
      afterFunc(ctx, () => {
        throw thrown;
      });
      afterFunc(ctx, () => Promise.reject(rejected));
      cancel(); // not interrupted by fn
      expect(ctx.err()).toBe(Canceled);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(reasons).toEqual([thrown, rejected]);
    } finally {
      process.removeAllListeners('unhandledRejection');
      for (const listener of saved) process.on('unhandledRejection', listener);
    }
  });

  test('afterFunc on a context that is never cancelled: stop is true once', () => {
    const stop = afterFunc(background(), () => {});
    expect(stop()).toBe(true);
    expect(stop()).toBe(false);
  });

  test('fn must be a function; ctx must be a Context', () => {
    expect(() => afterFunc(background(), 'x' as unknown as () => void)).toThrow(
      new TypeError('Expected `fn` to be a function, got "x"'),
    );
    expect(() => afterFunc(null as unknown as Context, () => {})).toThrow(TypeError);
  });

  test('ExampleAfterFunc_merge: a context cancelled by either of two', async () => {
    const out: string[] = [];
    // mergeCancel returns a context with the values of ctx, cancelled when
    // either ctx or cancelCtx is.
    const mergeCancel = (ctx: Context, cancelCtx: Context): [Context, () => void] => {
      const [merged, cancel] = withCancelCause(ctx);
      const stop = afterFunc(cancelCtx, () => cancel(cause(cancelCtx)));
      return [
        merged,
        () => {
          stop();
          cancel(Canceled);
        },
      ];
    };
    const [ctx1, cancel1] = withCancelCause(background());
    const [ctx2, cancel2] = withCancelCause(background());
    const [mergedCtx, mergedCancel] = mergeCancel(ctx1, ctx2);
    cancel2(new Error('ctx2 canceled'));
    await mergedCtx.done().recv();
    out.push(String((cause(mergedCtx) as Error).message));
    mergedCancel();
    cancel1(new Error('ctx1 canceled'));
    expect(out).toEqual(['ctx2 canceled']);
  });
});

describe('afterFunc and derived contexts on a foreign context (afterfunc_test.go)', () => {
  test('TestCustomContextAfterFuncCancel', async () => {
    const ctx0 = new AfterFuncContext();
    const [ctx1, cancel] = withCancel(ctx0);
    ctx0.cancel(Canceled);
    await ctx1.done().recv();
    expect(ctx1.err()).toBe(Canceled);
    cancel();
  });

  test('TestCustomContextAfterFuncTimeout', async () => {
    const ctx0 = new AfterFuncContext();
    const [ctx1, cancel] = withTimeout(ctx0, 1000 * 60 * 60 * 1000);
    ctx0.cancel(Canceled);
    await ctx1.done().recv();
    expect(ctx1.err()).toBe(Canceled);
    cancel();
  });

  test('TestCustomContextAfterFuncAfterFunc', async () => {
    const ctx0 = new AfterFuncContext();
    const donec = new Channel<never>();
    const stop = afterFunc(ctx0, () => donec.close());
    ctx0.cancel(Canceled);
    await donec.recv();
    expect(stop()).toBe(false);
  });

  test('TestCustomContextAfterFuncUnregisterCancel', () => {
    const ctx0 = new AfterFuncContext();
    const [, cancel1] = withCancel(ctx0);
    const [, cancel2] = withCancel(ctx0);
    expect(ctx0.watchers, 'one listener serves every child').toBe(1);
    cancel1();
    cancel2();
    expect(ctx0.watchers, 'after canceling WithCancel(ctx0)').toBe(0);
  });

  test('TestCustomContextAfterFuncUnregisterTimeout', () => {
    const ctx0 = new AfterFuncContext();
    const [, cancel] = withTimeout(ctx0, 1000 * 60 * 60 * 1000);
    expect(ctx0.watchers).toBe(1);
    cancel();
    expect(ctx0.watchers, 'after canceling WithTimeout(ctx0, d)').toBe(0);
  });

  test('TestCustomContextAfterFuncUnregisterAfterFunc', () => {
    const ctx0 = new AfterFuncContext();
    const stop = afterFunc(ctx0, () => {});
    expect(ctx0.watchers).toBe(1);
    stop();
    expect(ctx0.watchers, 'after stopping AfterFunc(ctx0, f)').toBe(0);
  });
});
