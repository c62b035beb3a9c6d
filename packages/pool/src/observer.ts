import type { Job } from './job.js';
import type { ShutdownReport } from './stats.js';
import type { SubmitResult } from './store.js';
import type { Worker } from './worker.js';
import { describe } from '@gochan/channel';
import { Stamped, now } from './metrics.js';

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
 * and workers the pool's own: read them, do not change them. The pool
 * reads the methods once, when it is made (a method that is there but not
 * a function is a TypeError then); it times only what a method listens for.
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

/*
 * The clock and the queue's envelope, Stamped, are the metrics' (metrics.ts):
 * an observed pool without a store stamps every job with its submit time,
 * which travels with the job through the channel instead of waiting in a map
 * keyed by the job (one small object per job, no hashing; two submits of one
 * job object are timed apart).
 */

/** An observer's method, bound to it, or undefined when it has none. */
type Listener<E> = ((event: E) => void) | undefined;

/**
 * Observation is the pool's side of an observer: it keeps the times the
 * events need and calls the observer. It exists only when there is one.
 *
 * The observer's methods are read once, here: methods added to it later are
 * not called (as with an event emitter, a listener is registered, not looked
 * up on every event).
 */
export class Observation<P> {
  readonly #submit: Listener<SubmitEvent<P>>;
  readonly #start: Listener<StartEvent<P>>;
  readonly #finish: Listener<FinishEvent<P>>;
  readonly #fail: Listener<FailEvent<P>>;
  readonly #retry: Listener<RetryEvent<P>>;
  readonly #shutdown: Listener<ShutdownEvent<P>>;
  /**
   * With a store, when each job waiting for a worker became due (its
   * submit here, or the end of its retry's backoff), by id (the store's
   * key): set then, taken at start. Without a store the time travels with
   * the job (Stamped) and this stays empty.
   */
  readonly #due = new Map<string, number>();
  /** Whether a job's run is timed: only when `finish` or `fail` listens. */
  readonly #timesRuns: boolean;
  /** Per worker (by id), its job's due time (NaN: unknown), set at start: two arrays of numbers, no object per job. */
  readonly #dueOf: number[] = [];
  /** Per worker (by id), when its handler was called, set at start. */
  readonly #startedAt: number[] = [];
  /** When shutdown began, once it has. */
  #stopping: number | undefined = undefined;

  constructor(observer: PoolObserver<P>) {
    this.#submit = listener(observer, 'submit');
    this.#start = listener(observer, 'start');
    this.#finish = listener(observer, 'finish');
    this.#fail = listener(observer, 'fail');
    this.#retry = listener(observer, 'retry');
    this.#shutdown = listener(observer, 'shutdown');
    this.#timesRuns = this.#finish !== undefined || this.#fail !== undefined;
  }

  /** stamp wraps a job for the queue of a pool without a store, stamped with the time now: its submit is being called. `sampled`: whether the metrics time it too. */
  stamp(job: Job<P>, sampled: boolean): Stamped<P> {
    return new Stamped(job, now(), sampled);
  }

