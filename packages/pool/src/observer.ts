import type { Job } from './job.js';
import type { ShutdownReport } from './stats.js';
import type { SubmitResult } from './store.js';
import type { Worker } from './worker.js';

/*
 * The pool's instrumentation: a PoolObserver, given as the `observer`
 * option, is told of each job's moves with their timings. The pool holds an
 * Observation only when there is an observer, and calls it behind one
 * `!== undefined` test per move: without one, a job costs nothing more.
 *
 * Invariants:
 *  - Every job a worker starts is announced by `start` before its handler
 *    is called, and, unless the shutdown cuts it off (its report lists it),
 *    by exactly one of `finish` or `fail` after the handler has settled.
 *  - Nothing is announced once the shutdown report is made, except `shutdown`
 *    itself, once.
 *  - An observer that throws is logged and otherwise ignored: watching the
 *    pool never changes what it does.
 */

/** SubmitEvent tells {@link PoolObserver.submit} that a job was accepted. */
export interface SubmitEvent<P> {
  /** The job, as submitted. */
  readonly job: Job<P>;
  /** `'added'`, or with a store `'duplicate'` (nothing was added). */
  readonly result: SubmitResult;
  /** How long the submit waited for room (backpressure), in milliseconds. */
  readonly waitedMs: number;
}

/** StartEvent tells {@link PoolObserver.start} that a worker took a job and is about to run its handler. */
export interface StartEvent<P> {
  /** The job. With a store, the pool's copy of it, as claimed. */
  readonly job: Job<P>;
  /** The worker that runs it, now `'busy'`. */
  readonly worker: Worker<P>;
  /**
   * How long the job waited for a worker, in milliseconds: since its submit
   * was called (backpressure included); with a store, since it was due (its
   * submit in this process, or the end of its retry's backoff). Undefined
   * when this pool did not see it become due: a stored job another process
   * submitted, or one submitted before this process started.
   */
  readonly queueWaitMs: number | undefined;
}

/** FinishEvent tells {@link PoolObserver.finish} that a job's handler returned in time: it counts as completed. */
export interface FinishEvent<P> extends StartEvent<P> {
  /** How long its handler ran, in milliseconds. */
  readonly runMs: number;
}

/** FailEvent tells {@link PoolObserver.fail} that a job failed: its handler threw or rejected, or its context ended first. */
export interface FailEvent<P> extends FinishEvent<P> {
  /** What the handler threw or rejected with, or the context's error. */
  readonly error: unknown;
  /**
   * With a store: `'retry'` (it runs again after its backoff; a
   * {@link RetryEvent} follows), `'dead'` (out of attempts, or past its
   * deadline: kept as dead), or undefined when this pool no longer holds
   * its lease (another claimer has it). Without a store, always undefined.
   */
  readonly fate: 'retry' | 'dead' | undefined;
}

/** RetryEvent tells {@link PoolObserver.retry} that a stored job failed and will run again. */
export interface RetryEvent<P> {
  /** The job that failed. */
  readonly job: Job<P>;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** How long until it is due again, in milliseconds (the backoff). */
  readonly delayMs: number;
}

/** ShutdownEvent tells {@link PoolObserver.shutdown} that the pool has shut down. */
export interface ShutdownEvent<P> {
  /** What shutdown resolves with. */
  readonly report: ShutdownReport<P>;
  /** From the first call to shutdown (or the context's cancellation) to the report, in milliseconds. */
  readonly durationMs: number;
}

/**
 * PoolObserver is told of each job's moves through a {@link WorkerPool},
 * with their timings, for metrics, logs and dashboards: the `observer`
 * option. Go's pools leave this to the handler's own logging; a pool that
 * has an observer times what the handler cannot see (the wait in the queue).
 *
 * Every method is optional and called synchronously, in the pool's own
 * course: it must be quick and must not throw (an error it throws is logged
 * with `console.error` and ignored). The event objects are fresh, the jobs
 * and workers the pool's own: read them, do not change them.
 *
 * @typeParam P - The jobs' payload.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool<string>({
 *   workers: 4,
 *   handler: async (job) => console.log(job.payload),
 *   observer: {
 *     finish: ({ job, worker, queueWaitMs, runMs }) => console.log(job.id, worker.id, queueWaitMs, runMs),
 *     fail: ({ job, error }) => console.error(job.id, error),
 *   },
 * });
 * ```
 */
export interface PoolObserver<P = unknown> {
  /** submit: a job was accepted (for a submit that waited for room, possibly just after its `start`). */
  submit?(event: SubmitEvent<P>): void;
  /** start: a worker took a job; its handler is called next. */
  start?(event: StartEvent<P>): void;
  /** finish: a job's handler returned in time. */
  finish?(event: FinishEvent<P>): void;
  /** fail: a job failed (a cut-off job is neither finished nor failed: the shutdown report lists it). */
  fail?(event: FailEvent<P>): void;
  /** retry: with a store, a failed job will run again; called after its `fail`. */
  retry?(event: RetryEvent<P>): void;
  /** shutdown: the pool has shut down; nothing is announced after it. */
  shutdown?(event: ShutdownEvent<P>): void;
}

/**
 * MAX_TRACKED bounds the submit times kept for stored jobs: with several
 * processes on one store, a job submitted here may start elsewhere, and its
 * time would stay forever. Past it the oldest is forgotten (its queue wait
 * is then unknown).
 */
