import { Channel, Timer, describe, pace, recv, select } from '@gochan/channel';
import { DeadlineExceeded, afterFunc, background, withCancel, type CancelFunc, type Context } from '@gochan/context';
import { WaitGroup } from '@gochan/waitgroup';
import { PoolClosedError } from './errors.js';
import { JobContext } from './job-context.js';
import type { ErrorHandler, Handler, Job } from './job.js';
import { checkJob, checkTimeout, resolveOptions, type PayloadCodec, type PoolOptions } from './options.js';
import { workerStats, type PoolStats, type ShutdownReport } from './stats.js';
import { Metrics, type PoolMetrics, type Stamped } from './metrics.js';
import { Observation } from './observer.js';
import { StoreFeed } from './store-feed.js';
import type { SubmitResult } from './store.js';
import { Runs } from './runs.js';
import { PoolWorker, type Worker } from './worker.js';

/*
 * The pool is the articles' worker pool, built from the same parts:
 *
 *   jobs    a Channel<Job> of capacity queueSize     make(chan Job, 100)
 *   workers loops ranging over it                    for job := range jobs
 *   wg      a WaitGroup counting the loops           wg.Add(1) ... defer wg.Done()
 *   ctx     a Context, child of options.ctx          ctx, cancel := context.WithCancel(parent)
 *
 * and shut down the way the first article advises: close(jobs), then
 * wg.Wait() bounded by a select on a timeout.
 *
 * With a store (options.store), the jobs wait in the store instead, and a
 * feeder (store-feed.ts) claims them into the channel, which then holds only
 * the prefetched few; the workers are the same loops. Its outcomes and the
 * shutdown's unfinished jobs are written back to the store.
 *
 * Invariants:
 *  - At most `workers` handlers run at any time: a worker takes its next job
 *    only after its handler's promise settles, late deadlines included.
 *  - Every job a worker receives ends exactly once: counted completed,
 *    counted failed, or listed in the shutdown report's `unfinished` (cut
 *    off, or never started). Without a store that is every job the pool
 *    accepted. A job cut off changes no counter, whatever its handler does.
 *  - Once shutdown has begun or the context is cancelled, no job is
 *    accepted: the channel is closed (by the feeder, with a store), and
 *    submit checks before sending.
 *  - Once the context is cancelled, no job is started: a worker that
 *    receives one sets it aside for the report and stops.
 */

export { CANCEL_GRACE_MS } from './grace.js';

/** A promise resolved at once, shared: a submit that finds room allocates nothing. */
const ADDED: Promise<SubmitResult> = Promise.resolve('added');

/**
 * WorkerPool runs jobs on a fixed number of workers that take them from a
 * bounded queue: the worker pool the articles write in Go. A spike in submissions makes
 * `submit` wait (backpressure) instead of growing memory; `shutdown` stops
 * taking jobs, lets the workers drain the queue, and bounds that wait with a
 * timeout after which it cancels the jobs still running and reports what did
 * not finish.
 *
 * @typeParam P - The jobs' payload.
 * @typeParam R - What the handler returns, and `run` resolves with.
 *
 * @example
 * ```ts
 * import { WorkerPool } from '@gochan/pool';
 *
 * const pool = new WorkerPool<number, number>({
 *   workers: 3,
 *   handler: async (job, ctx, worker) => {
 *     console.log(`Worker ${worker.id} started job ${job.id}`);
 *     await new Promise((resolve) => setTimeout(resolve, 50));
 *     return job.payload * 2;
 *   },
 * });
 * for (let j = 1; j <= 5; j++) await pool.submit({ id: String(j), payload: j });
 * console.log(await pool.run({ id: '6', payload: 21 })); // 42
 * const report = await pool.shutdown({ timeout: 1_000 });
 * console.log(report.stats.completed); // 6
 * ```
 */
export class WorkerPool<P, R = void> implements AsyncDisposable {
  /** The workers, id 1 to `workers`; their state changes as they work. */
  readonly workers: readonly Worker<P>[];

