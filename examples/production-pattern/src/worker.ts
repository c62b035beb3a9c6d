import type { RecvChannel } from '@gochan/channel';
import type { WaitGroup } from '@gochan/waitgroup';
import { processJob, type Job } from './job.js';

/**
 * worker is the article's `worker` goroutine: it takes jobs from `jobs`
 * until the channel is closed and drained (Go's `for job := range jobs`). A job that fails is logged and
 * the worker goes on with the next one: one bad job must not take a worker
 * out of the pool.
 *
 * It calls `wg.done()` when it returns, whatever happens (Go's
 * `defer wg.Done()`), so that shutdown can wait for it.
 *
 * @param id - The worker's number, from 1, as printed.
 * @param jobs - The receive side of the jobs channel.
 * @param wg - Counts this worker; the caller has already called `wg.add()`.
 * @param workMs - How long each job's pretend work takes.
 */
export async function worker(id: number, jobs: RecvChannel<Job>, wg: WaitGroup, workMs: number): Promise<void> {
  try {
    for await (const job of jobs) {
      console.log(`Worker ${id} started job ${job.id}`);
      const err = await processJob(job, workMs);
      if (err !== undefined) {
        console.error(`Worker ${id}: job ${job.id} failed: ${err.message}`);
        continue;
      }
      console.log(`Worker ${id} finished job ${job.id}`);
    }
  } finally {
    wg.done();
  }
}
