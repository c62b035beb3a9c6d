import { Channel, describe } from '@gochan/channel';
import { afterFunc, type Context } from '@gochan/context';
import type { Goroutine } from '@gochan/threads';
import { markCrash } from './crash.js';
import { PoolClosedError } from './errors.js';
import { JobContext } from './job-context.js';
import type { Job } from './job.js';
import { unwireError, type ThreadJob, type ThreadOutcome, type WireError } from './thread-wire.js';
import type { Worker } from './worker.js';

/*
 * ThreadHandOff is what a pool whose handler is a module runs as its
 * handler: the articles' pattern stretched over threads. The pool's workers
 * range over its jobs channel exactly as with a function handler; each
 * worker then hands its job to a goroutine of its own on a thread of
 * @gochan/threads (thread-runner.ts), over two channels of the threads
 * package that live on the pool's thread, and waits for the outcome. In Go:
 *
 *   go func() { for job := range lane.jobs { lane.results <- process(job) } }()  // on a thread
 *   lane.jobs <- job; outcome := <-lane.results                                  // in the worker
 *
 * so `workers` still bounds the jobs in flight, and every guarantee of the
 * pool (backpressure, run(), deadlines, the shutdown report, stats, stores)
 * is the pool's own, on its thread. The job's context crosses as a context
 * of the thread's own: cancelled there (its signal aborts) when it is here.
 *
 * What Go cannot do and a thread can: die alone, or be ended.
 *  - A thread that dies under a job (process.exit, an uncaught error, out of
 *    memory) fails the job with the ThreadExitError, marked as a crash
 *    (crash.ts): with a store the claim is left to run out and the job runs
 *    again; without one it fails with that error. Every job on that thread
 *    goes the same way; the next job of each worker starts a new goroutine,
 *    on a new thread.
 *  - A handler still running `cancelGraceMs` (the pool's option, by default
 *    CANCEL_GRACE_MS) after its context was
 *    cancelled (deadline, job cancelled, pool shut down past its timeout) has
 *    its thread ended (spawn().terminate()): its own job fails with its
 *    context's error (at shutdown it is in the report's `unfinished`), and
 *    the other jobs on that thread are crashes, as above. Goroutines share
 *    threads: a pool of more workers than threads puts several on one.
 *
 * Invariants:
 *  - A lane (a worker's goroutine and its channels) serves one worker, one
 *    job at a time; `lane.over` is set once its goroutine has ended, and a
 *    worker whose lane has ended gets a new one at its next job.
 *  - Every job handed over ends exactly once: an outcome from the lane, or
 *    the lane's end, which closes both channels (the send throws, the
 *    receive says closed), so no operation per job carries a signal.
 */

/**
 * ThreadLimits are Node's `resourceLimits` for the threads a module handler
 * runs on (the pool's `resourceLimits` option), as `@gochan/threads`'
 * setResourceLimits takes them. Go has no per-thread heap; a handler past
 * these kills its thread alone, and its job fails as a crash.
 */
export interface ThreadLimits {
  /** The main heap's most, in MB. */
  maxOldGenerationSizeMb?: number;
  /** The heap's space for new objects, in MB. */
  maxYoungGenerationSizeMb?: number;
  /** The space for compiled code, in MB. */
  codeRangeSizeMb?: number;
  /** The thread's stack, in MB. */
  stackSizeMb?: number;
}

/** The part of @gochan/threads the hand-off uses. */
interface Threads {
  spawn<R>(module: URL | string, ...args: unknown[]): Goroutine<R>;
  GOMAXPROCS(n?: number): number;
  setResourceLimits(limits: ThreadLimits | undefined): void;
  setNice(increment: number): void;
}

/** The goroutine's module: built JavaScript, also when the pool runs from its sources (tests). */
const RUNNER = new URL(import.meta.url.endsWith('.ts') ? '../dist/thread-runner.js' : './thread-runner.js', import.meta.url);

