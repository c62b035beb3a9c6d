import { describe, expect, test, vi } from 'vitest';
import type { Job } from './job.js';
import { MemoryStore } from './memory-store.js';
import type { PoolObserver } from './observer.js';
import { WorkerPool } from './pool.js';
import { deferred, sleep } from './test-helpers.js';

/** An observer that records every event as [name, event], in order. */
function recorder<P>(): { events: [string, Record<string, unknown>][]; observer: PoolObserver<P> } {
  const events: [string, Record<string, unknown>][] = [];
  const on = (name: string) => (event: object) => void events.push([name, event as Record<string, unknown>]);
  return {
    events,
    observer: { submit: on('submit'), start: on('start'), finish: on('finish'), fail: on('fail'), retry: on('retry'), shutdown: on('shutdown') },
  };
}

/**
 * Sleeps about `ms` and returns how long it really slept by the clock the
 * pool reads: a timer may fire early by as much as the event loop's turn had
 * run before it was set (libuv measures from the turn's start), so bounds
 * are taken from this, not from `ms`.
 */
async function hold(ms: number): Promise<number> {
  const start = performance.now();
  await sleep(ms);
  return performance.now() - start;
}

const names = (events: [string, unknown][]): string[] => events.map(([name]) => name);

describe('PoolObserver', () => {
  test('each job is announced submitted, started, then finished or failed, with its queue wait and run time; then the shutdown', async () => {
    const { events, observer } = recorder<number>();
    const gate = deferred();
    const pool = new WorkerPool<number>({
      workers: 1,
      observer,
      onError: () => {},
      handler: async (job) => {
        if (job.id === 'first') await gate.promise;
        if (job.id === 'bad') throw new Error('bad job');
      },
    });
    await pool.submit({ id: 'first', payload: 1 });
    await pool.submit({ id: 'bad', payload: 2 });
    // 'bad' waits in the queue while 'first' holds the only worker. 'first' is
    // running before the hold begins (its start may wait a macrotask: pacing),
    // so that its run spans the hold.
    for (let i = 0; i < 500 && pool.stats().workers[0]?.jobId !== 'first'; i++) await sleep(10);
    expect(pool.stats().workers[0]?.jobId).toBe('first');
    const held = await hold(30);
    gate.resolve();
    const report = await pool.shutdown();
    expect(names(events)).toEqual(['submit', 'submit', 'start', 'finish', 'start', 'fail', 'shutdown']);
    const [first, bad] = [events[3]![1], events[5]![1]];
    expect(first).toMatchObject({ job: { id: 'first' }, worker: { id: 1 } });
    expect(first.runMs).toBeGreaterThanOrEqual(held);
    expect(bad).toMatchObject({ job: { id: 'bad' }, error: new Error('bad job'), fate: undefined });
    expect(bad.runMs).toBeGreaterThanOrEqual(0);
    // It waited for 'first' to finish: at least as long as the test held it.
    expect(bad.queueWaitMs).toBeGreaterThanOrEqual(held);
    expect(events[6]![1]).toMatchObject({ report });
    expect(events[6]![1].durationMs).toBeGreaterThanOrEqual(0);
  });

  test('a submit that waits for room reports how long; a withdrawn one is not announced', async () => {
    const { events, observer } = recorder<number>();
    const gate = deferred();
    const pool = new WorkerPool<number>({ workers: 1, queueSize: 0, observer, handler: () => gate.promise });
    await pool.submit({ id: 'running', payload: 0 });
    const withdrawn = new AbortController();
    const gone = pool.submit({ id: 'gone', payload: 0 }, withdrawn.signal).catch((error: unknown) => error);
    withdrawn.abort(new Error('withdrawn'));
    expect(await gone).toEqual(new Error('withdrawn'));
    const waiting = pool.submit({ id: 'waits', payload: 0 });
    const held = await hold(30);
    gate.resolve();
    await waiting;
    await pool.shutdown();
    const submits = events.filter(([name]) => name === 'submit').map(([, event]) => event);
    expect(submits.map((event) => (event.job as Job<number>).id)).toEqual(['running', 'waits']);
    expect(submits[1]!.waitedMs).toBeGreaterThanOrEqual(held);
    expect(events.filter(([name]) => name === 'start').map(([, event]) => (event.job as Job<number>).id)).toEqual(['running', 'waits']);
  });

  test('with a store: a failure that will run again is a fail with fate retry, then a retry; the last one is dead', async () => {
    const { events, observer } = recorder<string>();
    const pool = new WorkerPool<string>({
      workers: 1,
      store: new MemoryStore(),
      maxAttempts: 2,
      backoff: () => 10,
      observer,
      onError: () => {},
      handler: () => {
        throw new Error('always');
      },
    });
    expect(await pool.submit({ id: 'x', payload: 'p' })).toBe('added');
    expect(await pool.submit({ id: 'x', payload: 'p' })).toBe('duplicate');
    for (let i = 0; i < 200 && !events.some(([, event]) => event.fate === 'dead'); i++) await sleep(5);
    await pool.shutdown();
    // The duplicate's answer may come before or after the first run: submits are checked apart.
    expect(events.filter(([name]) => name === 'submit').map(([, event]) => event.result)).toEqual(['added', 'duplicate']);
    const moves = events.filter(([name]) => name !== 'submit');
    expect(names(moves)).toEqual(['start', 'fail', 'retry', 'start', 'fail', 'shutdown']);
    expect(moves[1]![1]).toMatchObject({ fate: 'retry', job: { id: 'x', attempt: 1 } });
    expect(moves[2]![1]).toMatchObject({ attempt: 1, job: { id: 'x' } });
    expect(moves[2]![1].delayMs).toBeLessThanOrEqual(10);
    expect(moves[4]![1]).toMatchObject({ fate: 'dead', job: { id: 'x', attempt: 2 } });
    // Both starts know when the job became due: at its submit, then at the end of its backoff.
    expect(moves[0]![1].queueWaitMs).toEqual(expect.any(Number));
    expect(moves[3]![1].queueWaitMs).toEqual(expect.any(Number));
  });

  test('an observer that throws is logged and changes nothing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const pool = new WorkerPool<number, number>({
        workers: 2,
        observer: {
          start: () => {
            throw new Error('observer bug');
          },
        },
        handler: (job) => job.payload * 2,
      });
      expect(await pool.run({ id: 'a', payload: 21 })).toBe(42);
      expect((await pool.shutdown()).stats.completed).toBe(1);
      expect(error).toHaveBeenCalledWith("pool: the observer's start threw:", new Error('observer bug'));
    } finally {
      error.mockRestore();
    }
  });

  test('an observer that is not an object is refused, named', () => {
    expect(() => new WorkerPool({ workers: 1, handler: () => {}, observer: 'loud' as never })).toThrow(
      new TypeError('Expected `observer` to be an object of event methods, got "loud"'),
    );
  });

  test('an observer method that is not a function is refused when the pool is made, named', () => {
    expect(() => new WorkerPool({ workers: 1, handler: () => {}, observer: { finish: 42 } as never })).toThrow(
      new TypeError("Expected the observer's `finish` to be a function, got 42"),
    );
  });

  test('the methods are read when the pool is made: one added later is not called', async () => {
    const observer: PoolObserver<number> = {};
    const pool = new WorkerPool<number>({ workers: 1, observer, handler: () => {} });
    const late = vi.fn();
    observer.finish = late;
    await pool.run({ id: 'a', payload: 0 });
    await pool.shutdown();
    expect(late).not.toHaveBeenCalled();
  });

  test('one job object submitted twice is timed twice: each start knows its own submit', async () => {
    const { events, observer } = recorder<number>();
    const gate = deferred();
    const pool = new WorkerPool<number>({ workers: 1, observer, handler: (job) => (job.id === 'blocker' ? gate.promise : undefined) });
    await pool.submit({ id: 'blocker', payload: 0 });
    const twice: Job<number> = { id: 'twice', payload: 1 };
    await pool.submit(twice);
    const held = await hold(40);
    await pool.submit(twice);
    gate.resolve();
    await pool.shutdown();
    const waits = events.filter(([name, event]) => name === 'start' && event.job === twice).map(([, event]) => event.queueWaitMs as number);
    expect(waits).toHaveLength(2);
    // The first waited through the hold; the second, submitted after it, waited far less (timed from the first submit, it would wait longer).
    expect(waits[0]).toBeGreaterThanOrEqual(held);
    expect(waits[1]).toBeLessThan(waits[0]! - held / 2);
  });

  test('trySubmit announces what it queued, and a cut-off job is neither finished nor failed', async () => {
    const { events, observer } = recorder<number>();
    const pool = new WorkerPool<number>({ workers: 1, queueSize: 1, observer, handler: () => new Promise(() => {}) });
    expect(pool.trySubmit({ id: 'a', payload: 0 })).toBe(true);
    await sleep(5);
    expect(pool.trySubmit({ id: 'b', payload: 0 })).toBe(true);
    expect(pool.trySubmit({ id: 'c', payload: 0 })).toBe(false);
    const report = await pool.shutdown({ timeout: 10 });
    expect(report.cutOff.map((job) => job.id)).toEqual(['a']);
    expect(names(events)).toEqual(['submit', 'start', 'submit', 'shutdown']);
  });
});
