import {
  Canceled,
  DeadlineExceeded,
  background,
  withCancel,
  withCancelCause,
  withTimeout,
  withValue,
  type Context,
} from '@gochan/context';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { CANCEL_GRACE_MS, PoolClosedError, WorkerPool, type Job, type Worker } from './index.js';
import { Gates, sleep, trackUnhandledRejections, turn } from './test-helpers.js';

const job = <P = number>(id: string | number, payload?: P): Job<P> => ({ id: String(id), payload: payload as P });

// Every test also fails on an unhandled rejection (vitest reports them too; this names the test).
let unhandled: ReturnType<typeof trackUnhandledRejections>;
beforeEach(() => {
  unhandled = trackUnhandledRejections();
});
afterEach(async () => {
  await turn();
  unhandled.stop();
  expect(unhandled.reasons).toEqual([]);
});

describe('the first article’s program', () => {
  test('3 workers, 5 jobs: each runs once, on a worker with an id from 1 to 3', async () => {
    const log: string[] = [];
    const pool = new WorkerPool<number>({
      workers: 3,
      handler: async (j, _ctx, worker) => {
        log.push(`Worker ${worker.id} started job ${j.id}`);
        await sleep(5);
        log.push(`Worker ${worker.id} finished job ${j.id}`);
      },
    });
    expect(pool.workers.map((w) => w.id)).toEqual([1, 2, 3]);
    for (let j = 1; j <= 5; j++) await pool.submit(job(j, j));
    const report = await pool.shutdown();
    expect(report).toEqual({
      timedOut: false,
      unfinished: [],
      cutOff: [],
      notStarted: [],
      stats: {
        queued: 0,
        active: 0,
        completed: 5,
        failed: 0,
        workers: [1, 2, 3].map((id) => ({ id, state: 'stopped' })),
      },
    });
    expect(log.filter((line) => line.includes('started')).map((line) => line.split(' ').pop()).sort()).toEqual(['1', '2', '3', '4', '5']);
    for (const line of log) expect(line).toMatch(/^Worker [123] (started|finished) job [1-5]$/);
  });
});

describe('submit', () => {
  test('waits while the queue is full, and resolves when a worker frees a slot (backpressure)', async () => {
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, queueSize: 2, handler: gates.handler });
    await pool.submit(job('a'));
    await turn(); // the worker takes a
    await pool.submit(job('b'));
    await pool.submit(job('c'));
    let fourth = false;
    const waiting = pool.submit(job('d')).then(() => (fourth = true));
    await turn();
    expect(fourth).toBe(false);
    expect(pool.stats()).toMatchObject({ queued: 2, active: 1 });
    gates.open('a');
    await waiting;
    expect(fourth).toBe(true);
    for (const id of ['b', 'c', 'd']) gates.open(id);
    expect((await pool.shutdown()).stats.completed).toBe(4);
    expect(gates.started).toEqual(['a', 'b', 'c', 'd']);
  });

  test('an aborted signal withdraws a waiting submit: it rejects with the reason and the job never runs', async () => {
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, queueSize: 0, handler: gates.handler });
    await pool.submit(job('a'));
    await turn();
    const controller = new AbortController();
    const waiting = pool.submit(job('withdrawn'), controller.signal);
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(pool.submit(job('late'), controller.signal)).rejects.toBe(reason);
    gates.open('a');
    const report = await pool.shutdown();
    expect(gates.started).toEqual(['a']);
    expect(report.stats.completed).toBe(1);
  });

  test('rejects a job that is not an object with a string id, or whose ctx is not a Context', async () => {
    const pool = new WorkerPool({ workers: 1, handler: () => {} });
    await expect(pool.submit(job(1) && ({ id: 1, payload: 0 } as never))).rejects.toThrow(
      new TypeError('Expected `job` to be an object with a string `id`, got an object with `id` 1'),
    );
    await expect(pool.submit(null as never)).rejects.toThrow(TypeError);
    await expect(pool.submit({ id: 'x', payload: 0, ctx: {} as Context })).rejects.toThrow(
      new TypeError('Expected `job.ctx` to be a Context, got an object'),
    );
    expect(() => pool.trySubmit(undefined as never)).toThrow(TypeError);
    await pool.shutdown();
  });
});

