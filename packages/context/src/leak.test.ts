// Nothing left behind: 100k children created and cancelled under one parent
// leave no child listed, no listener, no warning, no timer, and nothing the
// garbage collector cannot take. Node-only: it reads Node's internals.
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { afterFunc, background, withCancel, withTimeout, withValue, type Context } from './index.js';
import type { Cancelable } from './cancel-context.js';
import { foreign } from './test-foreign.js';

const N = 100_000;
const HOUR = 60 * 60 * 1000;

// A gc() without --expose-gc on the command line: the flag set at run time
// applies to contexts created afterwards.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** collect runs the garbage collector once the current job's WeakRef targets are released. */
async function collect(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  gc();
}

let warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

function timers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('100k children created and cancelled under one parent', () => {
  test('withCancel and withTimeout children: nothing listed, listened, pending or retained', async () => {
    const [parent, cancelParent] = withCancel(background());
    const { signal } = parent; // exists, so a listener on it would show
    const timersBefore = timers();
    const sample: WeakRef<Context>[] = [];
    const heapBefore = (await collect(), process.memoryUsage().heapUsed);

    for (let i = 0; i < N; i++) {
      const [child, cancel] = i % 2 === 0 ? withCancel(parent) : withTimeout(withValue(parent, 'i', i), HOUR);
      if (i % 1000 === 0) {
        child.done(); // the lazy parts too
        void child.signal;
        sample.push(new WeakRef(child));
      }
      cancel();
    }

    expect((parent as Cancelable).childCount).toBe(0);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(timers()).toBe(timersBefore);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);

    await collect();
    expect(sample.filter((ref) => ref.deref() !== undefined), 'cancelled children are collectable').toEqual([]);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    // A retained child costs hundreds of bytes: 100k of them would be tens of MB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    cancelParent();
  });

  test('all 100k alive at once, then the parent cancelled: one step, nothing left', async () => {
    const [parent, cancelParent] = withCancel(background());
    const timersBefore = timers();
    const children: Context[] = [];
    for (let i = 0; i < N; i++) children.push(withTimeout(parent, HOUR)[0]);
    expect((parent as Cancelable).childCount).toBe(N);
    cancelParent();
    expect(children.every((child) => child.err() !== undefined)).toBe(true);
    expect((parent as Cancelable).childCount).toBe(0);
    expect(timers()).toBe(timersBefore);
  });

  test('under a foreign parent: one shared listener, gone with the last child, no warning', () => {
    const [inner, cancelInner] = withCancel(background());
    const parent = foreign(inner);
    const alive: (() => void)[] = [];
    for (let i = 0; i < N; i++) {
      const [, cancel] = withCancel(parent);
      if (i % 10 === 0) alive.push(cancel);
      else cancel();
    }
    expect(getEventListeners(inner.signal, 'abort')).toHaveLength(1);
    for (const cancel of alive) cancel();
    expect(getEventListeners(inner.signal, 'abort')).toHaveLength(0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    cancelInner();
  });

  test('afterFunc registered and stopped 100k times leaves nothing listed', () => {
    const [parent, cancelParent] = withCancel(background());
    for (let i = 0; i < N; i++) afterFunc(parent, () => {})();
    expect((parent as Cancelable).childCount).toBe(0);
    cancelParent();
  });
});