/** One worker's goroutine on a thread, and the channels to it. */
interface Lane {
  readonly jobs: Channel<ThreadJob<unknown>>;
  readonly results: Channel<ThreadOutcome<unknown>>;
  readonly goroutine: Goroutine<number>;
  /** Set when the goroutine has ended (both channels are then closed), with `reason`: its error, or a note that it returned. */
  over: boolean;
  reason: unknown;
  /** The stop of the watch on the pool's context, registered once per lane. */
  watching: (() => boolean) | undefined;
  /** The job handed over and not yet answered. */
  job: Job<unknown> | undefined;
  /** The grace timer of a job whose context was cancelled. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The job whose ignored cancellation ended the thread. */
  culprit: Job<unknown> | undefined;
  /** The context the goroutine last received: sent again only when it changes. */
  ctx: Context | undefined;
}

export class ThreadHandOff<P, R> {
  readonly #url: string;
  readonly #threads: number | undefined;
  readonly #limits: ThreadLimits | undefined;
  readonly #nice: number | undefined;
  readonly #grace: number;
  #loaded: Threads | undefined = undefined;
  #loading: Promise<Threads> | undefined = undefined;
  /** By worker id - 1. */
  readonly #lanes: (Lane | undefined)[] = [];
  #closed = false;

  /** The pool's handler: hands the job to the worker's goroutine and returns its outcome. */
  readonly handler = (job: Job<P>, ctx: Context, worker: Worker<P>): Promise<R> => this.#run(job as Job<unknown>, ctx, worker.id) as Promise<R>;

  /**
   * @param url - The handler's module, checked (options.ts).
   * @param threads - GOMAXPROCS to set when the threads package loads, if given.
   * @param limits - resourceLimits for the threads started from then on, if given.
   * @param nice - setNice's increment for the threads started from then on, if given.
   * @param grace - How long a handler may run on once its job's context is cancelled before its thread is ended, in ms.
   */
  constructor(url: string, threads: number | undefined, limits: ThreadLimits | undefined, nice: number | undefined, grace: number) {
    this.#url = url;
    this.#threads = threads;
    this.#limits = limits;
    this.#nice = nice;
    this.#grace = grace;
  }