describe('trySubmit', () => {
  test('queues a job only if there is room now, and never waits', async () => {
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, queueSize: 1, handler: gates.handler });
    expect(pool.trySubmit(job('a'))).toBe(true);
    await turn();
    expect(pool.trySubmit(job('b'))).toBe(true);
    expect(pool.trySubmit(job('c'))).toBe(false);
    gates.open('a');
    gates.open('b');
    const report = await pool.shutdown();
    expect(report.stats.completed).toBe(2);
    expect(gates.started).toEqual(['a', 'b']);
  });
});

describe('the workers and the event loop', () => {
  test('workers draining a long queue of synchronous jobs still let a timer run: a queued job is taken without parking, but paced', async () => {
    const n = 100_000;
    let done = 0;
    const pool = new WorkerPool<number>({ workers: 4, queueSize: n, handler: () => void done++ });
    for (let i = 0; i < n; i++) expect(pool.trySubmit({ id: String(i), payload: i })).toBe(true);
    let doneWhenTimerRan = -1;
    setTimeout(() => (doneWhenTimerRan = done), 0);
    await pool.shutdown();
    expect(done).toBe(n);
    // Without pacing, the workers would run every job in microtasks before the timer's turn came.
    expect(doneWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(doneWhenTimerRan).toBeLessThan(n);
  });
});

describe('run', () => {
  test('resolves with the handler’s result', async () => {
    const pool = new WorkerPool<number, number>({ workers: 2, handler: (j) => j.payload * 2 });
    expect(await Promise.all([1, 2, 3].map((n) => pool.run(job(n, n))))).toEqual([2, 4, 6]);
    expect((await pool.shutdown()).stats.completed).toBe(3);
  });

  test('rejects with the handler’s error, counted failed, and not passed to onError', async () => {
    const onError = vi.fn();
    const boom = new Error('boom');
    const pool = new WorkerPool<number, number>({
      workers: 1,
      onError,
      handler: () => {
        throw boom;
      },
    });
    await expect(pool.run(job(1))).rejects.toBe(boom);
    expect(onError).not.toHaveBeenCalled();
    expect((await pool.shutdown()).stats.failed).toBe(1);
  });

  test('the same job object may wait for one result at a time', async () => {
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, handler: gates.handler });
    const once = job('once');
    const first = pool.run(once);
    await expect(pool.run(once)).rejects.toThrow(TypeError);
    gates.open('once', 'done');
    expect(await first).toBe('done');
    gates.open('once');
    await pool.run(once);
    await pool.shutdown();
  });
});

describe('errors', () => {
  test('a handler that throws or rejects is counted, passed to onError with its job and worker, and its worker goes on', async () => {
    const seen: [unknown, string, number][] = [];
    const pool = new WorkerPool<number>({
      workers: 1,
      onError: (error, j, worker) => void seen.push([error, j.id, worker.id]),
      handler: async (j) => {
        if (j.payload === 1) throw new Error('sync throw');
        if (j.payload === 2) return Promise.reject(new Error('rejection'));
        if (j.payload === 3) throw 'not an Error';
      },
    });
    for (let n = 1; n <= 4; n++) await pool.submit(job(n, n));
    const report = await pool.shutdown();
    expect(report.stats).toMatchObject({ completed: 1, failed: 3 });
    expect(seen).toEqual([
      [new Error('sync throw'), '1', 1],
      [new Error('rejection'), '2', 1],
      ['not an Error', '3', 1],
    ]);
  });

  test('a handler that throws synchronously (not async) is caught the same way', async () => {
    const onError = vi.fn();
    const pool = new WorkerPool({
      workers: 1,
      onError,
      handler: () => {
        throw new Error('sync');
      },
    });
    await pool.submit(job(1));
    expect((await pool.shutdown()).stats.failed).toBe(1);
    expect(onError).toHaveBeenCalledOnce();
  });

  test('by default, a failure is logged with the job’s id', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const error = new Error('disk full');
      const pool = new WorkerPool({ workers: 1, handler: () => Promise.reject(error) });
      await pool.submit(job('upload-7'));
      await pool.shutdown();
      expect(log).toHaveBeenCalledWith('pool: job upload-7 failed:', error);
    } finally {
      log.mockRestore();
    }
  });

  test('an onError that throws is logged, and the worker goes on', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const pool = new WorkerPool<number>({
        workers: 1,
        onError: () => {
          throw new Error('hook broke');
        },
        handler: (j) => {
          if (j.payload === 1) throw new Error('job broke');
        },
      });
      await pool.submit(job(1, 1));
      await pool.submit(job(2, 2));
      const report = await pool.shutdown();
      expect(report.stats).toMatchObject({ completed: 1, failed: 1 });
      expect(log).toHaveBeenCalledWith('pool: onError threw for job 1:', new Error('hook broke'));
    } finally {
      log.mockRestore();
    }
  });
});

