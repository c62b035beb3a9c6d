import { Channel, type SendChannel } from '@gochan/channel';
import { WaitGroup } from '@gochan/waitgroup';
import type { Job } from './job.js';
import { worker } from './worker.js';

/** JOBS_CAPACITY is the jobs channel's buffer: room for 100 jobs waiting. */
export const JOBS_CAPACITY = 100;

/**
 * startWorkers starts `numWorkers` workers on a new buffered jobs channel and
 * hands back only its send side, with the WaitGroup that counts the workers.
 * Start them before accepting any work.
 *
 * @example
 * ```ts
 * const [jobs, wg] = startWorkers(3, 500);
 * await jobs.send(job);
 * jobs.close();
 * await wg.wait();
 * ```
 */
export function startWorkers(numWorkers: number, workMs: number): [jobs: SendChannel<Job>, wg: WaitGroup] {
  if (!Number.isSafeInteger(numWorkers) || numWorkers < 1) {
    throw new RangeError(`Expected \`numWorkers\` to be a positive integer, got ${String(numWorkers)}`);
  }
  const jobs = new Channel<Job>(JOBS_CAPACITY);
  const wg = new WaitGroup();
  for (let id = 1; id <= numWorkers; id++) {
    // add() before the worker starts, never inside it: a wait() in between
    // would otherwise see zero and return too early.
    wg.add(1);
    void worker(id, jobs, wg, workMs);
  }
  return [jobs, wg];
}
