// Go's context tests (context_test.go, x_test.go), translated. Where Go
// inspects cancelCtx.children, these tests read childCount; where Go checks
// that no goroutine was started, they check that no listener was added.
import { getEventListeners } from 'node:events';
import { recv, trySelect, type RecvChannel } from '@gochan/channel';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  background,
  Canceled,
  cause,
  DeadlineExceeded,
  todo,
  withCancel,
  withCancelCause,
  withDeadline,
  withDeadlineCause,
  withoutCancel,
  withTimeout,
  withTimeoutCause,
  withValue,
  type CancelFunc,
  type Context,
} from './index.js';
import type { Cancelable } from './cancel-context.js';

const shortDuration = 1; // ms
const veryLongDuration = 1000 * 60 * 60 * 1000; // 1000 hours, as Go's tests

/** OtherContext is a Context that is not one of this package's: Go's otherContext, which embeds one. */
class OtherContext implements Context {
  constructor(readonly inner: Context) {}
  done(): RecvChannel<never> {
    return this.inner.done();
  }
  err(): Error | undefined {
    return this.inner.err();
  }
  cause(): unknown {
    return this.inner.cause();
  }
  deadline(): Date | undefined {
    return this.inner.deadline();
  }
  value<V>(key: unknown): V | undefined {
    return this.inner.value<V>(key);
  }
  get signal(): AbortSignal {
    return this.inner.signal;
  }
}

/** isDone is Go's `select { case <-ctx.Done(): true; default: false }`. */
function isDone(ctx: Context): boolean {
  return trySelect([recv(ctx.done())]) !== undefined;
}

function children(ctx: Context): number {
  return (ctx as Cancelable).childCount;
}