describe('the handler’s context', () => {
  test('without a job ctx, it is the pool’s context, child of options.ctx', async () => {
    const key = Symbol('tenant');
    const contexts: Context[] = [];
    const pool = new WorkerPool({
      workers: 1,
      ctx: withValue(background(), key, 'acme'),
      handler: (_j, ctx) => void contexts.push(ctx),
    });
    await pool.run(job(1));
    await pool.run(job(2));
    expect(contexts[0]).toBe(contexts[1]);
    expect(contexts[0]?.value(key)).toBe('acme');
    expect(contexts[0]?.err()).toBeUndefined();
    await pool.shutdown();
    expect(contexts[0]?.err()).toBe(Canceled); // released once the pool is shut down
  });

  test('with a job ctx: the earlier deadline, the job’s values then the pool’s, cancelled by the job’s', async () => {
    const poolKey = Symbol('pool');
    const jobKey = Symbol('job');
    const [poolCtx, cancelPool] = withTimeout(withValue(background(), poolKey, 'p'), 60_000);
    const [jobCtx, cancelJob] = withCancelCause(withValue(background(), jobKey, 'j'));
    const gates = new Gates();
    let seen: Context | undefined;
    const pool = new WorkerPool({
      workers: 1,
      ctx: poolCtx,
      handler: (j, ctx) => {
        seen = ctx;
        return gates.handler(j);
      },
    });
    const [timed, cancelTimed] = withTimeout(background(), 30_000);
    const result = pool.run({ id: 'a', payload: 0, ctx: withValue(timed, jobKey, 'j') });
    await turn();
    expect(seen?.deadline()).toEqual(timed.deadline());
    expect(seen?.value(jobKey)).toBe('j');
    expect(seen?.value(poolKey)).toBe('p');
    gates.open('a', 1);
    expect(await result).toBe(1);
    expect(seen?.err()).toBe(Canceled); // Go's defer cancel(): over once the job is
    cancelTimed();

    const cause = new Error('client left');
    const second = pool.run({ id: 'b', payload: 0, ctx: jobCtx });
    await turn();
    expect(seen?.deadline()).toEqual(poolCtx.deadline()); // the job has none: the pool's
    const done = seen!.done();
    const signal = seen!.signal;
    cancelJob(cause);
    expect(seen?.err()).toBe(Canceled);
    expect(seen?.cause()).toBe(cause);
    await done.recv();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(Canceled);
    gates.open('b', 2);
    expect(await second).toBe(2); // a handler that returns after a cancellation (not a deadline) has its result
    await pool.shutdown();
    cancelPool();
  });

  test('with a job ctx: cancelled when the pool’s context is, and then cut off', async () => {
    const [parent, cancelParent] = withCancel(background());
    let seen: Context | undefined;
    const pool = new WorkerPool({
      workers: 1,
      ctx: parent,
      handler: async (_j, ctx) => {
        seen = ctx;
        await ctx.done().recv();
        throw ctx.err();
      },
    });
    const a = { id: 'a', payload: 0, ctx: background() };
    const result = pool.run(a);
    await turn();
    cancelParent();
    // A cancelled parent cuts the running job off: its caller is told it did not finish.
    await expect(result).rejects.toThrow(new PoolClosedError('Job "a" did not finish: the pool shut down'));
    expect(seen?.err()).toBe(Canceled);
    const report = await pool.shutdown();
    expect(report.stats.failed).toBe(0);
    expect(report.unfinished).toEqual([a]);
    expect(report.cutOff).toEqual([a]);
  });
});

