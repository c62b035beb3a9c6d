import { after, recv, select } from '@gochan/channel';
import type { Context } from '@gochan/context';

/**
 * Job is one unit of work, the article's `Job` struct: everything a worker
 * needs to carry it out, rather than a bare number.
 */
export interface Job {
  /** Job.id names the job in every line the workers print. */
  readonly id: string;
  /** Job.payload is the data the work is about. */
  readonly payload: Uint8Array;
  /**
   * Job.ctx is the job's own context: cancel it, or give it a deadline with
   * `withTimeout`, and the work stops there and the job fails.
   */
  readonly ctx: Context;
}

/**
 * processJob does the work of one job (the article's `process`): here,
 * `workMs` milliseconds of pretend work that end early, with the context's
 * error, once the job's context is done. Go writes the same wait as a
 * `select` on `time.After` and `ctx.Done()`.
 *
 * @returns undefined when the work is done, else the reason it stopped.
 */
export async function processJob(job: Job, workMs: number): Promise<Error | undefined> {
  // A job whose context is already done must not start at all.
  const err = job.ctx.err();
  if (err !== undefined) {
    return err;
  }
  // The timer goes with the context: cancelled, it leaves no timer behind.
  const [index] = await select([recv(after(workMs, job.ctx.signal)), recv(job.ctx.done())]);
  return index === 0 ? undefined : job.ctx.err();
}