describe('Go context_test.go', () => {
  test('TestBackground', () => {
    const c = background();
    expect(isDone(c)).toBe(false);
    expect(String(c)).toBe('context.Background');
    expect(c.err()).toBeUndefined();
    expect(c.deadline()).toBeUndefined();
    expect(background()).toBe(c);
  });

  test('TestTODO', () => {
    const c = todo();
    expect(isDone(c)).toBe(false);
    expect(String(c)).toBe('context.TODO');
  });

  test('TestWithCancel', () => {
    const [c1, cancel] = withCancel(background());
    expect(String(c1)).toBe('context.Background.WithCancel');
    const o = new OtherContext(c1);
    const [c2] = withCancel(o);
    const contexts = [c1, o, c2];
    for (const c of contexts) {
      expect(c.done()).toBeDefined();
      expect(c.err()).toBeUndefined();
      expect(isDone(c)).toBe(false);
    }
    cancel(); // Should propagate synchronously.
    for (const c of contexts) {
      expect(isDone(c)).toBe(true);
      expect(c.err()).toBe(Canceled);
    }
  });

  test('TestParentFinishesChild', () => {
    // Context tree:
    // parent -> cancelChild
    // parent -> valueChild -> timerChild
    const [parent, cancel] = withCancel(background());
    const [cancelChild, stop1] = withCancel(parent);
    const valueChild = withValue(parent, 'key', 'value');
    const [timerChild, stop2] = withTimeout(valueChild, veryLongDuration);

    for (const ctx of [parent, cancelChild, valueChild, timerChild]) expect(isDone(ctx)).toBe(false);

    // The parent's children are the two cancelable ones.
    expect(children(parent)).toBe(2);

    cancel();
    expect(children(parent), "pc.cancel didn't clear pc.children").toBe(0);
    for (const ctx of [parent, cancelChild, valueChild, timerChild]) {
      expect(isDone(ctx)).toBe(true);
      expect(ctx.err()).toBe(Canceled);
    }

    // A child of a cancelled parent is cancelled from the start.
    const precanceledChild = withValue(parent, 'key', 'value');
    expect(isDone(precanceledChild)).toBe(true);
    expect(precanceledChild.err()).toBe(Canceled);
    stop1();
    stop2();
  });

  test('TestChildFinishesFirst', () => {
    const [cancelable, stop] = withCancel(background());
    for (const parent of [background(), cancelable]) {
      const [child, cancel] = withCancel(parent);
      expect(isDone(parent)).toBe(false);
      expect(isDone(child)).toBe(false);
      if (parent === cancelable) expect(children(parent)).toBe(1);

      cancel();
      if (parent === cancelable) expect(children(parent), "child's cancel didn't remove self").toBe(0);
      expect(isDone(child)).toBe(true);
      expect(child.err()).toBe(Canceled);
      expect(isDone(parent)).toBe(false);
      expect(parent.err()).toBeUndefined();
    }
    stop();
  });

  describe('with fake timers', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    function expectDeadline(c: Context): void {
      vi.advanceTimersByTime(shortDuration);
      expect(isDone(c)).toBe(true);
      expect(c.err()).toBe(DeadlineExceeded);
    }

    test('TestDeadline', () => {
      let [c] = withDeadline(background(), Date.now() + shortDuration);
      expect(String(c)).toMatch(/^context\.Background\.WithDeadline\(/);
      expectDeadline(c);

      [c] = withDeadline(background(), new Date(Date.now() + shortDuration));
      expectDeadline(new OtherContext(c));

      [c] = withDeadline(background(), Date.now() + shortDuration);
      [c] = withDeadline(new OtherContext(c), Date.now() + veryLongDuration);
      expectDeadline(c);

      [c] = withDeadline(background(), Date.now() - shortDuration);
      expect(c.err(), 'WithDeadline+inthepast is expired at once').toBe(DeadlineExceeded);

      [c] = withDeadline(background(), Date.now());
      expect(c.err(), 'WithDeadline+now is expired at once').toBe(DeadlineExceeded);
      expect(vi.getTimerCount()).toBe(0);
    });

    test('TestTimeout', () => {
      let [c] = withTimeout(background(), shortDuration);
      expect(String(c)).toMatch(/^context\.Background\.WithDeadline\(/);
      expectDeadline(c);

      [c] = withTimeout(background(), shortDuration);
      expectDeadline(new OtherContext(c));

      [c] = withTimeout(background(), shortDuration);
      [c] = withTimeout(new OtherContext(c), veryLongDuration);
      expectDeadline(c);
      expect(vi.getTimerCount()).toBe(0);
    });

    test('TestCanceledTimeout', () => {
      const [c0] = withTimeout(background(), 1000);
      const [c, cancel] = withTimeout(new OtherContext(c0), veryLongDuration);
      cancel(); // Should propagate synchronously.
      expect(isDone(c)).toBe(true);
      expect(c.err()).toBe(Canceled);
      vi.advanceTimersByTime(1000);
      expect(c.err()).toBe(Canceled);
      expect(vi.getTimerCount()).toBe(0);
    });

    test('TestLayersTimeout', () => {
      testLayers(true);
    });
  });

  test('TestValues', () => {
    const k1 = Symbol('k1');
    const k2 = Symbol('k2');
    const k3 = Symbol('k3');
    const check = (c: Context, v1: string | undefined, v2: string | undefined, v3: string | undefined) => {
      expect([c.value(k1), c.value(k2), c.value(k3)]).toEqual([v1, v2, v3]);
    };

    const c0 = background();
    check(c0, undefined, undefined, undefined);

    const c1 = withValue(background(), k1, 'c1k1');
    check(c1, 'c1k1', undefined, undefined);
    expect(String(c1)).toBe('context.Background.WithValue(Symbol(k1), c1k1)');

    const c2 = withValue(c1, k2, 'c2k2');
    check(c2, 'c1k1', 'c2k2', undefined);

    const c3 = withValue(c2, k3, 'c3k3');
    check(c3, 'c1k1', 'c2k2', 'c3k3');

    const c4 = withValue(c3, k1, undefined);
    check(c4, undefined, 'c2k2', 'c3k3');

    const o0 = new OtherContext(background());
    check(o0, undefined, undefined, undefined);

    const o1 = new OtherContext(withValue(background(), k1, 'c1k1'));
    check(o1, 'c1k1', undefined, undefined);

    const o2 = withValue(o1, k2, 'o2k2');
    check(o2, 'c1k1', 'o2k2', undefined);

    const o3 = new OtherContext(c4);
    check(o3, undefined, 'c2k2', 'c3k3');

    const o4 = withValue(o3, k3, undefined);
    check(o4, undefined, 'c2k2', undefined);
  });

  test('TestValues: a deep chain is walked without recursion', () => {
    const key = Symbol('root');
    let ctx = withValue(background(), key, 'found');
    for (let i = 0; i < 100_000; i++) ctx = withValue(ctx, i, i);
    expect(ctx.value(key)).toBe('found');
    expect(ctx.value('absent')).toBeUndefined();
  });

  test('a 100k-deep chain links, cancels and unlinks without recursion', () => {
    let ctx = background();
    for (let i = 0; i < 100_000; i++) ctx = withValue(ctx, i, i);
    const [root, cancelRoot] = withCancel(ctx); // looks up through 100k values
    let leaf = root;
    const cancels: CancelFunc[] = [];
    for (let i = 0; i < 100_000; i++) {
      const [next, cancel] = i % 2 === 0 ? withCancel(leaf) : withTimeout(leaf, veryLongDuration);
      leaf = next;
      cancels.push(cancel);
    }
    const { signal } = leaf;
    cancelRoot(); // cancels 100k descendants in one step
    expect(leaf.err()).toBe(Canceled);
    expect(signal.aborted).toBe(true);
    for (const cancel of cancels) cancel();
  });

  test('TestSimultaneousCancels', () => {
    const [root, cancel] = withCancel(background());
    const all = new Map<Context, CancelFunc>([[root, cancel]]);
    const queue = [root];
    // Create a tree of contexts.
    for (let head = 0; head < queue.length && all.size < 100; head++) {
      for (let i = 0; i < 4; i++) {
        const [ctx, cancelChild] = withCancel(queue[head]!);
        all.set(ctx, cancelChild);
        queue.push(ctx);
      }
    }
    // Cancel them all in a random order.
    const cancels = [...all.values()].sort(() => Math.random() - 0.5);
    for (const cancelOne of cancels) cancelOne();
    for (const ctx of all.keys()) {
      expect(isDone(ctx)).toBe(true);
      expect(children(ctx)).toBe(0);
    }
  });

  test('TestInterlockedCancels: a child cancelled from its parent\'s abort listener', () => {
    const [parent, cancelParent] = withCancel(background());
    const [child, cancelChild] = withCancel(parent);
    let childErrSeen: Error | undefined;
    parent.signal.addEventListener('abort', () => {
      // The whole subtree is marked before anyone is woken.
      childErrSeen = child.err();
      cancelChild();
    });
    cancelParent();
    expect(childErrSeen).toBe(Canceled);
    expect(isDone(child)).toBe(true);
  });

  test('TestLayersCancel', () => {
    testLayers(false);
  });

  test('TestCancelRemoves', () => {
    let [ctx] = withCancel(background());
    expect(children(ctx), 'after creation').toBe(0);
    let [, cancel] = withCancel(ctx);
    expect(children(ctx), 'with WithCancel child').toBe(1);
    cancel();
    expect(children(ctx), 'after canceling WithCancel child').toBe(0);

    [ctx] = withCancel(background());
    [, cancel] = withTimeout(ctx, 60 * 60 * 1000);
    expect(children(ctx), 'with WithTimeout child').toBe(1);
    cancel();
    expect(children(ctx), 'after canceling WithTimeout child').toBe(0);
  });

  test('TestWithCancelCanceledParent', () => {
    const [parent, pcancel] = withCancelCause(background());
    const because = new Error('Because!');
    pcancel(because);
    const [c] = withCancel(parent);
    expect(isDone(c), 'child not done immediately upon construction').toBe(true);
    expect(c.err()).toBe(Canceled);
    expect(cause(c)).toBe(because);
  });

  test('TestWithValueChecksKey', () => {
    expect(() => withValue(background(), null, 'bar')).toThrow(TypeError);
    expect(() => withValue(background(), undefined, 'bar')).toThrow(/^nil key/);
    expect(() => withValue(background(), null, 'bar')).toThrow(
      'nil key: expected `key` to be a value other than null or undefined, got null',
    );
  });

  test('TestInvalidDerivedFail', () => {
    const nil = null as unknown as Context;
    const message = 'cannot create context from nil parent: expected `parent` to be a Context, got null';
    expect(() => withCancel(nil)).toThrow(new TypeError(message));
    expect(() => withCancelCause(nil)).toThrow(TypeError);
    expect(() => withDeadline(nil, Date.now() + shortDuration)).toThrow(TypeError);
    expect(() => withTimeout(nil, shortDuration)).toThrow(TypeError);
    expect(() => withValue(nil, 'foo', 'bar')).toThrow(TypeError);
    expect(() => withoutCancel(nil)).toThrow(TypeError);
    expect(() => withCancel(undefined as unknown as Context)).toThrow(/got undefined$/);
    expect(() => withCancel({} as Context)).toThrow('Expected `parent` to be a Context, got an object');
    const noSignal = { done: () => background().done(), err: () => undefined, value: () => undefined, deadline: () => undefined } as unknown as Context;
    expect(() => withCancel(noSignal)).toThrow(/^Expected `parent` to be a Context with an AbortSignal as `signal`/);
  });

  test('timeouts and deadlines that are not numbers throw RangeError', () => {
    expect(() => withTimeout(background(), '10' as unknown as number)).toThrow(
      new RangeError('Expected `timeout` to be a number of milliseconds, got "10"'),
    );
    expect(() => withTimeout(background(), Number.NaN)).toThrow(RangeError);
    expect(() => withTimeoutCause(background(), undefined as unknown as number, 'x')).toThrow(RangeError);
    expect(() => withDeadline(background(), new Date(Number.NaN))).toThrow(
      'Expected `deadline` to be a Date or a number of milliseconds since the epoch, got an invalid Date',
    );
    expect(() => withDeadline(background(), Number.NaN)).toThrow(RangeError);
  });

  test('TestDeadlineExceededSupportsTimeout: the errors carry Go\'s text and AbortSignal\'s names', () => {
    expect(Canceled.message).toBe('context canceled');
    expect(DeadlineExceeded.message).toBe('context deadline exceeded');
    expect(Canceled).toBeInstanceOf(Error);
    expect(Canceled.name).toBe('AbortError');
    expect(DeadlineExceeded.name).toBe('TimeoutError');
  });

  test('TestCustomContextGoroutines: deriving from our own contexts adds no listener', () => {
    const [ctx1, cancel1] = withCancel(background());
    const [ctx3, cancel3] = withCancel(withValue(ctx1, 'k', 'v'));
    const [ctx4, cancel4] = withTimeout(ctx3, veryLongDuration);
    const [ctx5, cancel5] = withCancel(ctx4);
    for (const ctx of [ctx1, ctx3, ctx4, ctx5]) expect(getEventListeners(ctx.signal, 'abort')).toHaveLength(0);

    // A foreign parent is watched through its signal: one listener, shared by its children.
    const foreign = new OtherContext(ctx1);
    const [, cancelA] = withCancel(foreign);
    const [, cancelB] = withTimeout(foreign, veryLongDuration);
    expect(getEventListeners(ctx1.signal, 'abort')).toHaveLength(1);
    cancelA();
    expect(getEventListeners(ctx1.signal, 'abort')).toHaveLength(1);
    cancelB();
    expect(getEventListeners(ctx1.signal, 'abort')).toHaveLength(0);

    for (const cancel of [cancel5, cancel4, cancel3, cancel1]) cancel();
  });

  test('TestCause', () => {
    const forever = 1e6 * 1000;
    const parentCause = new Error('parentCause');
    const childCause = new Error('childCause');
    const tooSlow = new Error('tooSlow');
    const finishedEarly = new Error('finishedEarly');
    const cases: { name: string; ctx: () => Context; err: Error | undefined; cause: unknown }[] = [
      { name: 'Background', ctx: background, err: undefined, cause: undefined },
      { name: 'TODO', ctx: todo, err: undefined, cause: undefined },
      {
        name: 'WithCancel',
        ctx: () => {
          const [ctx, cancel] = withCancel(background());
          cancel();
          return ctx;
        },
        err: Canceled,
        cause: Canceled,
      },
      {
        name: 'WithCancelCause',
        ctx: () => {
          const [ctx, cancel] = withCancelCause(background());
          cancel(parentCause);
          return ctx;
        },
        err: Canceled,
        cause: parentCause,
      },
      {
        name: 'WithCancelCause nil',
        ctx: () => {
          const [ctx, cancel] = withCancelCause(background());
          cancel(undefined);
          return ctx;
        },
        err: Canceled,
        cause: Canceled,
      },
      {
        name: 'WithCancelCause: parent cause before child',
        ctx: () => {
          const [parent, cancelParent] = withCancelCause(background());
          const [ctx, cancelChild] = withCancelCause(parent);
          cancelParent(parentCause);
          cancelChild(childCause);
          return ctx;
        },
        err: Canceled,
        cause: parentCause,
      },
      {
        name: 'WithCancelCause: parent cause after child',
        ctx: () => {
          const [parent, cancelParent] = withCancelCause(background());
          const [ctx, cancelChild] = withCancelCause(parent);
          cancelChild(childCause);
          cancelParent(parentCause);
          return ctx;
        },
        err: Canceled,
        cause: childCause,
      },
      {
        name: 'WithCancelCause: parent cause before nil',
        ctx: () => {
          const [parent, cancelParent] = withCancelCause(background());
          const [ctx, cancelChild] = withCancel(parent);
          cancelParent(parentCause);
          cancelChild();
          return ctx;
        },
        err: Canceled,
        cause: parentCause,
      },
      {
        name: 'WithCancelCause: parent cause after nil',
        ctx: () => {
          const [parent, cancelParent] = withCancelCause(background());
          const [ctx, cancelChild] = withCancel(parent);
          cancelChild();
          cancelParent(parentCause);
          return ctx;
        },
        err: Canceled,
        cause: Canceled,
      },
      {
        name: 'WithCancelCause: child cause after nil',
        ctx: () => {
          const [parent, cancelParent] = withCancel(background());
          const [ctx, cancelChild] = withCancelCause(parent);
          cancelParent();
          cancelChild(childCause);
          return ctx;
        },
        err: Canceled,
        cause: Canceled,
      },
      {
        name: 'WithCancelCause: child cause before nil',
        ctx: () => {
          const [parent, cancelParent] = withCancel(background());
          const [ctx, cancelChild] = withCancelCause(parent);
          cancelChild(childCause);
          cancelParent();
          return ctx;
        },
        err: Canceled,
        cause: childCause,
      },
      {
        name: 'WithTimeout',
        ctx: () => {
          const [ctx, cancel] = withTimeout(background(), 0);
          cancel();
          return ctx;
        },
        err: DeadlineExceeded,
        cause: DeadlineExceeded,
      },
      {
        name: 'WithTimeout canceled',
        ctx: () => {
          const [ctx, cancel] = withTimeout(background(), forever);
          cancel();
          return ctx;
        },
        err: Canceled,
        cause: Canceled,
      },
      {
        name: 'WithTimeoutCause',
        ctx: () => {
          const [ctx, cancel] = withTimeoutCause(background(), 0, tooSlow);
          cancel();
          return ctx;
        },
        err: DeadlineExceeded,
        cause: tooSlow,
      },
      {
        name: 'WithTimeoutCause canceled',
        ctx: () => {
          const [ctx, cancel] = withTimeoutCause(background(), forever, tooSlow);
          cancel();
          return ctx;
        },
        err: Canceled,
        cause: Canceled,
      },
      {
        name: 'WithTimeoutCause stacked',
        ctx: () => {
          const [parent, cancel] = withCancelCause(background());
          const [ctx] = withTimeoutCause(parent, 0, tooSlow);
          cancel(finishedEarly);
          return ctx;
        },
        err: DeadlineExceeded,
        cause: tooSlow,
      },
      {
        name: 'WithTimeoutCause stacked canceled',
        ctx: () => {
          const [parent, cancel] = withCancelCause(background());
          const [ctx] = withTimeoutCause(parent, forever, tooSlow);
          cancel(finishedEarly);
          return ctx;
        },
        err: Canceled,
        cause: finishedEarly,
      },
      {
        name: 'WithDeadlineCause in the past',
        ctx: () => withDeadlineCause(background(), new Date(0), tooSlow)[0],
        err: DeadlineExceeded,
        cause: tooSlow,
      },
      { name: 'WithoutCancel', ctx: () => withoutCancel(background()), err: undefined, cause: undefined },
      {
        name: 'WithoutCancel canceled',
        ctx: () => {
          const [parent, cancel] = withCancelCause(background());
          const ctx = withoutCancel(parent);
          cancel(finishedEarly);
          return ctx;
        },
        err: undefined,
        cause: undefined,
      },
      {
        name: 'WithoutCancel timeout',
        ctx: () => {
          const [parent, cancel] = withTimeoutCause(background(), 0, tooSlow);
          const ctx = withoutCancel(parent);
          cancel();
          return ctx;
        },
        err: undefined,
        cause: undefined,
      },
    ];
    for (const { name, ctx: make, err, cause: want } of cases) {
      const ctx = make();
      expect(ctx.err(), `${name}: ctx.err()`).toBe(err);
      expect(cause(ctx), `${name}: cause(ctx)`).toBe(want);
      expect(ctx.cause(), `${name}: ctx.cause()`).toBe(want);
    }
  });

  test('TestWithoutCancel', () => {
    const [parent, cancel] = withTimeout(withValue(background(), 'key', 'value'), 10_000);
    const ctx = withoutCancel(parent);
    cancel();
    expect(ctx.deadline()).toBeUndefined();
    expect(isDone(ctx)).toBe(false);
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.err()).toBeUndefined();
    expect(ctx.value('key')).toBe('value');
    // Its children are cancelable on their own, and hang on nothing.
    const [child, cancelChild] = withCancel(ctx);
    expect(child.err()).toBeUndefined();
    cancelChild();
    expect(child.err()).toBe(Canceled);
  });

  test('TestCustomContextPropagation: a foreign parent with its own done and signal', () => {
    const because = new Error('TestCustomContextPropagation');
    const [ctx1, cancel1] = withCancelCause(background());
    const controller = new AbortController();
    // Go's customDoneContext: ctx1's values and errors, but its own done.
    const ctx2 = new (class extends OtherContext {
      override get signal(): AbortSignal {
        return controller.signal;
      }
    })(ctx1);
    const [ctx3, cancel3] = withCancel(ctx2);
    cancel1(because);
    expect(ctx3.err(), 'ctx2 is watched through its own signal, not ctx1').toBeUndefined();
    controller.abort(Canceled);
    expect(ctx3.err()).toBe(Canceled);
    expect(cause(ctx3)).toBe(because);
    cancel3();
  });

  test('TestCustomContextCause: a foreign context without cause()', () => {
    const controller = new AbortController();
    let err: Error | undefined;
    const ccc = {
      done: () => background().done(),
      err: () => err,
      deadline: () => undefined,
      value: () => undefined,
      signal: controller.signal,
    } as unknown as Context;
    const [ctx, cancelWithCause] = withCancelCause(ccc);
    const because = new Error('TestCustomContextCause');
    cancelWithCause(because);
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(because);
    expect(ccc.err()).toBeUndefined();
    expect(cause(ccc)).toBeUndefined();

    const [ctx2] = withCancel(ccc);
    err = Canceled;
    controller.abort(err);
    expect(ctx2.err()).toBe(Canceled);
    expect(cause(ctx2)).toBe(Canceled);
    expect(cause(ccc)).toBe(Canceled);
  });
});

