import fc from 'fast-check';
import { background, withTimeout } from '@gochan/context';
import { describe, expect, test } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { DEFAULT_BUCKETS, DEFAULT_SAMPLE_EVERY, POOL_METRICS, Tally, type Float64Histogram, type PoolMetrics } from './metrics.js';
import { PoolClosedError } from './errors.js';
import { WorkerPool } from './pool.js';
import { Gates, sleep } from './test-helpers.js';

/** How many values a histogram holds. */
const total = (histogram: Float64Histogram): number => histogram.counts.reduce((sum, count) => sum + count, 0);

/** The counters alone, for comparing with toEqual. */
function counters({ submitted, started, completed, failed, retried, dead, cutOff, refused }: PoolMetrics): Record<string, number> {
  return { submitted, started, completed, failed, retried, dead, cutOff, refused };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
  expect(check()).toBe(true);
}

/** Sleeps about `ms` and returns how long it slept by the clock the pool reads. */
async function hold(ms: number): Promise<number> {
  const start = performance.now();
  await sleep(ms);
  return performance.now() - start;
}

describe('the pool metrics', () => {
  test('the counters match what was sent, exactly: submitted, started, completed, failed, cut off, refused', async () => {
    const gates = new Gates();
    const pool = new WorkerPool<number, unknown>({ workers: 2, queueSize: 2, handler: gates.handler, onError: () => {} });
    for (const id of ['ok1', 'bad', 'hang', 'queued']) await pool.submit({ id, payload: 0 });
    // Full: 2 running (ok1, bad), 2 queued. A trySubmit that finds no room is backpressure, not a refusal.
    expect(pool.trySubmit({ id: 'full', payload: 0 })).toBe(false);
    gates.open('ok1');
    gates.fail('bad', new Error('bad'));
    await until(() => gates.started.includes('queued'));
    gates.open('queued');
    await until(() => pool.metrics().completed === 2);
    // 'hang' never ends: the shutdown cuts it off.
    const shutdown = pool.shutdown({ timeout: 10 });
    await expect(pool.submit({ id: 'late', payload: 0 })).rejects.toThrow(PoolClosedError);
    await expect(pool.run({ id: 'later', payload: 0 })).rejects.toThrow(PoolClosedError);
    expect(pool.trySubmit({ id: 'latest', payload: 0 })).toBe(false);
    const report = await shutdown;
    expect(report.cutOff.map((job) => job.id)).toEqual(['hang']);
    expect(counters(pool.metrics())).toEqual({ submitted: 4, started: 4, completed: 2, failed: 1, retried: 0, dead: 0, cutOff: 1, refused: 3 });
    expect(pool.metrics()).toMatchObject({ completed: report.stats.completed, failed: report.stats.failed });
  });

  // A pool without a store or an observer counts a job that returned in time in the worker loop itself
  // (pool.ts #work); these are the returns that must take the long way all the same.
  test('a job that returns after the shutdown cut it off is counted cut off, not completed', async () => {
    const pool = new WorkerPool<number, string>({
      workers: 1,
      // Returns, without error, as soon as its context is cancelled: within the grace period.
      handler: (_job, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('late'))),
    });
    await pool.submit({ id: 'slow', payload: 0 });
    await until(() => pool.metrics().started === 1);
    const report = await pool.shutdown({ timeout: 5 });
    expect(report.cutOff.map((job) => job.id)).toEqual(['slow']);
    expect(counters(pool.metrics())).toEqual({ submitted: 1, started: 1, completed: 0, failed: 0, retried: 0, dead: 0, cutOff: 1, refused: 0 });
  });

  test("a job that returns after the pool's own context ended is not counted completed", async () => {
    const [ctx] = withTimeout(background(), 20);
    const pool = new WorkerPool<number, number>({ workers: 1, ctx, handler: () => sleep(60).then(() => 1), onError: () => {} });
    await pool.submit({ id: 'late', payload: 0 });
    const report = await pool.shutdown();
    const read = pool.metrics();
    expect(read.completed).toBe(0);
    // Cut off by the shutdown the context's end began, or failed past the deadline if it returned first.
    expect(read.cutOff + read.failed).toBe(1);
    expect(report.stats.completed).toBe(0);
  });

  test('a run() on a pool without a store or an observer resolves with the result, among submits that do not wait', async () => {
    const pool = new WorkerPool<number, number>({ workers: 2, handler: (job) => job.payload * 2 });
    const submits = Array.from({ length: 20 }, (_, i) => pool.submit({ id: `s${i}`, payload: i }));
    const runs = [pool.run({ id: 'r1', payload: 21 }), pool.run({ id: 'r2', payload: 4 })];
    await Promise.all(submits);
    expect(await Promise.all(runs)).toEqual([42, 8]);
    await pool.shutdown();
    expect(counters(pool.metrics())).toMatchObject({ submitted: 22, started: 22, completed: 22, failed: 0 });
  });

  test('a submit waiting for room when the shutdown begins counts as refused once', async () => {
    const gates = new Gates();
    const pool = new WorkerPool<number, unknown>({ workers: 1, queueSize: 0, handler: gates.handler });
    await pool.submit({ id: 'a', payload: 0 });
    const waiting = pool.submit({ id: 'b', payload: 0 });
    const shutdown = pool.shutdown();
    await expect(waiting).rejects.toThrow(PoolClosedError);
    gates.open('a');
    await shutdown;
    expect(counters(pool.metrics())).toMatchObject({ submitted: 1, started: 1, completed: 1, refused: 1 });
  });

  test('with a store: each failure is counted, and its fate as retried or dead', async () => {
    const store = new MemoryStore();
    const pool = new WorkerPool<number>({
      workers: 1,
      store,
      maxAttempts: 2,
      backoff: () => 0,
      onError: () => {},
      metrics: { sampleEvery: 1 },
      handler: () => {
        throw new Error('always');
      },
    });
    await pool.submit({ id: 'doomed', payload: 0 });
    expect(await pool.submit({ id: 'doomed', payload: 0 })).toBe('duplicate');
    await until(() => store.counts().dead === 1);
    await pool.shutdown();
    const metrics = pool.metrics();
    expect(counters(metrics)).toEqual({ submitted: 1, started: 2, completed: 0, failed: 2, retried: 1, dead: 1, cutOff: 0, refused: 0 });
    // Both attempts ran timed (every job is sampled); the first waited from its submit here, the retry's wait is not timed.
    expect(total(metrics.run)).toBe(2);
    expect(total(metrics.queueWait)).toBe(1);
  });

  test('every sampleEvery-th submit is timed: the histograms count exactly the sampled jobs (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        async (outcomes, sampleEvery, workers, queueSize, observed) => {
          let observedStarts = 0;
          const pool = new WorkerPool<boolean>({
            workers,
            queueSize,
            metrics: { sampleEvery },
            onError: () => {},
            observer: observed ? { start: () => void observedStarts++ } : undefined,
            handler: async (job) => {
              await Promise.resolve();
              if (!job.payload) throw new Error('no');
            },
          });
          for (const [i, ok] of outcomes.entries()) await pool.submit({ id: String(i), payload: ok });
          await pool.shutdown();
          const metrics = pool.metrics();
          const n = outcomes.length;
          const ok = outcomes.filter(Boolean).length;
          expect(counters(metrics)).toEqual({ submitted: n, started: n, completed: ok, failed: n - ok, retried: 0, dead: 0, cutOff: 0, refused: 0 });
          const sampled = sampleEvery === 0 ? 0 : Math.floor(n / sampleEvery);
          expect(total(metrics.queueWait)).toBe(sampled);
          expect(total(metrics.run)).toBe(sampled);
          expect(metrics.sampleEvery).toBe(sampleEvery);
          // The observer, when there is one, is still told of every job.
          if (observed) expect(observedStarts).toBe(n);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("a sampled job's queue wait and run time are at least what the test held it (sampleEvery 1, the clock the pool reads)", async () => {
    const gates = new Gates();
    const pool = new WorkerPool<number, unknown>({ workers: 1, handler: gates.handler, metrics: { sampleEvery: 1, buckets: [0.001, 1] } });
    await pool.submit({ id: 'first', payload: 0 });
    await pool.submit({ id: 'second', payload: 0 });
    // 'first' is running before the hold begins (its start may wait a macrotask: pacing), so its run spans the hold.
    await until(() => pool.stats().workers[0]?.jobId === 'first');
    const held = await hold(30);
    gates.open('first');
    gates.open('second');
    await pool.shutdown();
    const { queueWait, run } = pool.metrics();
    expect(run.buckets).toEqual([0, 0.001, 1, Infinity]);
    expect(total(run)).toBe(2);
    expect(run.sum).toBeGreaterThanOrEqual(held / 1000);
    // 'second' waited for 'first': at least as long as the test held it.
    expect(total(queueWait)).toBe(2);
    expect(queueWait.sum).toBeGreaterThanOrEqual(held / 1000);
    // 30 ms and more is past the 1 ms bucket: 'second' is counted in [0.001, 1) or above.
    expect(queueWait.counts[1]! + queueWait.counts[2]!).toBeGreaterThanOrEqual(1);
  });

  test('a run cut off by the shutdown, ending in its grace period or after its report, is in no run count; its queue wait was counted at its start', async () => {
    const gates = new Gates();
    const pool = new WorkerPool<number, unknown>({
      workers: 3,
      metrics: { sampleEvery: 1 },
      // 'polite' returns once its context is cancelled (within the grace period, before the report); the others wait for their gate.
      handler: (job, ctx) => (job.id === 'polite' ? ctx.done().recv().then(() => 'stopped') : gates.handler(job)),
    });
    for (const id of ['done', 'hang', 'polite']) await pool.submit({ id, payload: 0 });
    await until(() => gates.started.length === 2 && pool.stats().active === 3);
    gates.open('done');
    await until(() => pool.metrics().completed === 1);
    const report = await pool.shutdown({ timeout: 10 });
    expect(report.cutOff.map((job) => job.id).sort()).toEqual(['hang', 'polite']);
    // 'hang' ignores its cancelled context and ends only after the report.
    gates.open('hang');
    await sleep(20);
    const { queueWait, run, started, completed } = pool.metrics();
    expect({ started, completed }).toEqual({ started: 3, completed: 1 });
    expect(total(queueWait)).toBe(3);
    expect(total(run)).toBe(1);
  });

  test('with a store and sampleEvery 1, every job submitted here has its queue wait and run timed', async () => {
    const pool = new WorkerPool<number>({ workers: 2, store: new MemoryStore(), metrics: { sampleEvery: 1 }, handler: () => {} });
    for (let i = 0; i < 10; i++) await pool.submit({ id: `s${i}`, payload: i });
    await until(() => pool.metrics().completed === 10);
    await pool.shutdown();
    const metrics = pool.metrics();
    expect(counters(metrics)).toMatchObject({ submitted: 10, started: 10, completed: 10 });
    expect(total(metrics.queueWait)).toBe(10);
    expect(total(metrics.run)).toBe(10);
  });

  test('a trySubmit refused for want of room gives its sample back: the next accepted job is timed', async () => {
    const gates = new Gates();
    const pool = new WorkerPool<number, unknown>({ workers: 1, queueSize: 1, handler: gates.handler, metrics: { sampleEvery: 3 } });
    expect(pool.trySubmit({ id: 'a', payload: 0 })).toBe(true); // 1: taken by the worker
    await until(() => gates.started.length === 1);
    expect(pool.trySubmit({ id: 'b', payload: 0 })).toBe(true); // 2: queued
    expect(pool.trySubmit({ id: 'c', payload: 0 })).toBe(false); // 3: sampled, but no room
    gates.open('a');
    await until(() => gates.started.length === 2);
    expect(pool.trySubmit({ id: 'd', payload: 0 })).toBe(true); // the sample given back
    gates.open('b');
    gates.open('d');
    await pool.shutdown();
    expect(total(pool.metrics().run)).toBe(1);
    expect(pool.metrics().submitted).toBe(3);
  });

  test('reading returns copies: a snapshot does not move as jobs do', async () => {
    const pool = new WorkerPool<number>({ workers: 1, handler: () => {}, metrics: { sampleEvery: 1 } });
    const before = pool.metrics();
    await pool.run({ id: 'x', payload: 0 });
    expect(before.completed).toBe(0);
    expect(total(before.run)).toBe(0);
    expect(pool.metrics().completed).toBe(1);
    await pool.shutdown();
  });

  test('the defaults, and Go-style names for every field', () => {
    const pool = new WorkerPool<number>({ workers: 1, handler: () => {} });
    const metrics = pool.metrics();
    expect(metrics.sampleEvery).toBe(DEFAULT_SAMPLE_EVERY);
    expect(metrics.run.buckets).toEqual([0, ...DEFAULT_BUCKETS, Infinity]);
    expect(metrics.run.counts).toHaveLength(DEFAULT_BUCKETS.length + 1);
    expect(DEFAULT_BUCKETS[0]).toBe(1e-6);
    expect(DEFAULT_BUCKETS.at(-1)).toBe(500);
    expect(POOL_METRICS.map((metric) => metric.field).sort()).toEqual(Object.keys(metrics).filter((key) => key !== 'sampleEvery').sort());
    for (const { name } of POOL_METRICS) expect(name).toMatch(/^\/pool\/jobs\/[a-z-]+:(jobs|seconds)$/);
    void pool.shutdown();
  });

  test('bad metrics options are refused, naming the option and the value', () => {
    const handler = (): void => {};
    expect(() => new WorkerPool({ workers: 1, handler, metrics: { sampleEvery: -1 } })).toThrow(RangeError);
    expect(() => new WorkerPool({ workers: 1, handler, metrics: { sampleEvery: 1.5 } })).toThrow('Expected `metrics.sampleEvery` to be a non-negative integer (0: no timings), got 1.5');
    expect(() => new WorkerPool({ workers: 1, handler, metrics: { sampleEvery: '2' as unknown as number } })).toThrow(TypeError);
    expect(() => new WorkerPool({ workers: 1, handler, metrics: { buckets: [1, 1] } })).toThrow('Expected `metrics.buckets` to be increasing');
    expect(() => new WorkerPool({ workers: 1, handler, metrics: { buckets: [0, 1] } })).toThrow(RangeError);
    expect(() => new WorkerPool({ workers: 1, handler, metrics: { buckets: [] } })).toThrow(RangeError);
    expect(() => new WorkerPool({ workers: 1, handler, metrics: 5 as unknown as object })).toThrow('Expected `metrics` to be an object, got 5');
  });
});

describe('Tally', () => {
  test('each value lands in the bucket [buckets[i], buckets[i + 1]) that holds it, and the sum is theirs (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.double({ min: 0, max: 2e6, noNaN: true }), { maxLength: 50 }),
        (bounds, values) => {
          const sorted = [...bounds].sort((a, b) => a - b);
          const tally = new Tally(sorted);
          for (const value of values) tally.record(value);
          const { counts, buckets, sum } = tally.read();
          expect(buckets).toEqual([0, ...sorted, Infinity]);
          expect(counts).toEqual(counts.map((_, i) => values.filter((v) => buckets[i]! <= v && v < buckets[i + 1]!).length));
          expect(sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 3);
        },
      ),
    );
  });
});
