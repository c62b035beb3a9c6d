import { readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Channel } from '@gochan/channel';
import { DeadlineExceeded, background, withCancel, withTimeout } from '@gochan/context';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { CANCEL_GRACE_MS, MemoryStore, PoolClosedError, WorkerPool, jsonCodec, type Codec, type Handler, type Job, type PoolObserver } from './index.js';
import { sleep } from './test-helpers.js';

// Every guarantee of the pool, once with a function handler (on the pool's
// thread) and once with the same handler given as a module (on a thread of
// @gochan/threads): the script in test-handlers/scripted.mjs, steered by the
// job's payload, whose channels cross to the thread.

const SCRIPTED = new URL('../test-handlers/scripted.mjs', import.meta.url);

/** What a scripted job does (test-handlers/scripted.mjs). */
interface Script {
  started?: Channel<Started>;
  gate?: Channel<unknown>;
  honour?: boolean;
  awaitCancel?: boolean;
  report?: Channel<string>;
  sleep?: number;
  fail?: { name: string; message: string; code?: string };
  result?: unknown;
}
interface Started {
  id: string;
  worker: number;
  attempt: number | undefined;
  deadline: number | undefined;
}

let scripted: Handler<Script, unknown>;
beforeAll(async () => {
  scripted = ((await import(SCRIPTED.href)) as { default: Handler<Script, unknown> }).default;
});
afterAll(async () => {
  const threads = await import('@gochan/threads');
  await threads.close();
});

const kinds = [
  ['a function handler', () => scripted],
  ['a module handler, on threads', () => SCRIPTED],
] as const;

const job = (id: string, payload: Script = {}, extra: Partial<Job<Script>> = {}): Job<Script> => ({ id, payload, ...extra });

