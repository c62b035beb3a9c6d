import { describe, expect, test } from 'vitest';
import { Once, WaitGroup, onceFunc, onceValue } from './index.js';

// Go's sync/once_test.go and oncefunc_test.go, translated.
describe('Once', () => {
  test('TestOnce: fn runs once, and every caller resumes only after it finished', async () => {
    const once = new Once();
    let runs = 0;
    let finished = false;
    const fn = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished = true;
    };
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        await once.do(fn);
        expect(finished).toBe(true);
      }),
    );
    expect(runs).toBe(1);
  });

  test('TestOncePanic: a failing first call still counts; only its caller sees the error', async () => {
    const once = new Once();
    const boom = new Error('failed');
    const first = once.do(() => {
      throw boom;
    });
    const second = once.do(() => {
      throw new Error('never called');
    });
    await expect(first).rejects.toBe(boom);
    await expect(second).resolves.toBeUndefined();
    let ran = false;
    await once.do(() => (ran = true));
    expect(ran).toBe(false);
  });

  test('an async fn that rejects: the first caller gets the rejection, the others resolve after it', async () => {
    const once = new Once();
    const first = once.do(async () => {
      await Promise.resolve();
      throw new Error('async failure');
    });
    const second = once.do(() => undefined);
    await expect(first).rejects.toThrow('async failure');
    await expect(second).resolves.toBeUndefined();
  });

  test('fn must be a function', async () => {
    await expect(new Once().do(42 as never)).rejects.toThrow('Expected `fn` to be a function, got 42');
  });
});

describe('onceFunc, onceValue (Go 1.21)', () => {
  test('TestOnceFunc: calls fn once', () => {
    let calls = 0;
    const f = onceFunc(() => void calls++);
    f();
    f();
    expect(calls).toBe(1);
  });

  test('TestOnceValue: returns the first result every time', () => {
    let calls = 0;
    const f = onceValue(() => ++calls * 10);
    expect([f(), f(), f()]).toEqual([10, 10, 10]);
    expect(calls).toBe(1);
  });

  test('TestOnceFuncPanic, TestOnceValuePanic: every call throws the same error', () => {
    let calls = 0;
    const boom = new Error('x');
    const f = onceFunc(() => {
      calls++;
      throw boom;
    });
    expect(f).toThrow(boom);
    expect(f).toThrow(boom);
    const g = onceValue<number>(() => {
      throw boom;
    });
    expect(g).toThrow(boom);
    expect(g).toThrow(boom);
    expect(calls).toBe(1);
  });

  test('an async fn yields the same promise to every caller', async () => {
    let calls = 0;
    const connect = onceValue(async () => ++calls);
    expect(connect()).toBe(connect());
    expect(await connect()).toBe(1);
    expect(() => onceValue(null as never)).toThrow('Expected `fn` to be a function, got null');
  });

  test('WaitGroup is re-exported from @gochan/waitgroup', async () => {
    const wg = new WaitGroup();
    wg.go(async () => undefined);
    await wg.wait();
    expect(wg.count).toBe(0);
  });
});
