import type { Context } from '@gochan/context';
import type { Worker } from './worker.js';

/**
 * Job is one unit of work, the first article's Go `Job` struct: an id for
 * logs and reports, the payload the handler needs, and optionally a context
 * of its own for a per-job deadline or cancellation.
 *
 * @example
 * ```ts
 * const [ctx, cancel] = withTimeout(background(), 5_000);
 * await pool.submit({ id: 'resize-42', payload: { width: 640 }, ctx });
 * ```
 */
export interface Job<P> {
  /**
   * Names the job in logs, stats and the shutdown report: 1 to
   * MAX_JOB_ID_LENGTH characters. A pool without a store does not require it
   * to be unique; a store adds a job only if no job of that id is waiting or
   * running there.
   */
  id: string;
  /** What the handler works on. */
  payload: P;
  /**
   * The job's own context (Go's `Job.Ctx`): the handler's context is
   * cancelled when this one is, and its deadline is the earlier of this
   * one's and the pool's. A job whose deadline passes counts as failed with
   * DeadlineExceeded, but its worker stays busy until the handler returns.
   */
  ctx?: Context | undefined;
  /**
   * Which attempt this is, from 1, for a job that came from a store: one
   * more than the times it failed before (a crash of the process that ran it
   * does not count). Set by the pool; undefined for a pool without a store.
   */
  readonly attempt?: number | undefined;
}

/**
 * Handler does the work of one job, the articles' Go `process(job)`. It gets
 * the job, the context to honour (the pool's, merged with the job's own
 * when it has one), and the worker running it. Its result (or rejection) is
 * what `run` resolves (rejects) with.
 */
export type Handler<P, R> = (job: Job<P>, ctx: Context, worker: Worker<P>) => R | PromiseLike<R>;

/**
 * ErrorHandler is told about each job that failed: its handler threw or
 * rejected, or its context was cancelled or past its deadline: the Go
 * worker's `log.Printf("Job failed: %v", err)`.
 */
export type ErrorHandler<P> = (error: unknown, job: Job<P>, worker: Worker<P>) => void;
