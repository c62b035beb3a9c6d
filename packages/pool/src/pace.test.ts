import { expect, test } from 'vitest';
import { WorkerPool } from './index.js';
import { busy } from '../../../tests/support/deadline.js';

// The pool's take of a queued job is paced (@gochan/channel's pace.ts), and
// pacing bounds a slice by time: with each job 3 ms of synchronous work, the
// event loop turns every few milliseconds, not every 32 jobs (~100 ms).
test('a one-worker pool on 3 ms synchronous handlers lets a 10 ms timer fire before the tenth job has finished', async () => {
  let finished = 0;
  let finishedWhenFired = -1;
  const pool = new WorkerPool<number>({
    workers: 1,
    queueSize: 40,
    handler: () => {
      busy(3);
      finished++;
    },
  });
  // Queued before the timer is set and before the worker runs: every job is
  // a take that completes without waiting.
  for (let i = 0; i < 40; i++) expect(pool.trySubmit({ id: `job-${i}`, payload: i })).toBe(true);
  setTimeout(() => (finishedWhenFired = finished), 10);
  await pool.shutdown();
  expect(finished).toBe(40);
  expect(finishedWhenFired).toBeGreaterThanOrEqual(0);
  expect(finishedWhenFired).toBeLessThan(10);
});