  /**
   * The queue: jobs submitted (with a store: claimed) and not yet taken by a
   * worker. Closed once, by #stop() or the feeder. It carries Stamped jobs
   * when #stamps (an observed pool without a store), else the jobs.
   */
  readonly #jobs: Channel<Job<P> | Stamped<P>>;
  readonly #stamps: boolean;
  /** No store and no observer: the queue carries the jobs themselves, and no one is told of them. */
  readonly #direct: boolean;
  /** The store's feeder, when there is a store. */
  readonly #feed: StoreFeed<P> | undefined;
  /** Counts the worker loops still running; zero once they have all returned. */
  readonly #wg: WaitGroup = new WaitGroup();
  /** The pool's context, child of options.ctx: cancelled past the shutdown timeout, or with its parent. */
  readonly #ctx: Context;
  readonly #cancel: CancelFunc;
  readonly #handler: Handler<P, R>;
  /** With a module handler: the hand-off to the worker's goroutines on threads (thread-handler.ts), ended by the report. */
  readonly #threaded: { close(): Promise<void> } | undefined;
  /** How long handlers have to return once cut off (the `cancelGraceMs` option). */
  readonly #grace: number;
  readonly #onError: ErrorHandler<P>;
  /** Tells the `observer` option of the jobs' moves; undefined without one, and then nothing is timed. */
  readonly #observation: Observation<P> | undefined;
  /** The same objects as `workers`, writable. */
  readonly #workers: PoolWorker<P>[];

  /** The counters (completed, failed, ...) and the sampled timings: see metrics.ts. */
  readonly #metrics: Metrics;
  /** Handlers running now. */
  #active = 0;
  /** The outcome waiting for each job submitted with run(), until it is settled. */
  readonly #runs: Runs<P, R> = new Runs();
  /** Jobs a worker received after the context was cancelled: never started, reported. */
  readonly #notStarted: Job<P>[] = [];
  /** Jobs whose handler was running when the shutdown ran out of time: their outcome does not count. */
  readonly #cutOff: Set<Job<P>> = new Set();
  /** The shutdown, from its first call (or the context's cancellation) on. */
  #shutdown: Promise<ShutdownReport<P>> | undefined = undefined;
  /** Set when the report is made: outcomes arriving later are ignored (the report lists those jobs). */
  #reported = false;

