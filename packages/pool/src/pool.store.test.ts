import { Canceled, DeadlineExceeded, background, cause, withDeadline, type Context } from '@gochan/context';
import { describe, expect, test, vi } from 'vitest';
import { LeaseLostError, MemoryStore, PoolClosedError, WorkerPool, type Codec, type Job } from './index.js';
import { Gates, deferred, sleep, turn } from './test-helpers.js';

// The pool on a store: the semantics a durable store brings, checked on the
// MemoryStore (the SQLite and Redis packages run these through their own
// crash tests). Without a store, pool.test.ts applies unchanged.

const job = <P>(id: string, payload: P, extra: Partial<Job<P>> = {}): Job<P> => ({ id, payload, ...extra });

/** Waits until `check` holds, polling; fails the test after 5 s. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
  expect(check()).toBe(true);
}

describe('a pool on a store', () => {
  test('submit resolves "added" once stored, and "duplicate" while that id waits or runs', async () => {
    const store = new MemoryStore();
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, store, handler: gates.handler });
    expect(await pool.submit(job('a', 1))).toBe('added');
    await until(() => gates.started.length === 1);
    expect(await pool.submit(job('a', 2))).toBe('duplicate');
    expect(await pool.submit(job('b', 3))).toBe('added');
    expect(await pool.submit(job('b', 4))).toBe('duplicate');
    gates.open('a');
    gates.open('b');
    await until(() => pool.stats().completed === 2);
    expect(await pool.submit(job('a', 5))).toBe('added'); // completed: a new job
    gates.open('a');
    await pool.shutdown();
    expect(gates.started).toEqual(['a', 'b', 'a']);
    expect(store.counts()).toMatchObject({ waiting: 0, running: 0, completed: 3 });
  });

  test('the payload crosses as JSON: the handler gets a copy, with its attempt number', async () => {
    const seen: Job<unknown>[] = [];
    const pool = new WorkerPool({ workers: 1, store: new MemoryStore(), handler: (j: Job<unknown>) => void seen.push(j) });
    const payload = { n: 1, list: [1, 'two', null], nested: { ok: true } };
    await pool.submit(job('p', payload));
    await pool.submit(job('u', undefined));
    await until(() => seen.length === 2);
    await pool.shutdown();
    expect(seen[0]).toMatchObject({ id: 'p', payload, attempt: 1 });
    expect(seen[0]!.payload).not.toBe(payload);
    expect(seen[1]).toMatchObject({ id: 'u', payload: undefined, attempt: 1 });
  });

  test('a payload that cannot be encoded rejects submit with a TypeError, and nothing is stored', async () => {
    const store = new MemoryStore();
    const pool = new WorkerPool<unknown>({ workers: 1, store, handler: () => {} });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const payload of [10n, cycle, () => 1, Symbol('s')]) {
      const result = pool.submit(job('bad', payload));
      await expect(result).rejects.toThrow(TypeError);
      await expect(result).rejects.toThrow(/^Cannot submit job "bad": its payload cannot be encoded \(/);
    }
    expect(store.counts()).toMatchObject({ waiting: 0, running: 0, completed: 0 });
    await pool.shutdown();
  });

  test('a codec of its own carries what JSON cannot; a payload it cannot decode makes the job dead', async () => {
    const codec: Codec<bigint> = { encode: (n) => n.toString(), decode: (text) => BigInt(text) };
    const seen: bigint[] = [];
    const store = new MemoryStore();
    const pool = new WorkerPool<bigint>({ workers: 1, store, codec, handler: (j) => void seen.push(j.payload) });
    await pool.submit(job('big', 2n ** 70n));
    await store.add({ id: 'garbled', payload: 'not a number', deadline: undefined });
    await until(() => seen.length === 1 && store.counts().dead === 1);
    await pool.shutdown();
    expect(seen).toEqual([2n ** 70n]);
    expect(store.deadJobs()[0]).toMatchObject({ id: 'garbled', error: expect.stringMatching(/^its payload cannot be decoded: SyntaxError/) });
  });

  test('a failing job is retried with backoff up to maxAttempts, each attempt seen, then kept as dead with its last error', async () => {
    const store = new MemoryStore();
    const attempts: number[] = [];
    const onError = vi.fn();
    const backoff = vi.fn((attempt: number) => attempt * 20);
    const pool = new WorkerPool({
      workers: 2,
      store,
      maxAttempts: 3,
      backoff,
      onError,
      handler: (j: Job<number>) => {
        attempts.push(j.attempt!);
        throw new Error(`attempt ${j.attempt} failed`);
      },
    });
    await pool.submit(job('flaky', 0));
    await until(() => store.counts().dead === 1);
    await pool.shutdown();
    expect(attempts).toEqual([1, 2, 3]);
    expect(backoff.mock.calls).toEqual([[1], [2]]);
    expect(onError).toHaveBeenCalledTimes(3);
    expect(store.counts()).toMatchObject({ waiting: 0, running: 0, failed: 3, dead: 1 });
    expect(store.deadJobs()[0]!.error).toMatch(/^Error: attempt 3 failed/);
  });

  test('a job succeeds on a later attempt and is then complete, never run again', async () => {
    const store = new MemoryStore();
    const attempts: number[] = [];
    const pool = new WorkerPool({
      workers: 1,
      store,
      backoff: () => 0,
      onError: () => {},
      handler: (j: Job<number>) => {
        attempts.push(j.attempt!);
        if (j.attempt! < 2) throw new Error('not yet');
      },
    });
    await pool.submit(job('second-time', 0));
    await until(() => store.counts().completed === 1);
    await sleep(50);
    await pool.shutdown();
    expect(attempts).toEqual([1, 2]);
    expect(pool.stats()).toMatchObject({ completed: 1, failed: 1 });
  });

  test('a per-job deadline is stored as a time: the handler sees it, and a job past it is dead without a retry', async () => {
    const store = new MemoryStore();
    const deadlines: (Date | undefined)[] = [];
    const at = Date.now() + 60;
    const [jobCtx, cancel] = withDeadline(background(), at);
    const pool = new WorkerPool({
      workers: 1,
      store,
      onError: () => {},
      handler: async (_j: Job<null>, ctx: Context) => {
        deadlines.push(ctx.deadline());
        await ctx.done().recv();
        throw ctx.err();
      },
    });
    await pool.submit(job('timed', null, { ctx: jobCtx }));
    cancel();
    await until(() => store.counts().dead === 1);
    await pool.shutdown();
    expect(deadlines.map((d) => d?.getTime())).toEqual([at]);
    expect(store.counts()).toMatchObject({ failed: 1, dead: 1 });
    expect(store.deadJobs()[0]!.error).toMatch(/deadline exceeded/);
    expect(pool.stats().failed).toBe(1);
    void DeadlineExceeded;
  });

  test('backpressure: submit waits while the store holds queueSize waiting jobs; an abort withdraws it; a shutdown refuses it', async () => {
    const store = new MemoryStore();
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, prefetch: 0, queueSize: 2, store, handler: gates.handler });
    await pool.submit(job('running', 0));
    await until(() => gates.started.length === 1);
    await pool.submit(job('w1', 0));
    await pool.submit(job('w2', 0));
    // The one worker is busy and prefetch is 0: nothing more is claimed, both wait in the store.
    await sleep(20);
    expect(store.counts()).toMatchObject({ waiting: 2, running: 1 });
    let fourth = false;
    const waiting = pool.submit(job('w3', 0)).then((r) => ((fourth = true), r));
    const controller = new AbortController();
    const withdrawn = pool.submit(job('gone', 0), controller.signal);
    await sleep(30);
    expect(fourth).toBe(false);
    controller.abort(new Error('client left'));
    await expect(withdrawn).rejects.toThrow('client left');
    gates.open('running');
    expect(await waiting).toBe('added');
    const refused = pool.submit(job('late', 0));
    const last = pool.shutdown({ timeout: 0 });
    await expect(refused).rejects.toThrow(PoolClosedError);
    await last;
    const ids = new Set(gates.started);
    expect(ids.has('gone')).toBe(false);
  });

  test('submits waiting for room are admitted in order, by one watcher of the store, however many wait', async () => {
    const store = new MemoryStore();
    const changed = vi.spyOn(store, 'changed');
    const order: string[] = [];
    const gate = deferred();
    const pool = new WorkerPool({
      workers: 1,
      prefetch: 0,
      queueSize: 2,
      store,
      handler: async (j: Job<number>) => {
        order.push(j.id);
        await gate.promise;
      },
    });
    const submits = Array.from({ length: 200 }, (_, i) => pool.submit(job(`s${String(i).padStart(3, '0')}`, i)));
    await until(() => order.length === 1);
    await sleep(20);
    // Two jobs wait in the store, one in the feeder's hands, one running; the other 196 submits wait in line.
    const parked = changed.mock.calls.length;
    expect(parked).toBeLessThanOrEqual(3);
    gate.resolve();
    expect(await Promise.all(submits)).toEqual(Array(200).fill('added'));
    await until(() => pool.stats().completed === 200);
    await pool.shutdown();
    expect(order).toEqual(order.slice().sort());
    // One changed() per change the watcher saw, not one per waiting submit per change.
    expect(changed.mock.calls.length).toBeLessThan(200 * 3);
  });

  test('a waiting submit found to be a duplicate lets the next one in line through', async () => {
    const store = new MemoryStore();
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, prefetch: 0, queueSize: 1, store, handler: gates.handler });
    await pool.submit(job('a', 0)); // runs
    await until(() => gates.started.length === 1);
    await pool.submit(job('b', 0)); // waits in the store: full
    const duplicate = pool.submit(job('b', 1));
    const next = pool.submit(job('c', 0));
    gates.open('a'); // b is claimed: room for one, which the duplicate takes and gives back
    expect(await duplicate).toBe('duplicate');
    expect(await next).toBe('added');
    for (const id of ['b', 'c']) gates.open(id);
    await pool.shutdown();
    // b and c once each: run now, or left waiting in the store by the graceful shutdown.
    expect(store.counts().completed + store.counts().waiting).toBe(3);
  });

  test('a shutdown past its timeout cuts off running jobs and gives them and the unstarted ones back to the store; the next pool runs them', async () => {
    const store = new MemoryStore();
    const gates = new Gates();
    const first = new WorkerPool({ workers: 2, prefetch: 2, store, handler: gates.handler });
    for (const id of ['r1', 'r2', 'p1', 'p2', 's1']) await first.submit(job(id, 0));
    // Two running and two in the channel: as many as the pool may hold; the fifth stays in the store.
    await until(() => gates.started.length === 2 && first.stats().store!.held === 4 && store.waiting() === 1);
    const report = await first.shutdown({ timeout: 10 });
    expect(report.timedOut).toBe(true);
    expect(report.cutOff.map((j) => j.id).sort()).toEqual(['r1', 'r2']);
    expect(report.notStarted.map((j) => j.id)).toEqual(['p1', 'p2']);
    expect(report.stats).toMatchObject({ completed: 0, failed: 0 });
    // Back at once, not after a lease: every job waits again, none is running.
    expect(store.counts()).toMatchObject({ waiting: 5, running: 0, failed: 0 });
    // The cut-off handlers return later: their outcome is not recorded.
    gates.open('r1');
    gates.fail('r2', new Error('late'));
    await turn();
    expect(store.counts()).toMatchObject({ waiting: 5, completed: 0, failed: 0 });

    const ran: string[] = [];
    const second = new WorkerPool({ workers: 2, store, handler: (j: Job<number>) => void ran.push(`${j.id}#${j.attempt}`) });
    await until(() => store.counts().completed === 5);
    await second.shutdown();
    expect(ran.sort()).toEqual(['p1#1', 'p2#1', 'r1#1', 'r2#1', 's1#1']);
  });

  test('a graceful shutdown drains the prefetched jobs and leaves the rest in the store', async () => {
    const store = new MemoryStore();
    const ran: string[] = [];
    const gate = deferred();
    const pool = new WorkerPool({
      workers: 1,
      prefetch: 1,
      store,
      handler: async (j: Job<number>) => {
        ran.push(j.id);
        await gate.promise;
      },
    });
    for (let i = 1; i <= 6; i++) await pool.submit(job(`j${i}`, i));
    await until(() => ran.length === 1 && pool.stats().store!.held >= 2);
    const report = pool.shutdown();
    gate.resolve();
    expect((await report).unfinished).toEqual([]);
    expect(ran.length).toBeGreaterThanOrEqual(2);
    expect(store.counts()).toMatchObject({ waiting: 6 - ran.length, running: 0, completed: ran.length });
  });

  test('a running job keeps its lease: another pool on the same store does not take it', async () => {
    // The handler runs three leases long; a lease of 200 ms leaves room for a renewal
    // that a loaded machine (or a browser's throttled timers) delays by a hundred.
    const store = new MemoryStore({ leaseMs: 200 });
    const ran: string[] = [];
    const slow = new WorkerPool({
      workers: 1,
      store,
      handler: async (j: Job<number>) => {
        ran.push(`slow:${j.id}`);
        await sleep(600);
      },
    });
    await slow.submit(job('long', 0));
    await until(() => ran.length === 1);
    const other = new WorkerPool({ workers: 1, store, handler: (j: Job<number>) => void ran.push(`other:${j.id}`) });
    await until(() => store.counts().completed === 1);
    await Promise.all([slow.shutdown(), other.shutdown()]);
    expect(ran).toEqual(['slow:long']);
  });

  test('a lost lease cancels the handler’s context with LeaseLostError, and its outcome is not recorded', async () => {
    // A long lease: the job's lease in the store outlives the refused renewal
    // (a third of the lease in) by 400 ms, so this pool cannot claim the job
    // again before it shuts down (with 60 ms, a slow poll let it re-claim,
    // and lose that lease too).
    const store = new MemoryStore({ leaseMs: 600 });
    let seen: Context | undefined;
    const pool = new WorkerPool({
      workers: 1,
      store,
      onError: () => {},
      handler: async (_j: Job<number>, ctx: Context) => {
        seen = ctx;
        // Its outcome comes after the lease is lost, and must not be recorded.
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        await sleep(50);
      },
    });
    await pool.submit(job('stolen', 0));
    await until(() => seen !== undefined);
    // The store takes the lease away, as when the process stalled past it.
    // One renewal refused; the next ones reach the store again.
    const renew = vi.spyOn(store, 'renew').mockImplementationOnce(async (jobs) => jobs.map(() => false));
    await until(() => seen!.err() !== undefined);
    expect(seen!.err()).toBe(Canceled);
    expect(cause(seen!)).toBeInstanceOf(LeaseLostError);
    await pool.shutdown();
    renew.mockRestore();
    expect(pool.stats().store).toMatchObject({ leasesLost: 1 });
    expect(store.counts().completed).toBe(0);
  });

  test('stats show the store’s counts and the pool’s dealings with it', async () => {
    const store = new MemoryStore();
    const pool = new WorkerPool({ workers: 1, store, handler: () => {} });
    await pool.submit(job('s', 0));
    await until(() => pool.stats().completed === 1);
    expect(pool.stats().store).toEqual({
      waiting: 0,
      running: 0,
      completed: 1,
      failed: 0,
      dead: 0,
      held: 0,
      leasesLost: 0,
      renewFailures: 0,
      storeErrors: 0,
      invalidJobs: 0,
      writesRetried: 0,
      writesRefused: 0,
      writesUnconfirmed: 0,
      writesAbandoned: 0,
      crashes: 0,
    });
    await pool.shutdown();
  });

  test('a store with stats of its own shows them as store.engine', async () => {
    const store = new MemoryStore();
    const withStats = Object.assign(store, { stats: () => ({ reconnects: 2 }) });
    const pool = new WorkerPool({ workers: 1, store: withStats, handler: () => {} });
    expect(pool.stats().store!.engine).toEqual({ reconnects: 2 });
    await pool.shutdown();
  });

  test('trySubmit throws and run rejects: a stored job is accepted only durably, and may finish elsewhere', async () => {
    const pool = new WorkerPool({ workers: 1, store: new MemoryStore(), handler: () => {} });
    expect(() => pool.trySubmit(job('t', 0))).toThrow(/^trySubmit needs a pool without a store/);
    await expect(pool.run(job('r', 0))).rejects.toThrow(/^run\(\) needs a pool without a store/);
    await pool.shutdown();
  });

  test('a store that fails to claim is retried, said loudly, and the pool carries on', async () => {
    const store = new MemoryStore();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const claim = vi.spyOn(store, 'claim').mockRejectedValueOnce(new Error('database is locked'));
    const ran: string[] = [];
    const pool = new WorkerPool({ workers: 1, store, handler: (j: Job<number>) => void ran.push(j.id) });
    await pool.submit(job('after-error', 0));
    await until(() => ran.length === 1);
    await pool.shutdown();
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/^pool: claiming from the store failed/), new Error('database is locked'));
    expect(pool.stats().store!.storeErrors).toBe(1);
    claim.mockRestore();
    error.mockRestore();
  });
});

describe('bad input', () => {
  test('ids of 0 or more than 1024 characters are refused, with or without a store', async () => {
    for (const store of [undefined, new MemoryStore()]) {
      const pool = new WorkerPool({ workers: 1, store, handler: () => {} });
      await expect(pool.submit(job('', 0))).rejects.toThrow(new RangeError('Expected `job.id` to be 1 to 1024 characters, got an empty string'));
      await expect(pool.submit(job('x'.repeat(100_000), 0))).rejects.toThrow('Expected `job.id` to be 1 to 1024 characters, got 100000 characters');
      await pool.shutdown();
    }
  });

  test('a job ctx that is not a whole Context is refused at submit', async () => {
    const pool = new WorkerPool({ workers: 1, store: new MemoryStore(), handler: () => {} });
    const partial = { done: () => null, err: () => undefined, deadline: () => undefined } as unknown as Context;
    await expect(pool.submit(job('c', 0, { ctx: partial }))).rejects.toThrow('Expected `job.ctx` to be a Context, got an object');
    await pool.shutdown();
  });

  test('store options: each is named when wrong, and refused without a store', () => {
    const handler = (): void => {};
    const store = new MemoryStore();
    expect(() => new WorkerPool({ workers: 1, handler, prefetch: 2 })).toThrow('`prefetch` needs a `store`: without one the jobs channel is the queue');
    expect(() => new WorkerPool({ workers: 1, handler, maxAttempts: 2 })).toThrow('`maxAttempts` needs a `store`');
    expect(() => new WorkerPool({ workers: 1, handler, store, queueSize: 0 })).toThrow(
      'Expected `queueSize` to be a positive integer with a store, got 0',
    );
    expect(() => new WorkerPool({ workers: 1, handler, store, maxAttempts: 0 })).toThrow('Expected `maxAttempts` to be a positive integer, got 0');
    expect(() => new WorkerPool({ workers: 1, handler, store, prefetch: -1 })).toThrow('Expected `prefetch` to be a non-negative integer, got -1');
    expect(() => new WorkerPool({ workers: 1, handler, store, codec: {} as Codec<unknown> })).toThrow('Expected `codec` to have encode() and decode(), got an object');
    expect(() => new WorkerPool({ workers: 1, handler, store: {} as MemoryStore })).toThrow('Expected `store` to be a Store (a add() method), got an object');
  });
});