const MAX_TRACKED = 100_000;

/** The clock: monotonic where there is one (Node, Deno, Bun and browsers all have `performance`). */
const now: () => number = typeof performance === 'object' ? () => performance.now() : () => Date.now();

/**
 * Observation is the pool's side of an observer: it keeps the times the
 * events need and calls the observer. It exists only when there is one.
 */
export class Observation<P> {
  readonly #observer: PoolObserver<P>;
  /** Without a store, jobs are told apart by object (ids need not be unique); with one, by id (the store's key). */
  readonly #byId: boolean;
  /** When each job waiting for a worker became due: set at submit (or retry), taken at start. */
  readonly #due = new Map<unknown, number>();
  /** Per worker (by id), its job's due time (NaN: unknown), set at start: two arrays of numbers, no object per job. */
  readonly #dueOf: number[] = [];
  /** Per worker (by id), when its handler was called, set at start. */
  readonly #startedAt: number[] = [];
  /** When shutdown began, once it has. */
  #stopping: number | undefined = undefined;

  constructor(observer: PoolObserver<P>, stored: boolean) {
    this.#observer = observer;
    this.#byId = stored;
  }

  /**
   * submitted times a submit that `#submit` has just returned (no worker can
   * have started the job yet: that takes a microtask), and tells the
   * observer once it is accepted: at once when `queued` (it found room),
   * else when `submitting` resolves. A refused one is forgotten.
   */
  submitted(job: Job<P>, submitting: Promise<SubmitResult>, queued: boolean): Promise<SubmitResult> {
    const called = now();
    const key = this.#byId ? job.id : job;
    // A second submit of the same object (or, with a store, id) while the first waits keeps the first's time.
    const known = this.#due.has(key);
    if (!known) this.#track(key, called);
    if (queued) {
      if (this.#observer.submit !== undefined) this.#call('submit', { job, result: 'added', waitedMs: 0 });
      return submitting;
    }
    return submitting.then(
      (result) => {
        if (result === 'duplicate' && !known) this.#due.delete(key);
        this.#call('submit', { job, result, waitedMs: now() - called });
        return result;
      },
      (error: unknown) => {
        if (!known) this.#due.delete(key);
        throw error;
      },
    );
  }

  /** trySubmitted tells of a job trySubmit queued. */
  trySubmitted(job: Job<P>): void {
    if (!this.#due.has(job)) this.#track(job, now());
    this.#call('submit', { job, result: 'added', waitedMs: 0 });
  }

  /** start: a worker took `job`. */
  start(job: Job<P>, worker: Worker<P>): void {
    const started = now();
    const key = this.#byId ? job.id : job;
    const due = this.#due.get(key);
    if (due !== undefined) this.#due.delete(key);
    this.#dueOf[worker.id] = due ?? NaN;
    this.#startedAt[worker.id] = started;
    if (this.#observer.start !== undefined) this.#call('start', { job, worker, queueWaitMs: waited(started, due ?? NaN) });
  }

  /** finish: `job`'s handler returned in time. */
  finish(job: Job<P>, worker: Worker<P>): void {
    // Nothing to time for an observer that does not listen (one clock read and an event saved per job).
    if (this.#observer.finish === undefined) return;
    const started = this.#startedAt[worker.id]!;
    this.#call('finish', { job, worker, queueWaitMs: waited(started, this.#dueOf[worker.id]!), runMs: now() - started });
  }

  /** fail: `job` failed; with a store, `fate` is the feed's verdict, and a retry is due at `retryAt` (epoch ms). */
  fail(job: Job<P>, worker: Worker<P>, error: unknown, fate: number | 'dead' | undefined): void {
    const retry = typeof fate === 'number';
    if (this.#observer.fail !== undefined) {
      const started = this.#startedAt[worker.id]!;
      this.#call('fail', { job, worker, queueWaitMs: waited(started, this.#dueOf[worker.id]!), runMs: now() - started, error, fate: retry ? 'retry' : fate });
    }
    if (!retry) return;
    const delayMs = Math.max(0, fate - Date.now());
    this.#track(job.id, now() + delayMs);
    this.#call('retry', { job, attempt: job.attempt ?? 1, delayMs });
  }

  /** stopping: shutdown was called (the first time). */
  stopping(): void {
    this.#stopping ??= now();
  }

  /** shutdown: the report is made. */
  shutdown(report: ShutdownReport<P>): void {
    this.#due.clear();
    this.#call('shutdown', { report, durationMs: now() - (this.#stopping ?? now()) });
  }

  #track(key: unknown, due: number): void {
    if (this.#due.size >= MAX_TRACKED) this.#due.delete(this.#due.keys().next().value);
    this.#due.set(key, due);
  }

  #call<K extends keyof PoolObserver<P>>(name: K, event: Parameters<NonNullable<PoolObserver<P>[K]>>[0]): void {
    const method = this.#observer[name] as ((event: unknown) => void) | undefined;
    if (method === undefined) return;
    try {
      method.call(this.#observer, event);
    } catch (error) {
      console.error(`pool: the observer's ${name} threw:`, error);
    }
  }
}

/** The wait from `due` to `started`, undefined when `due` is unknown (NaN); never negative (a retry may start a little early). */
function waited(started: number, due: number): number | undefined {
  return Number.isNaN(due) ? undefined : Math.max(0, started - due);
}