/**
 * Go's testLayers: a chain of at least 30 random layers of values, cancels
 * and timeouts; cancelling any one layer, or the shortest timeout passing,
 * cancels the bottom, and every value stays reachable.
 */
function testLayers(timeouts: boolean): void {
  const values: object[] = [];
  const cancels: CancelFunc[] = [];
  let timers = 0;
  let ctx = background();
  for (let i = 0; i < 30 || timers === 0 || cancels.length === 0 || values.length === 0; i++) {
    switch (Math.floor(Math.random() * 3)) {
      case 0: {
        const v = {};
        ctx = withValue(ctx, v, v);
        values.push(v);
        break;
      }
      case 1: {
        const [next, cancel] = withCancel(ctx);
        ctx = next;
        cancels.push(cancel);
        break;
      }
      default: {
        const [next, cancel] = withTimeout(ctx, timeouts ? shortDuration : veryLongDuration);
        ctx = next;
        cancels.push(cancel);
        timers++;
      }
    }
  }
  const checkValues = () => {
    for (const key of values) expect(ctx.value(key)).toBe(key);
  };
  if (!timeouts) expect(isDone(ctx), 'ctx should not be canceled yet').toBe(false);
  expect(String(ctx)).toMatch(/^context\.Background\./);
  checkValues();
  if (timeouts) {
    vi.advanceTimersByTime(shortDuration);
    expect(isDone(ctx), 'ctx should have timed out').toBe(true);
    expect(ctx.err()).toBe(DeadlineExceeded);
  } else {
    cancels[Math.floor(Math.random() * cancels.length)]!();
    expect(isDone(ctx), 'ctx should be canceled').toBe(true);
    expect(ctx.err()).toBe(Canceled);
  }
  checkValues();
  for (const cancel of cancels) cancel();
}