  /**
   * queued tells the observer that a timed job is in the queue: its submit
   * resolves with `'added'`. `waited`: whether the submit waited for room
   * (else it waited 0 ms, and no clock is read).
   */
  queued(timed: Stamped<P>, waited: boolean): 'added' {
    if (this.#submit !== undefined) emit(this.#submit, 'submit', { job: timed.job, result: 'added', waitedMs: waited ? now() - timed.due : 0 });
    return 'added';
  }

  /**
   * storedSubmit times the submit of a job into a store, and tells the
   * observer once it resolves. The time is kept by id, since the job
   * reaches a worker through the store and the feeder, as a copy. A second
   * submit of an id that is waiting keeps the first's time; a duplicate or
   * refused one is forgotten, and a refused one is not announced.
   */
  storedSubmit(job: Job<P>, submitting: Promise<SubmitResult>): Promise<SubmitResult> {
    const called = now();
    const known = this.#due.has(job.id);
    if (!known) this.#track(job.id, called);
    return submitting.then(
      (result) => {
        if (result === 'duplicate' && !known) this.#due.delete(job.id);
        if (this.#submit !== undefined) emit(this.#submit, 'submit', { job, result, waitedMs: now() - called });
        return result;
      },
      (error: unknown) => {
        if (!known) this.#due.delete(job.id);
        throw error;
      },
    );
  }

  /** trySubmitted tells of a job trySubmit queued. */
  trySubmitted(job: Job<P>): void {
    if (this.#submit !== undefined) emit(this.#submit, 'submit', { job, result: 'added', waitedMs: 0 });
  }

  /** start: a worker took `job`, which became due at `due` (NaN: unknown; undefined: a stored job, looked up by id). */
  start(job: Job<P>, worker: Worker<P>, due: number | undefined): void {
    if (due === undefined) {
      due = this.#due.get(job.id) ?? NaN;
      this.#due.delete(job.id);
    }
    // Nothing to time when neither start, finish nor fail listens.
    if (this.#start === undefined && !this.#timesRuns) return;
    const started = now();
    if (this.#timesRuns) {
      this.#dueOf[worker.id] = due;
      this.#startedAt[worker.id] = started;
    }
    if (this.#start !== undefined) emit(this.#start, 'start', { job, worker, queueWaitMs: waited(started, due) });
  }

  /** finish: `job`'s handler returned in time. */
  finish(job: Job<P>, worker: Worker<P>): void {
    // Nothing to time for an observer that does not listen (one clock read and an event saved per job).
    if (this.#finish === undefined) return;
    const started = this.#startedAt[worker.id]!;
    emit(this.#finish, 'finish', { job, worker, queueWaitMs: waited(started, this.#dueOf[worker.id]!), runMs: now() - started });
  }

  /** fail: `job` failed; with a store, `fate` is the feed's verdict, and a retry is due at `fate` (epoch ms). */
  fail(job: Job<P>, worker: Worker<P>, error: unknown, fate: number | 'dead' | undefined): void {
    const retry = typeof fate === 'number';
    if (this.#fail !== undefined) {
      const started = this.#startedAt[worker.id]!;
      emit(this.#fail, 'fail', { job, worker, queueWaitMs: waited(started, this.#dueOf[worker.id]!), runMs: now() - started, error, fate: retry ? 'retry' : fate });
    }
    if (!retry) return;
    const delayMs = Math.max(0, fate - Date.now());
    this.#track(job.id, now() + delayMs);
    if (this.#retry !== undefined) emit(this.#retry, 'retry', { job, attempt: job.attempt ?? 1, delayMs });
  }

  /** stopping: shutdown was called (the first time). */
  stopping(): void {
    this.#stopping ??= now();
  }

  /** shutdown: the report is made. */
  shutdown(report: ShutdownReport<P>): void {
    this.#due.clear();
    if (this.#shutdown !== undefined) emit(this.#shutdown, 'shutdown', { report, durationMs: now() - (this.#stopping ?? now()) });
  }

  #track(id: string, due: number): void {
    if (this.#due.size >= MAX_TRACKED) this.#due.delete(this.#due.keys().next().value as string);
    this.#due.set(id, due);
  }
}

/** The observer's method `name`, bound to it; undefined if it has none. */
function listener<P, K extends keyof PoolObserver<P>>(observer: PoolObserver<P>, name: K): Listener<Parameters<NonNullable<PoolObserver<P>[K]>>[0]> {
  const method: unknown = observer[name];
  if (method === undefined) return undefined;
  if (typeof method !== 'function') throw new TypeError(`Expected the observer's \`${name}\` to be a function, got ${describe(method)}`);
  return (method as (event: unknown) => void).bind(observer);
}

/** Calls a listener; an error it throws is logged and otherwise ignored: watching the pool never changes what it does. */
function emit<E>(listener: (event: E) => void, name: string, event: E): void {
  try {
    listener(event);
  } catch (error) {
    console.error(`pool: the observer's ${name} threw:`, error);
  }
}

/** The wait from `due` to `started`, undefined when `due` is unknown (NaN); never negative (a retry may start a little early). */
function waited(started: number, due: number): number | undefined {
  return Number.isNaN(due) ? undefined : Math.max(0, started - due);
}