  async #run(job: Job<unknown>, ctx: Context, workerId: number): Promise<unknown> {
    if (this.#closed) throw new PoolClosedError(`Job ${describe(job.id)} was not handed to a thread: the pool shut down`);
    let threads = this.#loaded;
    if (threads === undefined) {
      threads = await this.#load();
      // Asked again: the pool may have shut down while @gochan/threads loaded
      // (a first job, cut off at once). A lane opened now would outlive close(),
      // and its grace timer would end a thread that another pool's jobs use.
      if (this.#closed) throw new PoolClosedError(`Job ${describe(job.id)} was not handed to a thread: the pool shut down while @gochan/threads loaded`);
    }
    const kept = this.#lanes[workerId - 1];
    const lane = kept === undefined || kept.over ? (this.#lanes[workerId - 1] = this.#open(threads, workerId)) : kept;
    lane.job = job;
    // The grace period's watch: on the pool's context once per lane (it is every such job's), else per job.
    let stop: (() => boolean) | undefined;
    if (ctx instanceof JobContext) stop = afterFunc(ctx, () => this.#cancelled(lane, job, ctx));
    else lane.watching ??= afterFunc(ctx, () => lane.job !== undefined && this.#cancelled(lane, lane.job, ctx));
    let outcome: ThreadOutcome<unknown> | undefined;
    try {
      // The lane's end closes both channels: the send throws, or the receive says closed.
      // The context crosses once per lane while it stays the same (the pool's, for jobs without their own).
      const same = ctx === lane.ctx;
      lane.ctx = ctx;
      await lane.jobs.send([job.id, job.payload, job.attempt, same ? null : ctx]);
      outcome = (await lane.results.recv())[0];
    } catch (error) {
      if (!lane.over) throw error;
    } finally {
      stop?.();
      if (lane.timer !== undefined) clearTimeout(lane.timer);
      lane.timer = undefined;
      lane.job = undefined;
    }
    if (outcome !== undefined) {
      if (outcome[0]) return outcome[1];
      // A job that could not cross took its context with it: the next job sends its own.
      lane.ctx = undefined;
      throw this.#error(outcome[1], ctx);
    }
    const reason = lane.reason;
    if (lane.culprit === job) throw ctx.err() ?? reason;
    // The thread died under the job: a crash, as a process's death is.
    if (reason instanceof Error && reason.name === 'ThreadExitError') throw markCrash(reason);
    throw reason;
  }

  /** Loads @gochan/threads, once, and applies `threads`, `resourceLimits` and `nice`. */
  #load(): Promise<Threads> {
    this.#loading ??= import('@gochan/threads').then(
      (module) => {
        const threads = module as unknown as Threads;
        if (this.#threads !== undefined) threads.GOMAXPROCS(this.#threads);
        if (this.#limits !== undefined) threads.setResourceLimits(this.#limits);
        if (this.#nice !== undefined) threads.setNice(this.#nice);
        return (this.#loaded = threads);
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw new TypeError(`pool: a handler given as a module runs on @gochan/threads, which did not load here: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      },
    );
    return this.#loading;
  }

  /** Starts worker `workerId`'s goroutine, with its two channels. */
  #open(threads: Threads, workerId: number): Lane {
    const jobs = new Channel<ThreadJob<unknown>>();
    const results = new Channel<ThreadOutcome<unknown>>();
    const goroutine = threads.spawn<number>(RUNNER, this.#url, workerId, jobs, results);
    const lane: Lane = { jobs, results, goroutine, over: false, reason: undefined, job: undefined, timer: undefined, culprit: undefined, ctx: undefined, watching: undefined };
    const end = (reason: unknown): void => {
      lane.over = true;
      lane.reason = reason;
      lane.watching?.();
      // Wakes a worker waiting on either channel: the job's outcome is then the lane's end.
      if (!jobs.closed) jobs.close();
      results.close();
    };
    void goroutine.result.then(
      () => end(new Error(`pool: worker ${workerId}'s goroutine returned`)),
      end,
    );
    return lane;
  }

  /** The job's context was cancelled: if the handler has not returned within the grace period, its thread is ended. */
  #cancelled(lane: Lane, job: Job<unknown>, ctx: Context): void {
    if (lane.job !== job || lane.timer !== undefined) return;
    lane.timer = setTimeout(() => {
      if (lane.job !== job || lane.over) return;
      lane.culprit = job;
      const why = `the handler of job ${describe(job.id)} did not return within ${this.#grace} ms of its context's cancellation (${ctx.err()?.message ?? 'cancelled'})`;
      console.error(`pool: ${why}: its thread ${lane.goroutine.thread ?? '?'} is ended, and the jobs running beside it there crash`);
      void lane.goroutine.terminate(new Error(why));
    }, this.#grace);
  }

  /** The handler's error; its context's own error when that is what it threw (DeadlineExceeded is compared by identity). */
  #error(wire: WireError, ctx: Context): Error {
    const err = ctx.err();
    if (err !== undefined && wire.name === err.name && wire.message === err.message) return err;
    return unwireError(wire);
  }

  /**
   * close ends every goroutine: it closes the channels of those waiting for
   * a job (they return), ends the threads of those still running one (cut
   * off by the shutdown, and past the grace period), and waits for them all.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const lanes = this.#lanes.filter((lane): lane is Lane => lane !== undefined);
    for (const lane of lanes) {
      if (lane.over) continue;
      if (lane.job === undefined) lane.jobs.close();
      else void lane.goroutine.terminate(new Error(`the pool shut down while job ${describe(lane.job.id)}'s handler still ran, past the grace period`));
    }
    await Promise.allSettled(lanes.map((lane) => lane.goroutine.result));
  }
}
