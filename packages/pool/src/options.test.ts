import { background } from '@gochan/context';
import { describe, expect, test } from 'vitest';
import { DEFAULT_QUEUE_SIZE, WorkerPool, type PoolOptions } from './index.js';

const handler = (): void => {};

function make(options: Partial<PoolOptions<unknown, void>>): WorkerPool<unknown> {
  return new WorkerPool({ workers: 1, handler, ...options } as PoolOptions<unknown, void>);
}

describe('bad options name the option and the value received', () => {
  test.each([
    [0, RangeError, 'Expected `workers` to be a positive integer, got 0'],
    [-1, RangeError, 'Expected `workers` to be a positive integer, got -1'],
    [1.5, RangeError, 'Expected `workers` to be a positive integer, got 1.5'],
    [Number.NaN, RangeError, 'Expected `workers` to be a positive integer, got NaN'],
    [Infinity, RangeError, 'Expected `workers` to be a positive integer, got Infinity'],
    ['4', TypeError, 'Expected `workers` to be a positive integer, got "4"'],
    [undefined, TypeError, 'Expected `workers` to be a positive integer, got undefined'],
  ])('workers %s', (workers, type, message) => {
    expect(() => make({ workers: workers as number })).toThrow(type);
    expect(() => make({ workers: workers as number })).toThrow(message);
  });

  test.each([
    [-1, RangeError, 'Expected `queueSize` to be a non-negative integer, got -1'],
    [2.5, RangeError, 'Expected `queueSize` to be a non-negative integer, got 2.5'],
    [null, TypeError, 'Expected `queueSize` to be a non-negative integer, got null'],
  ])('queueSize %s', (queueSize, type, message) => {
    expect(() => make({ queueSize: queueSize as number })).toThrow(type);
    expect(() => make({ queueSize: queueSize as number })).toThrow(message);
  });

  test('handler that is neither a function nor a module', () => {
    expect(() => make({ handler: 'run' })).toThrow(
      new TypeError('Expected `handler` to be a function or a module\'s URL or absolute path, got the relative "run"; write new URL("run", import.meta.url)'),
    );
    expect(() => make({ handler: 42 as never })).toThrow(new TypeError("Expected `handler` to be a function or a module's URL, got 42"));
  });

  test('threads and resourceLimits need a module handler, and a threads count in range', () => {
    expect(() => make({ threads: 2 })).toThrow(new TypeError("`threads` needs a module `handler` (a URL): a function handler runs on the pool's thread"));
    expect(() => make({ resourceLimits: {} })).toThrow(/`resourceLimits` needs a module `handler`/);
    const module = new URL('data:text/javascript,export default () => 1');
    for (const threads of [0, 1.5, 256]) expect(() => make({ handler: module, threads })).toThrow(RangeError);
    expect(() => make({ handler: module, threads: '2' as never })).toThrow(TypeError);
    expect(() => make({ handler: module, resourceLimits: 5 as never })).toThrow(/Expected `resourceLimits` to be an object/);
  });

  test('nice needs a module handler, and an integer from 0 to 19', () => {
    expect(() => make({ nice: 5 })).toThrow(new TypeError("`nice` needs a module `handler` (a URL): a function handler runs on the pool's thread"));
    const module = new URL('data:text/javascript,export default () => 1');
    for (const nice of [-1, 20, 2.5]) expect(() => make({ handler: module, nice })).toThrow(new RangeError(`Expected \`nice\` to be an integer from 0 to 19, got ${nice}`));
    expect(() => make({ handler: module, nice: '5' as never })).toThrow(new TypeError('Expected `nice` to be an integer from 0 to 19, got "5"'));
    expect(() => make({ handler: module, nice: 0 })).not.toThrow();
  });

  test('cancelGraceMs: a finite, non-negative number of milliseconds, with either kind of handler', () => {
    for (const cancelGraceMs of [-1, Infinity, Number.NaN]) {
      expect(() => make({ cancelGraceMs })).toThrow(new RangeError(`Expected \`cancelGraceMs\` to be a finite, non-negative number of milliseconds, got ${String(cancelGraceMs)}`));
    }
    expect(() => make({ cancelGraceMs: '100' as never })).toThrow(new TypeError('Expected `cancelGraceMs` to be a number of milliseconds, got "100"'));
    expect(() => make({ cancelGraceMs: 0 })).not.toThrow();
    expect(() => make({ cancelGraceMs: 2.5, handler: new URL('../test-handlers/scripted.mjs', import.meta.url) as never })).not.toThrow();
  });

  test('onError that is not a function', () => {
    expect(() => make({ onError: {} as never })).toThrow(new TypeError('Expected `onError` to be a function, got an object'));
  });

  test('ctx that is not a Context', () => {
    expect(() => make({ ctx: { deadline: 1 } as never })).toThrow(new TypeError('Expected `ctx` to be a Context, got an object'));
  });

  test('options that are not an object', () => {
    expect(() => new WorkerPool(undefined as never)).toThrow(new TypeError('Expected `options` to be an object, got undefined'));
  });

  test('shutdown timeout', async () => {
    const pool = make({});
    expect(() => pool.shutdown({ timeout: -5 })).toThrow(
      new RangeError('Expected `timeout` to be a non-negative number of milliseconds, got -5'),
    );
    expect(() => pool.shutdown({ timeout: Number.NaN })).toThrow(RangeError);
    expect(() => pool.shutdown({ timeout: '1' as never })).toThrow(
      new TypeError('Expected `timeout` to be a number of milliseconds, got "1"'),
    );
    await pool.shutdown();
  });
});

describe('good options', () => {
  test('queueSize defaults to the first article\u2019s 100, and 0 is an unbuffered queue', async () => {
    expect(DEFAULT_QUEUE_SIZE).toBe(100);
    const pool = make({ workers: 1, handler: () => new Promise(() => {}) });
    for (let i = 0; i < 1 + DEFAULT_QUEUE_SIZE; i++) {
      // A tick between submits lets the worker take the first job.
      await pool.submit({ id: String(i), payload: i });
    }
    expect(pool.trySubmit({ id: 'one too many', payload: 0 })).toBe(false);
    expect(pool.stats().queued).toBe(DEFAULT_QUEUE_SIZE);
    const report = await pool.shutdown({ timeout: 0 });
    expect(report.unfinished).toHaveLength(1 + DEFAULT_QUEUE_SIZE);

    // Unbuffered: a job is taken only by a worker waiting for one.
    const unbuffered = make({ queueSize: 0, ctx: background(), handler: () => new Promise(() => {}) });
    expect(unbuffered.trySubmit({ id: 'the idle worker takes it', payload: 0 })).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(unbuffered.trySubmit({ id: 'the worker is busy', payload: 1 })).toBe(false);
    expect(unbuffered.stats().queued).toBe(0);
    await unbuffered.shutdown({ timeout: 0 });
  });
});
