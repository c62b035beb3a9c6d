// Random workloads on a pool with a store (ids that repeat, handlers that
// succeed, throw, honour or ignore a cancellation; a shutdown at a random
// point with a random timeout), then a second pool on the same store that
// runs whatever the first gave back, checked against the store's promises:
//  - every job added ends exactly once, completed or dead: none lost, none
//    completed twice, and a completed job never runs again;
//  - a job runs at most maxAttempts times to fail, plus once per shutdown
//    that cut it off;
//  - no more handlers run at once than there are workers;
//  - nothing rejects unhandled.
import fc from 'fast-check';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { MemoryStore, WorkerPool, type Job, type SubmitResult } from './index.js';
import { sleep, trackUnhandledRejections } from './test-helpers.js';

type Outcome = 'ok' | 'throw' | 'cancellable' | 'stubborn';

const scenario = fc.record({
  workers: fc.integer({ min: 1, max: 3 }),
  prefetch: fc.integer({ min: 0, max: 2 }),
  queueSize: fc.integer({ min: 1, max: 4 }),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  /** Each job: an id from a small set (so some repeat) and how its handler behaves on each attempt. */
  jobs: fc.array(fc.record({ id: fc.integer({ min: 0, max: 6 }), outcome: fc.constantFrom<Outcome>('ok', 'ok', 'throw', 'cancellable', 'stubborn') }), {
    minLength: 1,
    maxLength: 10,
  }),
  stopAt: fc.nat(10),
  timeout: fc.constantFrom(undefined, 0, 5, 20),
});

let unhandled: ReturnType<typeof trackUnhandledRejections>;
beforeEach(() => {
  unhandled = trackUnhandledRejections();
});
afterEach(() => {
  unhandled.stop();
});

test('on a store, every added job ends exactly once, completed or dead, across a shutdown and a second pool', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ workers, prefetch, queueSize, maxAttempts, jobs, stopAt, timeout }) => {
      const store = new MemoryStore();
      /** Set for the second life: every handler that does not throw then succeeds at once. */
      let secondLife = false;
      /** Handler runs, by submission (the payload is the submission's index). */
      const runs = new Map<number, number>();
      let running = 0;
      let maxRunning = 0;
      const handler = async (job: Job<number>, ctx: { done(): { recv(): Promise<unknown> }; err(): Error | undefined }): Promise<void> => {
        runs.set(job.payload, (runs.get(job.payload) ?? 0) + 1);
        running++;
        maxRunning = Math.max(maxRunning, running);
        try {
          const outcome = jobs[job.payload]!.outcome;
          if (outcome === 'throw') {
            await sleep(1);
            throw new Error(`${job.id} failed`);
          }
          if (secondLife || outcome === 'ok') await sleep(1);
          else if (outcome === 'stubborn') await sleep(15);
          else {
            await Promise.race([ctx.done().recv(), sleep(10)]);
            if (ctx.err() !== undefined) throw ctx.err();
          }
        } finally {
          running--;
        }
      };
      const options = { workers, prefetch, queueSize, maxAttempts, store, backoff: () => 0, onError: () => {} };
      const first = new WorkerPool<number>({ ...options, handler });

      const added: number[] = [];
      const submits: Promise<void>[] = [];
      let report: ReturnType<typeof first.shutdown> | undefined;
      for (let i = 0; i < jobs.length; i++) {
        if (i === stopAt) report = first.shutdown({ timeout });
        submits.push(
          first.submit({ id: `j${jobs[i]!.id}`, payload: i }).then(
            (result: SubmitResult) => void (result === 'added' && added.push(i)),
            () => {}, // refused: the pool was shutting down
          ),
        );
        await sleep(0);
      }
      await Promise.all(submits);
      /** Submissions the shutdown cut off: such a run counts no attempt, so it comes again. */
      const cutOff = (await (report ?? first.shutdown({ timeout }))).cutOff.map((job) => job.payload);
      expect(store.counts().running).toBe(0);

      // A second life runs whatever the first gave back or left waiting.
      secondLife = true;
      const second = new WorkerPool<number>({ ...options, handler });
      for (let i = 0; i < 500 && store.counts().waiting + store.counts().running > 0; i++) await sleep(5);
      await second.shutdown();

      // Every added job ended exactly once, in the store's books: completed, or dead if it always throws.
      const counts = store.counts();
      const throwers = added.filter((i) => jobs[i]!.outcome === 'throw');
      expect(counts).toMatchObject({ waiting: 0, running: 0, completed: added.length - throwers.length, dead: throwers.length });
      // A thrower ran maxAttempts times, and once more if a shutdown cut a run off; a job never added never ran.
      for (const i of throwers) expect(runs.get(i), `submission ${i}`).toBe(maxAttempts + cutOff.filter((c) => c === i).length);
      for (const [i] of runs) expect(added, `submission ${i} ran without being added`).toContain(i);
      for (const i of added) expect(runs.get(i) ?? 0, `submission ${i}`).toBeGreaterThanOrEqual(1);
      expect(maxRunning).toBeLessThanOrEqual(workers);
      expect(unhandled.reasons).toEqual([]);
    }),
    { numRuns: 60, timeout: 10_000 },
  );
});