describe('per-job deadlines', () => {
  test('a job past its deadline fails with DeadlineExceeded, and its worker stays busy until the handler returns', async () => {
    const gates = new Gates();
    const onError = vi.fn();
    const pool = new WorkerPool({ workers: 1, onError, handler: gates.handler });
    const [ctx] = withTimeout(background(), 10);
    await pool.submit({ id: 'slow', payload: 0, ctx });
    await pool.submit(job('next'));
    await sleep(40);
    // The deadline has passed, the handler has not returned: the worker is still busy with it.
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(pool.stats()).toMatchObject({ active: 1, queued: 1, failed: 0, workers: [{ id: 1, state: 'busy', jobId: 'slow' }] });
    expect(gates.started).toEqual(['slow']);
    gates.open('slow', 'a result, too late');
    gates.open('next');
    const report = await pool.shutdown();
    expect(report.stats).toMatchObject({ completed: 1, failed: 1 });
    expect(onError).toHaveBeenCalledWith(DeadlineExceeded, expect.objectContaining({ id: 'slow' }), pool.workers[0]);
    expect(gates.maxRunning).toBe(1);
  });

  test('run rejects with DeadlineExceeded when the deadline passed, even if the handler returned a result', async () => {
    const pool = new WorkerPool({
      workers: 1,
      handler: async () => {
        await sleep(30);
        return 'late';
      },
    });
    const [ctx] = withTimeout(background(), 5);
    await expect(pool.run({ id: 'a', payload: 0, ctx })).rejects.toBe(DeadlineExceeded);
    await pool.shutdown();
  });

  test('a job whose context ended while it was queued is failed without running', async () => {
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, handler: gates.handler });
    await pool.submit(job('first'));
    const [expired] = withTimeout(background(), 0);
    const [cancelled, cancel] = withCancel(background());
    const late = pool.run({ id: 'expired', payload: 0, ctx: expired });
    const gone = pool.run({ id: 'cancelled', payload: 0, ctx: cancelled });
    cancel();
    gates.open('first');
    await expect(late).rejects.toBe(DeadlineExceeded);
    await expect(gone).rejects.toBe(Canceled);
    expect(gates.started).toEqual(['first']);
    expect((await pool.shutdown()).stats).toMatchObject({ completed: 1, failed: 2 });
  });
});

describe('shutdown', () => {
  test('closes the queue, lets the workers drain it, and waits for them', async () => {
    const done: string[] = [];
    const pool = new WorkerPool({
      workers: 2,
      handler: async (j) => {
        await sleep(5);
        done.push(j.id);
      },
    });
    for (let i = 0; i < 6; i++) await pool.submit(job(i));
    const report = await pool.shutdown({ timeout: 10_000 });
    expect(done.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(report.timedOut).toBe(false);
    expect(report.unfinished).toEqual([]);
    expect(pool.workers.map((w) => w.state)).toEqual(['stopped', 'stopped']);
  });

  test('past the timeout: cancels the running handlers, reports them and the jobs never started', async () => {
    const started: string[] = [];
    const pool = new WorkerPool({
      workers: 2,
      queueSize: 10,
      onError: () => {},
      handler: async (j, ctx) => {
        started.push(j.id);
        if (j.id === 'stubborn') await sleep(CANCEL_GRACE_MS * 3); // ignores its context
        else await ctx.done().recv(); // honours it
        throw ctx.err();
      },
    });
    const stubborn = job('stubborn');
    const polite = job('polite');
    const queued = [job('q1'), job('q2')];
    for (const j of [stubborn, polite, ...queued]) await pool.submit(j);
    const report = await pool.shutdown({ timeout: 20 });
    expect(report.timedOut).toBe(true);
    // Both were running at the timeout: cut off, whether they then returned within the grace period or not.
    expect(report.cutOff).toEqual([stubborn, polite]);
    expect(report.notStarted).toEqual(queued);
    expect(report.unfinished).toEqual([stubborn, polite, ...queued]);
    expect(report.stats).toMatchObject({ completed: 0, failed: 0, active: 1, queued: 0 });
    expect(started.sort()).toEqual(['polite', 'stubborn']);
    // The stubborn handler returns later: it changes no counter, its worker then stops.
    await sleep(CANCEL_GRACE_MS * 3);
    expect(pool.stats()).toMatchObject({ completed: 0, failed: 0, active: 0 });
    expect(pool.workers.map((w) => w.state)).toEqual(['stopped', 'stopped']);
  });

  test('a job submitted with run that never started rejects with PoolClosedError, it does not hang', async () => {
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, handler: gates.handler });
    const running = pool.run(job('running'));
    const waiting = pool.run(job('waiting'));
    await turn();
    const report = pool.shutdown({ timeout: 0 });
    await expect(waiting).rejects.toThrow(new PoolClosedError('Job "waiting" did not finish: the pool shut down'));
    await expect(running).rejects.toThrow(PoolClosedError);
    expect((await report).unfinished.map((j) => j.id)).toEqual(['running', 'waiting']);
  });

  test('is idempotent: every call resolves with the same report; asyncDispose shuts down', async () => {
    const pool = new WorkerPool({ workers: 1, handler: () => sleep(5) });
    await pool.submit(job(1));
    const first = pool.shutdown({ timeout: 1000 });
    const second = pool.shutdown({ timeout: 0 });
    expect(second).toBe(first);
    const report = await first;
    expect(await pool.shutdown()).toBe(report);
    await pool[Symbol.asyncDispose]();
    expect(report.stats.completed).toBe(1);

    const disposed: string[] = [];
    {
      await using scoped = new WorkerPool({ workers: 1, handler: (j) => void disposed.push(j.id) });
      await scoped.submit(job('x'));
    }
    expect(disposed).toEqual(['x']);
  });

  test('on an idle pool, resolves at once and leaves no timer behind', async () => {
    vi.useFakeTimers();
    try {
      const pool = new WorkerPool({ workers: 3, handler: () => {} });
      const report = await pool.shutdown({ timeout: 60_000 });
      expect(report.timedOut).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  test('once begun: submit rejects saying so, a waiting submit rejects, trySubmit returns false', async () => {
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 1, queueSize: 0, handler: gates.handler });
    await pool.submit(job('a'));
    await turn();
    const waiting = pool.submit(job('waiting'));
    const shutdown = pool.shutdown();
    await expect(waiting).rejects.toThrow(PoolClosedError);
    await expect(pool.submit(job('after'))).rejects.toThrow(
      new PoolClosedError('Cannot submit job "after": the pool is shutting down'),
    );
    expect(pool.trySubmit(job('after'))).toBe(false);
    await expect(pool.run(job('run after'))).rejects.toThrow(PoolClosedError);
    gates.open('a');
    const report = await shutdown;
    expect(report.stats.completed).toBe(1);
    expect(report.unfinished).toEqual([]);
  });
});

