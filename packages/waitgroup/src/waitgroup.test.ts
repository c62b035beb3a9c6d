import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { WaitGroup } from './index.js';

/** settled reports, after pending microtasks ran, whether `promise` has settled. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
}

// Vitest turns every unhandled rejection into a failed run. The tests of
// go() with a failing fn must see those rejections instead: while capturing,
// vitest's listeners are set aside and ours records the reasons.
let restoreListeners: (() => void) | undefined;
function captureUnhandledRejections(): unknown[] {
  const reasons: unknown[] = [];
  const saved = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', (reason) => reasons.push(reason));
  restoreListeners = () => {
    process.removeAllListeners('unhandledRejection');
    for (const listener of saved) process.on('unhandledRejection', listener);
  };
  return reasons;
}
afterEach(() => {
  restoreListeners?.();
  restoreListeners = undefined;
});

// Go's testWaitGroup: wg1 counts n tasks in, each task then waits on wg2;
// no task may pass wg2 before the last done(). Run on the same two groups
// several times, as Go does, to check they are reusable.
async function barrier(wg1: WaitGroup, wg2: WaitGroup): Promise<void> {
  const n = 16;
  wg1.add(n);
  wg2.add(n);
  let exited = 0;
  const tasks: Promise<void>[] = [];
  for (let i = 0; i !== n; i++) {
    tasks.push(
      (async () => {
        wg1.done();
        await wg2.wait();
        exited++;
      })(),
    );
  }
  await wg1.wait();
  for (let i = 0; i !== n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(exited, 'WaitGroup released group too soon').toBe(0);
    wg2.done();
  }
  await Promise.all(tasks);
  expect(exited).toBe(n);
}

describe('WaitGroup', () => {
  test('TestWaitGroup: a barrier that holds until the last done, reusable', async () => {
    const wg1 = new WaitGroup();
    const wg2 = new WaitGroup();
    for (let i = 0; i !== 8; i++) {
      await barrier(wg1, wg2);
    }
  });

  test('TestWaitGroupMisuse: a negative counter throws Go\'s text and changes nothing', () => {
    const wg = new WaitGroup();
    wg.add(1);
    wg.done();
    expect(() => wg.done()).toThrow(new Error('sync: negative WaitGroup counter'));
    expect(wg.count).toBe(0);
    wg.add(2);
    expect(() => wg.add(-3)).toThrow('sync: negative WaitGroup counter');
    expect(wg.count).toBe(2);
  });

  test('TestWaitGroupRace: wait returns only after both tasks ran', async () => {
    for (let i = 0; i < 100; i++) {
      const wg = new WaitGroup();
      let n = 0;
      wg.add(1);
      setTimeout(() => {
        n++;
        wg.done();
      }, 0);
      wg.add(1);
      void Promise.resolve().then(() => {
        n++;
        wg.done();
      });
      await wg.wait();
      expect(n, 'Spurious wakeup from Wait').toBe(2);
    }
  });

  test('wait resolves at once when the counter is zero', async () => {
    const wg = new WaitGroup();
    expect(await settled(wg.wait())).toBe(true);
  });

  test('every waiter is released by the done that reaches zero, and not before', async () => {
    const wg = new WaitGroup();
    wg.add(2);
    const waits = [wg.wait(), wg.wait(), wg.wait()];
    wg.done();
    expect(await settled(Promise.race(waits))).toBe(false);
    wg.done();
    expect(await settled(Promise.all(waits))).toBe(true);
  });

  test('reuse: a wait that returned is not held by the next round', async () => {
    const wg = new WaitGroup();
    wg.add(1);
    const first = wg.wait();
    wg.done();
    wg.add(1); // same turn: a new round, the first waiter already released
    expect(await settled(first)).toBe(true);
    const second = wg.wait();
    expect(await settled(second)).toBe(false);
    wg.done();
    expect(await settled(second)).toBe(true);
  });

  test('add defaults to 1 and rejects deltas that are not integers', () => {
    const wg = new WaitGroup();
    wg.add();
    expect(wg.count).toBe(1);
    expect(() => wg.add(1.5)).toThrow(new RangeError('Expected `delta` to be an integer, got 1.5'));
    expect(() => wg.add(Number.NaN)).toThrow(RangeError);
    expect(() => wg.add('2' as unknown as number)).toThrow('Expected `delta` to be an integer, got "2"');
    expect(wg.count).toBe(1);
  });
});

describe('WaitGroup.wait(signal)', () => {
  test('an aborted signal rejects with its reason and leaves no listener', async () => {
    const wg = new WaitGroup();
    const controller = new AbortController();
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(wg.wait(controller.signal)).rejects.toBe(reason);
    wg.add(1);
    await expect(wg.wait(controller.signal)).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('aborting while waiting rejects with the reason; the group goes on', async () => {
    const wg = new WaitGroup();
    wg.add(1);
    const controller = new AbortController();
    const aborted = wg.wait(controller.signal);
    const patient = wg.wait();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('timeout'));
    await expect(aborted).rejects.toThrow('timeout');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(await settled(patient)).toBe(false);
    wg.done();
    expect(await settled(patient)).toBe(true);
  });

  test('a wait released normally removes its listener', async () => {
    const wg = new WaitGroup();
    wg.add(1);
    const { signal } = new AbortController();
    const waiting = wg.wait(signal);
    wg.done();
    await waiting;
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  test('many aborted waits on a long round leave nothing behind', async () => {
    const wg = new WaitGroup();
    wg.add(1);
    const reason = new Error('abandoned');
    for (let i = 0; i < 1_000; i++) {
      const controller = new AbortController();
      const waiting = wg.wait(controller.signal);
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
    }
    const last = wg.wait();
    wg.done();
    await last;
  });
});

describe('WaitGroup.go', () => {
  test('counts a synchronous fn in and out at once', () => {
    const wg = new WaitGroup();
    let ran = false;
    wg.go(() => {
      ran = true;
      expect(wg.count).toBe(1);
    });
    expect(ran).toBe(true);
    expect(wg.count).toBe(0);
  });

  test('counts an async fn out when its promise settles', async () => {
    const wg = new WaitGroup();
    const order: string[] = [];
    for (const ms of [30, 10, 20]) {
      wg.go(async () => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`slept ${ms}`);
      });
    }
    expect(wg.count).toBe(3);
    await wg.wait();
    expect(order.sort()).toEqual(['slept 10', 'slept 20', 'slept 30']);
    expect(wg.count).toBe(0);
  });

  test('an fn that throws or rejects: counter right, error reported unhandled', async () => {
    const reasons = captureUnhandledRejections();
    const wg = new WaitGroup();
    const thrown = new Error('thrown');
    const rejected = new Error('rejected');
    wg.go(() => {
      throw thrown;
    });
    wg.go(async () => {
      await Promise.resolve();
      throw rejected;
    });
    await wg.wait();
    expect(wg.count).toBe(0);
    // Node reports unhandled rejections after the microtask queue drains.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reasons).toEqual([thrown, rejected]);
  });

  test('fn must be a function', () => {
    const wg = new WaitGroup();
    expect(() => wg.go(undefined as unknown as () => void)).toThrow(
      new TypeError('Expected `fn` to be a function, got undefined'),
    );
    expect(wg.count).toBe(0);
  });
});

describe('WaitGroup properties', () => {
  test('a wait resolves exactly when the counter next reaches zero', async () => {
    type Op = { kind: 'add'; delta: number } | { kind: 'wait' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), delta: fc.integer({ min: -3, max: 3 }) }),
      fc.record({ kind: fc.constant('wait' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const wg = new WaitGroup();
        let model = 0;
        // For each wait: whether the model says it must have resolved by now.
        const waits: { released: boolean; resolved: boolean }[] = [];
        for (const step of ops) {
          if (step.kind === 'wait') {
            const entry = { released: model === 0, resolved: false };
            waits.push(entry);
            void wg.wait().then(() => (entry.resolved = true));
          } else if (model + step.delta < 0) {
            expect(() => wg.add(step.delta)).toThrow('sync: negative WaitGroup counter');
          } else {
            model += step.delta;
            wg.add(step.delta);
            if (model === 0) for (const entry of waits) entry.released = true;
          }
          expect(wg.count).toBe(model);
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
        for (const entry of waits) expect(entry.resolved).toBe(entry.released);
      }),
      { numRuns: 200 },
    );
  });
});
