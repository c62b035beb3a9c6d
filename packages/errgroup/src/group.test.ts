import { Canceled, background, withCancel } from '@gochan/context';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Group, withContext } from './index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// golang.org/x/sync/errgroup's errgroup_test.go, translated.
describe('Group', () => {
  test('TestZeroGroup: wait rejects with the first error, after every function settled', async () => {
    const err1 = new Error('errgroup_test: 1');
    const err2 = new Error('errgroup_test: 2');
    const cases: { errs: (Error | null)[]; want: Error | null }[] = [
      { errs: [], want: null },
      { errs: [null], want: null },
      { errs: [err1], want: err1 },
      { errs: [err1, null, err2], want: err1 },
    ];
    for (const { errs, want } of cases) {
      const g = new Group();
      let settled = 0;
      for (const err of errs) {
        void g.go(() => {
          settled++;
          if (err) throw err;
        });
      }
      if (want === null) await expect(g.wait()).resolves.toBeUndefined();
      else await expect(g.wait()).rejects.toBe(want);
      expect(settled).toBe(errs.length);
    }
  });

  test('TestWithContext: the first error cancels the context, with that error as its cause', async () => {
    const errDoom = new Error('group_test: doomed');
    const [g, ctx] = withContext(background());
    let sawCancel = false;
    void g.go(async () => {
      await sleep(1);
      throw errDoom;
    });
    void g.go(async () => {
      await ctx.done().recv();
      sawCancel = true;
    });
    await expect(g.wait()).rejects.toBe(errDoom);
    expect(sawCancel).toBe(true);
    expect(ctx.err()).toBe(Canceled);
    expect(ctx.cause()).toBe(errDoom);
    expect(ctx.signal.aborted).toBe(true);
  });

  test('withContext: the context is cancelled when wait returns, even without an error', async () => {
    const [parent, cancelParent] = withCancel(background());
    const [g, ctx] = withContext(parent);
    void g.go(() => undefined);
    expect(ctx.err()).toBeUndefined();
    await g.wait();
    expect(ctx.err()).toBe(Canceled);
    expect(ctx.cause()).toBe(Canceled);
    cancelParent();
  });

  test('TestTryGo: tryGo fails at the limit and succeeds once a slot is free', async () => {
    const g = new Group();
    g.setLimit(1);
    let release!: () => void;
    expect(g.tryGo(() => new Promise<void>((resolve) => (release = resolve)))).toBe(true);
    expect(g.tryGo(() => undefined)).toBe(false);
    release();
    await g.wait();
    expect(g.tryGo(() => undefined)).toBe(true);
    await g.wait();
  });

  test('TestGoLimit: never more than the limit run at once; go resolves once fn started', async () => {
    const limit = 3;
    const g = new Group();
    g.setLimit(limit);
    let active = 0;
    let peak = 0;
    for (let i = 0; i < 20; i++) {
      let started = false;
      await g.go(async () => {
        started = true;
        active++;
        peak = Math.max(peak, active);
        expect(active).toBeLessThanOrEqual(limit);
        await sleep(1);
        active--;
      });
      expect(started).toBe(true);
    }
    await g.wait();
    expect(peak).toBe(limit);
  });

  test('go without await: wait still waits for the functions queued behind the limit, in order', async () => {
    const g = new Group();
    g.setLimit(2);
    const started: number[] = [];
    for (let i = 0; i < 6; i++) {
      void g.go(async () => {
        started.push(i);
        await sleep(1);
      });
    }
    await g.wait();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('go(fn, signal): an abort while waiting for a slot withdraws the task', async () => {
    const g = new Group();
    g.setLimit(1);
    let release!: () => void;
    void g.go(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    let ran = false;
    const queued = g.go(() => void (ran = true), controller.signal);
    controller.abort('never mind');
    await expect(queued).rejects.toBe('never mind');
    await expect(g.go(() => undefined, AbortSignal.abort('already'))).rejects.toBe('already');
    release();
    await g.wait();
    expect(ran).toBe(false);
  });

  test('setLimit while functions are active throws Go\'s text; negative means no limit', async () => {
    const g = new Group();
    g.setLimit(2);
    let release!: () => void;
    void g.go(() => new Promise<void>((resolve) => (release = resolve)));
    expect(() => g.setLimit(5)).toThrow(new Error('errgroup: modify limit while 1 goroutines in the group are still active'));
    release();
    await g.wait();
    g.setLimit(-1);
    for (let i = 0; i < 100; i++) expect(g.tryGo(() => sleep(1))).toBe(true);
    await g.wait();
    expect(() => g.setLimit(1.5)).toThrow(RangeError);
    expect(() => g.go(42 as never)).toThrow('Expected `fn` to be a function, got 42');
  });

  test('a failing function is not an unhandled rejection: its error goes to wait only', async () => {
    const g = new Group();
    void g.go(() => Promise.reject(new Error('quiet')));
    void g.go(() => {
      throw new Error('also quiet');
    });
    await expect(g.wait()).rejects.toThrow('quiet');
  });

  test('property: wait rejects with exactly the first error to reach the group, after every function settled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ delay: fc.nat(3), fail: fc.boolean(), sync: fc.boolean() }), { maxLength: 12 }),
        fc.integer({ min: -1, max: 4 }),
        async (tasks, limit) => {
          const g = new Group();
          if (limit !== 0) g.setLimit(limit);
          const failures: Error[] = [];
          let settled = 0;
          for (const [i, { delay, fail, sync }] of tasks.entries()) {
            void g.go(
              sync
                ? () => {
                    settled++;
                    if (fail) failures.push(new Error(`task ${i}`));
                    if (fail) throw failures.at(-1);
                  }
                : async () => {
                    for (let k = 0; k < delay; k++) await Promise.resolve();
                    settled++;
                    if (fail) {
                      // A rejection reaches the group one microtask after the
                      // throw: the error counts as first from then.
                      const error = new Error(`task ${i}`);
                      queueMicrotask(() => failures.push(error));
                      throw error;
                    }
                  },
            );
          }
          const outcome = await g.wait().then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(settled).toBe(tasks.length);
          expect(outcome).toBe(failures[0]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