  /**
   * Starts `workers` workers on a queue of `queueSize` jobs: Go's
   * `startWorkers(n)`. They wait for jobs at once.
   *
   * @throws TypeError or RangeError, naming the option and the value
   *   received, for a `workers` that is not a positive integer, a negative or
   *   fractional `queueSize`, a `handler` or `onError` that is not a
   *   function, or a `ctx` that is not a Context.
   */
  constructor(options: PoolOptions<P, R> & PayloadCodec<P>) {
    const { workers, queueSize, handler, threaded, cancelGraceMs, ctx, onError, stored, observer, metrics } = resolveOptions(options);
    this.#observation = observer === undefined ? undefined : new Observation(observer);
    this.#metrics = new Metrics(workers, metrics);
    this.#stamps = observer !== undefined && stored === undefined;
    this.#direct = observer === undefined && stored === undefined;
    this.#handler = handler;
    this.#threaded = threaded;
    this.#grace = cancelGraceMs;
    this.#onError = onError;
    this.#jobs = new Channel<Job<P> | Stamped<P>>(stored === undefined ? queueSize : stored.prefetch);
    // With a store the queue carries jobs only (nothing is stamped): the feeder's channel is this one.
    const claimed = this.#jobs as Channel<Job<P>>;
    this.#feed =
      stored === undefined ? undefined : new StoreFeed({ ...stored, jobs: claimed, hold: workers + stored.prefetch, batch: Math.max(1, Math.ceil(stored.prefetch / 2)), queueSize });
    [this.#ctx, this.#cancel] = withCancel(ctx ?? background());
    this.#workers = [];
    for (let id = 1; id <= workers; id++) {
      const worker = new PoolWorker<P>(id);
      this.#workers.push(worker);
      this.#wg.add(1);
      void this.#work(worker);
    }
    this.workers = this.#workers;
    // A cancelled parent stops the pool: the shutdown's wait ends at once on ctx.done().
    afterFunc(this.#ctx, () => void this.shutdown());
  }

  /**
   * submit queues a job, Go's `jobs <- job`. It resolves once the job is in
   * the queue, at once while the queue has room; when it is full it waits
   * for a worker to take a job (backpressure).
   *
   * With a store it resolves once the job is durable in the store (while
   * the store holds `queueSize` waiting jobs it waits first), with
   * `'duplicate'` instead of `'added'` if a job of that id is already waiting
   * or running there: then nothing was added.
   *
   * @param signal - Aborting it while the submit waits for room withdraws
   *   the job: the promise rejects with `signal.reason` and the job will not
   *   run. (With a store, once the job is on its way into the store, the
   *   add goes through.)
   * @returns `'added'`, or with a store `'duplicate'`.
   * @throws PoolClosedError (as a rejection) once shutdown has begun or the
   *   pool's context is cancelled, including for a submit that was waiting.
   * @throws TypeError or RangeError (as a rejection) for a job that is not an
   *   object with an `id` of 1 to MAX_JOB_ID_LENGTH characters, or whose
   *   `ctx` is not a Context, or (with a store) whose payload the codec
   *   cannot encode.
   */
  submit(job: Job<P>, signal?: AbortSignal): Promise<SubmitResult> {
    const refused = this.#refuse(job);
    if (refused !== undefined) return Promise.reject(refused);
    if (this.#observation === undefined) return this.#submit(job, signal);
    return this.#submitObserved(job, signal, this.#observation);
  }

  /**
   * submit's part past the checks for an observed pool: the job travels
   * with its submit time, and is announced once queued. A method of its own
   * so that submit captures nothing: a closure in it would make every
   * submit allocate a context, observed or not.
   */
  #submitObserved(job: Job<P>, signal: AbortSignal | undefined, observation: Observation<P>): Promise<SubmitResult> {
    if (this.#feed !== undefined) return observation.storedSubmit(job, this.#metrics.storedSubmit(job.id, this.#feed.submit(job, signal)));
    const stamped = observation.stamp(job, this.#metrics.sample());
    const sent = this.#send(stamped, signal);
    // Queued at once: announced now, with no promise per job; else once the send resolves.
    return sent === ADDED ? (observation.queued(stamped, false), ADDED) : sent.then(() => observation.queued(stamped, true));
  }

  /** submit's part past the checks for a pool without an observer: into the store, or into the channel (a sampled job's time kept aside). */
  #submit(job: Job<P>, signal: AbortSignal | undefined): Promise<SubmitResult> {
    if (this.#feed !== undefined) return this.#metrics.storedSubmit(job.id, this.#feed.submit(job, signal));
    const sampled = this.#metrics.sampleJob(job);
    const sent = this.#send(job, signal);
    return !sampled || sent === ADDED ? sent : this.#metrics.forgetIfRefused(job, sent);
  }

  /** Into the channel: at once while it has room (counted there), else once a worker makes room (counted by the send's `.then`). */
  #send(item: Job<P> | Stamped<P>, signal: AbortSignal | undefined): Promise<SubmitResult> {
    if ((signal === undefined || !signal.aborted) && this.#jobs.trySend(item)) {
      this.#metrics.submitted++;
      return ADDED;
    }
    return this.#metrics.counted(this.#jobs.send(item, signal));
  }

  /**
   * trySubmit queues a job only if that can happen now, Go's
   * `select { case jobs <- job: default: }`.
   *
   * @returns true if the job was queued; false if the queue is full, or
   *   shutdown has begun, or the pool's context is cancelled.
   * @throws TypeError or RangeError for a job that submit would refuse as
   *   such, and TypeError with a store, where no job is queued at once (it
   *   is durable only once a submit resolves).
   */
  trySubmit(job: Job<P>): boolean {
    if (this.#feed !== undefined) throw new TypeError('trySubmit needs a pool without a store: a stored job is accepted only once submit() resolves');
    const refused = this.#refuse(job);
    if (refused instanceof TypeError || refused instanceof RangeError) throw refused;
    if (refused !== undefined) return false;
    const stamped = this.#observation?.stamp(job, this.#metrics.sample());
    const sampled = stamped === undefined ? this.#metrics.sampleJob(job) : stamped.sampled;
    if (!this.#jobs.trySend(stamped ?? job)) {
      if (sampled) this.#metrics.forget(job);
      return false;
    }
    this.#metrics.submitted++;
    this.#observation?.trySubmitted(job);
    return true;
  }

  /**
   * run submits a job (waiting while the queue is full, as submit does) and
   * resolves with its handler's result, or rejects with its error. Its
   * failures go to the caller, not to `onError`.
   *
   * @throws PoolClosedError (as a rejection) if the job was not accepted, or
   *   the shutdown left it unfinished (never started, or still running when
   *   the grace period ended).
   * @throws DeadlineExceeded (as a rejection) if the job's deadline passed
   *   before its handler returned, whatever the handler returned.
   * @throws TypeError (as a rejection) with a store: a stored job may run in
   *   another process, or after this one restarts, so no caller here can
   *   wait for its result; submit it.
   */
  run(job: Job<P>, signal?: AbortSignal): Promise<R> {
    if (this.#feed !== undefined) {
      return Promise.reject(new TypeError('run() needs a pool without a store: a stored job may finish in another process; use submit()'));
    }
    if (this.#runs.has(job)) {
      return Promise.reject(new TypeError(`Job ${describe(job.id)} is already waiting for its result: submit a new job object`));
    }
    const result = this.#runs.wait(job);
    return this.submit(job, signal).then(
      () => result,
      (error: unknown) => {
        this.#runs.delete(job);
        throw error;
      },
    );
  }

  /**
   * shutdown stops the pool gracefully, as the first article's shutdown:
   * close the jobs channel so no job is accepted, let the workers drain the
   * queue, and wait for them, with the wait bounded by `timeout`. Past the
   * timeout it cancels the pool's context (the running handlers see it),
   * waits up to the `cancelGraceMs` option ({@link CANCEL_GRACE_MS} by
   * default) more for them to return, and reports
   * the jobs that did not finish. A cancelled parent context ends the wait
   * the same way.
   *
   * It can be called any number of times: every call resolves with the same
   * report (the first call's timeout applies). It never rejects.
   *
   * @param options.timeout - How long to wait for the queue to drain, in
   *   milliseconds; omitted or Infinity: as long as it takes.
   * @throws TypeError or RangeError (synchronously) for a `timeout` that is
   *   not a non-negative number.
   */
  shutdown(options: { timeout?: number | undefined } = {}): Promise<ShutdownReport<P>> {
    const timeout = checkTimeout(options?.timeout);
    if (this.#shutdown === undefined) {
      this.#observation?.stopping();
      this.#stop();
      this.#shutdown = this.#shutDown(timeout);
    }
    return this.#shutdown;
  }

  /**
   * stats returns a snapshot of the counters and of each worker's state.
   * The counters are kept as jobs move; the snapshot costs one line per worker.
   */
  stats(): PoolStats {
    const { completed, failed } = this.#metrics;
    const stats: PoolStats = { queued: this.#jobs.length, active: this.#active, completed, failed, workers: workerStats(this.#workers) };
    if (this.#feed !== undefined) stats.store = this.#feed.stats();
    return stats;
  }

  /**
   * metrics reads the pool's counters and its histograms of sampled
   * timings (the `metrics` option): Go's `metrics.Read`, for a scrape.
   * Reading is the only cost; each call returns fresh copies.
   */
  metrics(): PoolMetrics {
    return this.#metrics.read();
  }

  /** Shuts the pool down with no timeout, for `await using pool = new WorkerPool(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  /**
   * One worker: the articles' `for job := range jobs`, with `defer wg.Done()`.
   * The loop ends when the channel is closed and drained, or, once the
   * context is cancelled, at the next job it receives (set aside, unstarted).
   * It never throws: every handler's failure is caught and counted.
   *
   * As in Go, a receive that finds a job waiting takes it without parking:
   * `tryRecv`, then `pace()`, the same fairness to the event loop that
   * `for await` gets from the channel (it yields once a slice of work has
   * run). Only an empty queue costs a trip through the iterator's promise.
   * The loop holds only what must live across its awaits (every await saves
   * and restores the function's registers); the work before and after a job
   * is in #begin and #end, but for a direct pool's job that returned in time,
   * ended here: then what V8 inlines into the loop (at most 920 bytes of
   * bytecode: tryRecv, next, #begin, the handler, #finish) fits, and no call
   * per job is left out of line (bench/RESULTS.md, "Metrics").
   */
  async #work(worker: PoolWorker<P>): Promise<void> {
    const jobs = this.#jobs;
    const range = jobs[Symbol.asyncIterator]();
    try {
      for (;;) {
        let item: Job<P> | Stamped<P>;
        const ready = jobs.tryRecv();
        if (ready !== undefined) {
          if (!ready[1]) break; // closed and drained
          item = ready[0];
          const wait = pace();
          if (wait !== null) await wait;
        } else {
          const next = await range.next();
          if (next.done === true) break;
          item = next.value;
        }
        const job = this.#stamps ? (item as Stamped<P>).job : (item as Job<P>);
        const ctx = this.#begin(job, item, worker);
        if (ctx === undefined) break;
        let ok = false;
        let outcome: unknown; // the handler's result if ok, else the error
        try {
          // A job whose own context ended while it waited in the queue is not started.
          if (ctx !== this.#ctx && ctx.err() !== undefined) throw ctx.err();
          outcome = await this.#handler(job, ctx, worker);
          ok = true;
        } catch (error) {
          outcome = error;
        }
        // Nothing else to tell: no run() waits, and it is neither cut off nor reported (either cancels ctx first).
        if (ok && ctx === this.#ctx && this.#direct && this.#runs.size === 0 && ctx.err() === undefined) {
          this.#finish(worker, ctx);
          this.#metrics.completed++;
        } else this.#end(job, worker, ctx, ok, outcome);
      }
    } finally {
      // Nothing is parked here (every next() was awaited to the end); this ends the range.
      void range.return?.();
      worker.state = 'stopped';
      this.#wg.done();
    }
  }

  /**
   * A worker took `job`: marks it busy and returns the handler's context
   * (the pool's, or merged with the job's own, allocated only then). Once
   * the pool's context is done, it sets the job aside, unstarted, and
   * returns undefined: the worker stops.
   */
  #begin(job: Job<P>, item: Job<P> | Stamped<P>, worker: PoolWorker<P>): Context | undefined {
    if (this.#ctx.err() !== undefined) {
      this.#notStarted.push(job);
      return undefined;
    }
    worker.state = 'busy';
    worker.job = job;
    this.#active++;
    if (this.#direct) this.#metrics.startJob(worker, job);
    else this.#startTracked(job, item, worker);
    return job.ctx === undefined ? this.#ctx : new JobContext(this.#ctx, job.ctx);
  }

  /** #begin's part for a job that came stamped (an observer's) or from a store, kept apart so that the plain path stays small. */
  #startTracked(job: Job<P>, item: Job<P> | Stamped<P>, worker: PoolWorker<P>): void {
    const stamped = item === job ? undefined : (item as Stamped<P>);
    if (stamped === undefined) this.#metrics.startStored(worker.id, job.id);
    else this.#metrics.start(worker.id, stamped.sampled ? stamped.due : NaN);
    this.#observation?.start(job, worker, stamped?.due);
  }

  /** `job`'s handler has settled (`ok`: returned `outcome`; else threw it): frees the worker, then counts and reports it. */
  #end(job: Job<P>, worker: PoolWorker<P>, ctx: Context, ok: boolean, outcome: unknown): void {
    // Past its deadline, a result is too late: the job failed.
    if (ok && ctx.err() === DeadlineExceeded) {
      ok = false;
      outcome = DeadlineExceeded;
    }
    this.#finish(worker, ctx);
    // Cut off by the shutdown: listed in its report, not counted, whatever the handler did.
    if (this.#cutOff.size !== 0 && this.#cutOff.has(job)) return;
    const fate = this.#feed?.settle(job, ok, outcome);
    if (ok) this.#succeed(job, outcome as R, worker);
    else this.#fail(job, worker, outcome, fate);
  }

  /** The handler has returned: its run ends (timed, if sampled); release the job's context and the worker. */
  #finish(worker: PoolWorker<P>, ctx: Context): void {
    this.#metrics.end(worker.id);
    if (ctx !== this.#ctx) (ctx as JobContext).end();
    this.#active--;
    worker.state = 'idle';
    worker.job = undefined;
  }

  /** Counts a completed job and tells run()'s caller. */
  #succeed(job: Job<P>, result: R, worker: PoolWorker<P>): void {
    // Reported unfinished by a shutdown that did not wait for it: its outcome no longer counts.
    if (this.#reported) return;
    this.#metrics.completed++;
    this.#observation?.finish(job, worker);
    if (this.#runs.size !== 0) this.#runs.take(job)?.resolve(result);
  }

  /** Counts a failed job and tells run()'s caller, or else onError. */
  #fail(job: Job<P>, worker: PoolWorker<P>, error: unknown, fate: number | 'dead' | undefined): void {
    if (this.#reported) return;
    this.#metrics.failed++;
    if (fate === 'dead') this.#metrics.dead++;
    else if (fate !== undefined) this.#metrics.retried++;
    this.#observation?.fail(job, worker, error, fate);
    const outcome = this.#runs.size === 0 ? undefined : this.#runs.take(job);
    if (outcome !== undefined) {
      outcome.reject(error);
      return;
    }
    try {
      this.#onError(error, job, worker);
    } catch (thrown) {
      console.error(`pool: onError threw for job ${job.id}:`, thrown);
    }
  }

  /** Why submit must refuse this job, if it must. */
  #refuse(job: Job<P>): Error | undefined {
    const malformed = checkJob(job);
    if (malformed !== undefined) return malformed;
    const err = this.#shutdown === undefined ? this.#ctx.err() : undefined;
    if (this.#shutdown === undefined && err === undefined) return undefined;
    this.#metrics.refused++;
    const why = err === undefined ? 'the pool is shutting down' : `the pool's context is done (${err.message})`;
    return new PoolClosedError(`Cannot submit job ${describe(job.id)}: ${why}`, err === undefined ? undefined : { cause: this.#ctx.cause() });
  }

  /**
   * Stops taking jobs: close(jobs). Waiting submits reject; the workers drain
   * what is queued. With a store, the feeder stops claiming and closes the
   * channel itself (it is its only sender).
   */
  #stop(): void {
    if (this.#feed !== undefined) this.#feed.stop();
    else if (!this.#jobs.closed) this.#jobs.close();
  }

  /** The shutdown proper, after #stop(): wait, cancel past the timeout, report. Never rejects. */
  async #shutDown(timeout: number | undefined): Promise<ShutdownReport<P>> {
    // The first article's tip: wg.Wait() in a select with a timeout. Go:
    //   stopped := make(chan struct{}); go func() { wg.Wait(); close(stopped) }()
    //   select { case <-stopped: case <-ctx.Done(): case <-time.After(timeout): }
    const stopped = new Channel<void>();
    void this.#wg.wait().then(() => stopped.close());
    // Go: timer := time.NewTimer(timeout); defer timer.Stop()
    const timer = timeout === undefined ? undefined : new Timer(timeout);
    const [index] = await select([recv(stopped), recv(this.#ctx.done()), timer === undefined ? null : recv(timer.c)]);
    timer?.stop();
    const timedOut = index === 2 && this.#wg.count > 0;
    if (index !== 0) {
      // Out of time (or cancelled from above): the jobs running now are cut
      // off; cancel them, and give their handlers a bounded moment to return.
      for (const worker of this.#workers) if (worker.job !== undefined) this.#cutOff.add(worker.job), this.#metrics.cut(worker.id);
      this.#cancel();
      const grace = new Timer(this.#grace);
      await select([recv(stopped), recv(grace.c)]);
      grace.stop();
    }
    return this.#report(timedOut);
  }

  /**
   * Lists the jobs that did not finish (those still running, those set
   * aside unstarted, those left in the queue), settles their run() callers,
   * and freezes the counters into the report.
   */
  async #report(timedOut: boolean): Promise<ShutdownReport<P>> {
    const cutOff = [...this.#cutOff];
    const notStarted = [...this.#notStarted];
    if (this.#feed !== undefined) await this.#feed.fed; // the feeder has closed the channel
    for (let next = this.#jobs.tryRecv(); next !== undefined && next[1]; next = this.#jobs.tryRecv()) {
      const item = next[0];
      notStarted.push(this.#stamps ? (item as Stamped<P>).job : (item as Job<P>));
    }
    const unfinished = [...cutOff, ...notStarted];
    this.#reported = true;
    this.#metrics.cutOff += cutOff.length;
    this.#metrics.clear();
    // Go's `defer cancel()`: release the context, and with it its link to the parent.
    this.#cancel();
    for (const job of unfinished) {
      this.#runs.take(job)?.reject(new PoolClosedError(`Job ${describe(job.id)} did not finish: the pool shut down`));
    }
    // Back to the store, ready at once for the next process; then wait for every write.
    if (this.#feed !== undefined) await this.#feed.release(unfinished).close();
    await this.#threaded?.close();
    const report = { timedOut, unfinished, cutOff, notStarted, stats: this.stats() };
    this.#observation?.shutdown(report);
    return report;
  }
}