describe.each(kinds)('with %s', (_kind, handler) => {
  test("run() resolves with the handler's result, and rejects with its error, class, name and code kept", async () => {
    const pool = new WorkerPool<Script, unknown>({ workers: 2, handler: handler() });
    expect(await pool.run(job('a', { result: { n: 42, list: [1, 2] } }))).toEqual({ n: 42, list: [1, 2] });
    const failure = await pool.run(job('b', { fail: { name: 'QuotaError', message: 'over quota', code: 'E_QUOTA' } })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({ name: 'QuotaError', message: 'over quota', code: 'E_QUOTA' });
    await expect(pool.run(job('c', { fail: { name: 'TypeError', message: 'bad' } }))).rejects.toBeInstanceOf(TypeError);
    const report = await pool.shutdown();
    expect(report.stats).toMatchObject({ completed: 1, failed: 2 });
  });

  test('the handler gets the job, its worker, and a context with the deadline; at most `workers` run at once', async () => {
    const started = new Channel<Started>(10);
    const gates = [0, 1, 2].map(() => new Channel<unknown>());
    const pool = new WorkerPool<Script, unknown>({ workers: 2, handler: handler() });
    const [ctx, cancel] = withTimeout(background(), 60_000);
    const deadline = ctx.deadline()!.getTime();
    const runs = gates.map((gate, i) => pool.run(job(`j${i}`, { started, gate }, { ctx })));
    const first = [(await started.recv())[0]!, (await started.recv())[0]!];
    expect(first.map((s) => s.worker).sort()).toEqual([1, 2]);
    expect(first.every((s) => s.deadline === deadline && s.attempt === undefined)).toBe(true);
    expect(pool.stats()).toMatchObject({ active: 2, queued: 1 });
    expect(started.tryRecv()).toBeUndefined(); // the third waits for a free worker
    const ids = first.map((s) => s.id);
    for (const [i, gate] of gates.entries()) if (ids.includes(`j${i}`)) await gate.send(`done ${i}`);
    const third = (await started.recv())[0]!;
    await gates[Number(third.id.slice(1))]!.send(`done ${third.id.slice(1)}`);
    expect(await Promise.all(runs)).toEqual(['done 0', 'done 1', 'done 2']);
    cancel();
    await pool.shutdown();
  });

  test('each job sees its own context, also when jobs with and without one take turns on a worker', async () => {
    const started = new Channel<Started>(10);
    const pool = new WorkerPool<Script, unknown>({ workers: 1, handler: handler() });
    const [early, cancelEarly] = withTimeout(background(), 60_000);
    const [late, cancelLate] = withTimeout(background(), 120_000);
    const seen: (number | undefined)[] = [];
    for (const ctx of [early, undefined, undefined, late, late, undefined]) {
      await pool.run(job('j', { started }, ctx === undefined ? {} : { ctx }));
      seen.push((await started.recv())[0]!.deadline);
    }
    const [a, b] = [early.deadline()!.getTime(), late.deadline()!.getTime()];
    expect(seen).toEqual([a, undefined, undefined, b, b, undefined]);
    cancelEarly();
    cancelLate();
    await pool.shutdown();
  });

  test('backpressure: submit waits while the queue is full, trySubmit refuses, and both go through once a worker frees a place', async () => {
    const gate = new Channel<unknown>();
    const started = new Channel<Started>(10);
    const pool = new WorkerPool<Script, unknown>({ workers: 1, queueSize: 1, handler: handler() });
    await pool.submit(job('running', { started, gate }));
    await started.recv();
    await pool.submit(job('queued'));
    expect(pool.trySubmit(job('refused'))).toBe(false);
    let waited = false;
    const waiting = pool.submit(job('waiting')).then(() => (waited = true));
    await sleep(20);
    expect(waited).toBe(false);
    await gate.send('go');
    await waiting;
    const report = await pool.shutdown();
    expect(report.stats.completed).toBe(3);
  });

  test("a job's deadline aborts the handler's signal, and run() rejects with DeadlineExceeded itself", async () => {
    const report = new Channel<string>(1);
    const pool = new WorkerPool<Script, unknown>({ workers: 1, handler: handler() });
    const [ctx] = withTimeout(background(), 30);
    await expect(pool.run(job('late', { awaitCancel: true, report }, { ctx }))).rejects.toBe(DeadlineExceeded);
    expect((await report.recv())[0]).toBe('TimeoutError');
    expect(pool.stats()).toMatchObject({ completed: 0, failed: 1, active: 0 });
    await pool.shutdown();
  });

  test("a job's cancellation reaches the handler's signal", async () => {
    const report = new Channel<string>(1);
    const started = new Channel<Started>(1);
    const pool = new WorkerPool<Script, unknown>({ workers: 1, handler: handler() });
    const [ctx, cancel] = withCancel(background());
    const running = pool.run(job('cancelled', { awaitCancel: true, started, report }, { ctx })).catch((e: unknown) => e);
    await started.recv();
    cancel();
    expect(((await running) as Error).message).toBe('context canceled');
    expect((await report.recv())[0]).toBe('AbortError');
    await pool.shutdown();
  });

  test('shutdown past its timeout cancels the handlers: one that honours it and one that does not are both reported unfinished, and the pool ends', async () => {
    const started = new Channel<Started>(2);
    const report = new Channel<string>(1);
    const pool = new WorkerPool<Script, unknown>({ workers: 2, queueSize: 5, onError: () => {}, handler: handler() });
    const polite = job('polite', { started, awaitCancel: true, report });
    // Ignores its context: as a function it waits out a long sleep; as a module its thread is ended.
    const stubborn = job('stubborn', { started, sleep: CANCEL_GRACE_MS * 4 });
    const queued = job('queued');
    for (const j of [polite, stubborn, queued]) await pool.submit(j);
    await started.recv();
    await started.recv();
    const done = await pool.shutdown({ timeout: 20 });
    expect(done.timedOut).toBe(true);
    expect(new Set(done.cutOff)).toEqual(new Set([polite, stubborn]));
    expect(done.notStarted).toEqual([queued]);
    expect((await report.recv())[0]).toBe('AbortError');
    expect(done.stats).toMatchObject({ completed: 0, failed: 0 });
    await sleep(CANCEL_GRACE_MS * 4);
    expect(pool.stats()).toMatchObject({ completed: 0, failed: 0, active: 0 });
    expect(pool.workers.map((w) => w.state)).toEqual(['stopped', 'stopped']);
  });

  test('cancelGraceMs: shutdown waits that long past its timeout for a handler that ignores its context, and the handler may finish', async () => {
    const started = new Channel<Started>(1);
    const gate = new Channel<unknown>();
    const pool = new WorkerPool<Script, unknown>({ workers: 1, handler: handler(), cancelGraceMs: 60_000 });
    const stubborn = job('stubborn', { started, gate });
    const running = pool.run(stubborn).catch((e: unknown) => e);
    await started.recv();
    let reported = false;
    const shutdown = pool.shutdown({ timeout: 0 }).then((report) => ((reported = true), report));
    await sleep(CANCEL_GRACE_MS * 3); // past the default grace: that shutdown would have reported (and ended the thread)
    expect(reported).toBe(false);
    expect(pool.workers[0]?.state).toBe('busy');
    await gate.send('late'); // the handler, on its thread for a module, is still there to take it
    const report = await shutdown;
    expect(report.cutOff).toEqual([stubborn]); // cut off at the timeout: its late result does not count
    expect(await running).toBeInstanceOf(PoolClosedError);
    expect(pool.workers[0]?.state).toBe('stopped');
  });

  test('a job submitted with run() that the shutdown left unstarted rejects with PoolClosedError', async () => {
    const gate = new Channel<unknown>();
    const started = new Channel<Started>(1);
    const pool = new WorkerPool<Script, unknown>({ workers: 1, onError: () => {}, handler: handler() });
    void pool.run(job('running', { started, gate, honour: true })).catch(() => {});
    const never = pool.run(job('never'));
    await started.recv();
    void pool.shutdown({ timeout: 0 });
    await expect(never).rejects.toBeInstanceOf(PoolClosedError);
  });

  test('stats, the observer and metrics() count the jobs as they move', async () => {
    const events: string[] = [];
    const on = (name: string) => (event: { job: { id: string } }) => void events.push(`${name} ${event.job.id}`);
    const observer: PoolObserver<Script> = { start: on('start'), finish: on('finish'), fail: on('fail') };
    const pool = new WorkerPool<Script, unknown>({ workers: 1, observer, onError: () => {}, handler: handler(), metrics: { sampleEvery: 1 } });
    await pool.run(job('ok'));
    await pool.run(job('bad', { fail: { name: 'Error', message: 'no' } })).catch(() => {});
    expect(events).toEqual(['start ok', 'finish ok', 'start bad', 'fail bad']);
    expect(pool.stats()).toMatchObject({ completed: 1, failed: 1, active: 0, queued: 0 });
    const metrics = pool.metrics();
    expect(metrics).toMatchObject({ submitted: 2, started: 2, completed: 1, failed: 1 });
    expect(metrics.run.counts.reduce((a, b) => a + b, 0)).toBe(2); // both sampled and timed
    await pool.shutdown();
  });

  test('with a store: claims, retries with the next attempt, renewals of a job longer than its lease, completions, all from the pool', async () => {
    const store = new MemoryStore({ leaseMs: 300 }); // renewed every 100 ms: a loaded machine still makes it
    const events: string[] = [];
    type Stored = { sleep?: number; fail?: { name: string; message: string } };
    const observer: PoolObserver<Stored> = { start: (e) => void events.push(`start ${e.job.id} ${e.job.attempt}`) };
    const pool = new WorkerPool<Stored, unknown>({
      workers: 2,
      store,
      observer,
      maxAttempts: 2,
      backoff: () => 0,
      codec: jsonCodec as Codec<Stored>,
      onError: () => {},
      handler: handler() as Handler<Stored, unknown>,
    });
    expect(await pool.submit({ id: 'long', payload: { sleep: 1_000 } })).toBe('added');
    expect(await pool.submit({ id: 'doomed', payload: { fail: { name: 'Error', message: 'always' } } })).toBe('added');
    for (let i = 0; i < 500 && pool.stats().store!.completed + pool.stats().store!.dead < 2; i++) await sleep(10);
    expect(pool.stats().store).toMatchObject({ completed: 1, dead: 1, leasesLost: 0, crashes: 0 });
    expect(events.sort()).toEqual(['start doomed 1', 'start doomed 2', 'start long 1']); // 'long' ran once, its lease renewed
    await pool.shutdown();
  });
});

describe('a module handler on threads, where threads can die', () => {
  test('a thread that exits mid-job fails that job with a ThreadExitError, and the pool goes on', async () => {
    const pool = new WorkerPool<Record<string, unknown>, unknown>({ workers: 2, handler: SCRIPTED });
    const error = await pool.run({ id: 'exits', payload: { exit: 7 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ThreadExitError', exitCode: 7 });
    expect((error as Error).message).toMatch(/exited with code 7/);
    expect(await pool.run({ id: 'next', payload: { result: 'alive' } })).toBe('alive');
    expect(pool.stats()).toMatchObject({ completed: 1, failed: 1 });
    await pool.shutdown();
  });

  test('with a store, a thread that dies mid-job is a crash: its claim runs out, and the job runs again and completes', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const marker = `${mkdtempSync(`${tmpdir()}/pool-crash-`)}/exited`;
    // A lease long enough that a loaded machine renews it while the second run's thread starts.
    const store = new MemoryStore({ leaseMs: 500 });
    const pool = new WorkerPool<{ exitOnce: string }, unknown>({ workers: 1, store, onError: () => {}, handler: SCRIPTED });
    await pool.submit({ id: 'crashes-once', payload: { exitOnce: marker } });
    for (let i = 0; i < 1_000 && pool.stats().store!.completed < 1; i++) await sleep(10);
    expect(pool.stats().store).toMatchObject({ completed: 1, dead: 0, failed: 0, crashes: 1, leasesLost: 0 });
    expect(pool.stats()).toMatchObject({ completed: 1, failed: 1 });
    await pool.shutdown();
  });

  test('a handler past its heap limit fails its job saying it ran out of memory, and its thread is replaced', async () => {
    // resourceLimits apply to threads started from then on: start from none.
    await (await import('@gochan/threads')).close();
    const pool = new WorkerPool<Record<string, unknown>, unknown>({
      workers: 1,
      handler: SCRIPTED,
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    });
    await expect(pool.run({ id: 'hog', payload: { hog: true } })).rejects.toThrow(/ran out of memory/);
    expect(await pool.run({ id: 'after', payload: { result: 1 } })).toBe(1);
    await pool.shutdown();
    (await import('@gochan/threads')).setResourceLimits(undefined);
  });

  test.runIf(process.platform === 'linux')('nice: a module handler runs on threads that much nicer than the pool’s thread, which keeps its own', async () => {
    const threads = await import('@gochan/threads');
    await threads.close(); // nice applies to threads started from then on: start from none
    const own = (): number => getPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()));
    const before = own();
    const pool = new WorkerPool<Record<string, unknown>, unknown>({ workers: 1, handler: SCRIPTED, nice: 7 });
    try {
      expect(await pool.run({ id: 'nice', payload: { niceness: true } })).toBe(Math.min(19, before + 7));
      expect(own()).toBe(before);
    } finally {
      await pool.shutdown();
      threads.setNice(0);
      await threads.close();
    }
  });

  test('a handler that ignores its deadline past the grace period has its thread ended: it fails with DeadlineExceeded, a job beside it on that thread crashes', async () => {
    const threads = await import('@gochan/threads');
    const previous = threads.GOMAXPROCS(1); // both jobs' goroutines on one thread
    try {
      const started = new Channel<Started>(2);
      const gate = new Channel<unknown>();
      const pool = new WorkerPool<Record<string, unknown>, unknown>({ workers: 2, handler: SCRIPTED, onError: () => {} });
      const beside = pool.run({ id: 'beside', payload: { started, gate } }).catch((e: unknown) => e);
      await started.recv();
      const [ctx] = withTimeout(background(), 20);
      const spinning = pool.run({ id: 'spins', payload: { spin: true }, ctx }).catch((e: unknown) => e);
      expect(await spinning).toBe(DeadlineExceeded);
      const error = await beside;
      expect(error).toMatchObject({ name: 'ThreadExitError' });
      expect((error as Error).message).toMatch(/was terminated: the handler of job "spins" did not return within 100 ms/);
      expect(await pool.run({ id: 'after', payload: { result: 'fine' } })).toBe('fine');
      await pool.shutdown();
    } finally {
      threads.GOMAXPROCS(previous);
    }
  });

  test('cancelGraceMs sets how long a handler that ignores its deadline runs on before its thread is ended', async () => {
    const pool = new WorkerPool<Record<string, unknown>, unknown>({ workers: 1, handler: SCRIPTED, cancelGraceMs: 30, onError: () => {} });
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    try {
      const [ctx] = withTimeout(background(), 20);
      expect(await pool.run({ id: 'spins', payload: { spin: true }, ctx }).catch((e: unknown) => e)).toBe(DeadlineExceeded);
      expect(errors).toEqual([expect.stringMatching(/the handler of job "spins" did not return within 30 ms of its context's cancellation \(context deadline exceeded\): its thread \d+ is ended/)]);
      expect(await pool.run({ id: 'after', payload: { result: 'fine' } })).toBe('fine');
    } finally {
      spy.mockRestore();
      await pool.shutdown();
    }
  });

  test('a module with no default export fails each job with a TypeError that names it', async () => {
    const pool = new WorkerPool<unknown, unknown>({ workers: 1, handler: new URL('../test-handlers/no-default.mjs', import.meta.url) });
    await expect(pool.run({ id: 'x', payload: 1 })).rejects.toThrow(/no-default\.mjs has no default export function/);
    await expect(pool.run({ id: 'y', payload: 1 })).rejects.toThrow(TypeError);
    await pool.shutdown();
  });

  test('a payload or a result structured clone refuses fails that job alone', async () => {
    const pool = new WorkerPool<unknown, unknown>({ workers: 1, handler: SCRIPTED });
    await expect(pool.run({ id: 'fn', payload: { result: 1, f: () => 1 } })).rejects.toThrow(/cannot cross/);
    expect(await pool.run({ id: 'ok', payload: { result: 2 } })).toBe(2);
    await pool.shutdown();
  });
});
