import type { Job } from './job.js';

/** Outcome is where a run() caller waits for its job's result: its promise's two ends. */
export interface Outcome<R> {
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Runs holds, by job, the outcome each run() caller waits for, until the job
 * settles or the shutdown reports it unfinished: the reply channel a Go
 * request carries for its answer, kept by the pool instead. It is a Map
 * itself, so that the worker loop's test of `size` (is anyone waiting?) is
 * the builtin's, which V8 inlines.
 *
 * Invariant: a job is in it only between its run() call and its outcome,
 * and at most once (run() refuses a job object already waiting).
 */
export class Runs<P, R> extends Map<Job<P>, Outcome<R>> {
  /** wait registers `job` and returns the promise its outcome will settle. */
  wait(job: Job<P>): Promise<R> {
    let outcome: Outcome<R> | undefined;
    const result = new Promise<R>((resolve, reject) => (outcome = { resolve, reject }));
    this.set(job, outcome as Outcome<R>);
    return result;
  }

  /** take removes and returns `job`'s outcome, if a run() caller waits for it. */
  take(job: Job<P>): Outcome<R> | undefined {
    const outcome = this.get(job);
    return outcome !== undefined && this.delete(job) ? outcome : undefined;
  }
}