describe('a cancelled parent context', () => {
  test('stops the pool: running handlers are cancelled, queued jobs are not started, submit rejects', async () => {
    const [parent, cancel] = withCancel(background());
    const started: string[] = [];
    const pool = new WorkerPool({
      workers: 1,
      ctx: parent,
      handler: async (j, ctx) => {
        started.push(j.id);
        await ctx.done().recv();
      },
    });
    const queued = [job('q1'), job('q2')];
    await pool.submit(job('running'));
    for (const j of queued) await pool.submit(j);
    await turn();
    cancel();
    await expect(pool.submit(job('late'))).rejects.toThrow(
      new PoolClosedError("Cannot submit job \"late\": the pool's context is done (context canceled)"),
    );
    expect(pool.trySubmit(job('late'))).toBe(false);
    const report = await pool.shutdown();
    expect(started).toEqual(['running']);
    expect(report.timedOut).toBe(false);
    expect(report.unfinished).toEqual(queued);
    // The running handler returned at once when cancelled, without error: completed.
    expect(report.stats).toMatchObject({ completed: 1, failed: 0 });
  });

  test('already cancelled when the pool is made: nothing is accepted', async () => {
    const [parent, cancel] = withCancel(background());
    cancel();
    const pool = new WorkerPool({ workers: 2, ctx: parent, handler: () => {} });
    expect(pool.trySubmit(job(1))).toBe(false);
    await expect(pool.submit(job(2))).rejects.toThrow(PoolClosedError);
    const report = await pool.shutdown();
    expect(report.unfinished).toEqual([]);
    expect(pool.workers.map((w) => w.state)).toEqual(['stopped', 'stopped']);
  });
});

describe('stats', () => {
  test('counts queued, active, completed and failed jobs, and each worker’s state and job', async () => {
    const gates = new Gates();
    const pool = new WorkerPool({ workers: 2, queueSize: 5, handler: gates.handler, onError: () => {} });
    expect(pool.stats()).toEqual({
      queued: 0,
      active: 0,
      completed: 0,
      failed: 0,
      workers: [
        { id: 1, state: 'idle' },
        { id: 2, state: 'idle' },
      ],
    });
    for (const id of ['a', 'b', 'c']) await pool.submit(job(id));
    await turn();
    expect(pool.stats()).toEqual({
      queued: 1,
      active: 2,
      completed: 0,
      failed: 0,
      workers: [
        { id: 1, state: 'busy', jobId: 'a' },
        { id: 2, state: 'busy', jobId: 'b' },
      ],
    });
    const worker: Worker = pool.workers[0]!;
    expect(worker.job?.id).toBe('a');
    gates.open('a');
    gates.fail('b', new Error('b failed'));
    await turn();
    expect(pool.stats()).toMatchObject({ queued: 0, active: 1, completed: 1, failed: 1 });
    gates.open('c');
    const report = await pool.shutdown();
    expect(report.stats).toMatchObject({ queued: 0, active: 0, completed: 2, failed: 1 });
  });
});
