// Random workloads (job durations, failures, per-job cancellations and
// deadlines, aborted submits, a cancelled parent, a shutdown at a random
// point with a random timeout), interleaved by fast-check's scheduler, and
// checked against the pool's promises:
//  - every job the pool accepted ends exactly once: counted completed,
//    counted failed, or named in the shutdown report's `unfinished`;
//  - no more handlers run at once than there are workers;
//  - every run() settles, and nothing rejects unhandled.
import { select, recv } from '@gochan/channel';
import { background, withCancel, withTimeout, type Context } from '@gochan/context';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { CANCEL_GRACE_MS, PoolClosedError, WorkerPool, type Job, type ShutdownReport } from './index.js';
import { sleep, trackUnhandledRejections } from './test-helpers.js';

type Outcome = 'ok' | 'throw' | 'reject' | 'cancellable' | 'stubborn';
type JobSpec = {
  outcome: Outcome;
  /** Real milliseconds a stubborn handler sleeps, ignoring its context. */
  stubbornMs: number;
  via: 'submit' | 'trySubmit' | 'run' | 'submit+abort';
  ctx: 'none' | 'cancel' | 'expired' | 'timeout';
};

const jobSpec: fc.Arbitrary<JobSpec> = fc.record({
  outcome: fc.constantFrom<Outcome>('ok', 'ok', 'throw', 'reject', 'cancellable', 'stubborn'),
  stubbornMs: fc.constantFrom(0, 5, CANCEL_GRACE_MS + 50),
  via: fc.constantFrom('submit' as const, 'trySubmit' as const, 'run' as const, 'submit+abort' as const),
  ctx: fc.constantFrom('none' as const, 'none' as const, 'cancel' as const, 'expired' as const, 'timeout' as const),
});

const scenario = fc.record({
  workers: fc.integer({ min: 1, max: 3 }),
  queueSize: fc.integer({ min: 0, max: 3 }),
  jobs: fc.array(jobSpec, { minLength: 1, maxLength: 10 }),
  /** After how many submissions shutdown is called (or the parent cancelled). */
  stopAt: fc.nat(10),
  stopBy: fc.constantFrom('shutdown' as const, 'shutdown' as const, 'parent' as const),
  timeout: fc.constantFrom(undefined, 0, 5, 30),
});

let unhandled: ReturnType<typeof trackUnhandledRejections>;
beforeEach(() => {
  unhandled = trackUnhandledRejections();
});
afterEach(() => {
  unhandled.stop();
});

test('every accepted job ends exactly once, never more running than workers, no unhandled rejection', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), scenario, async (s, { workers, queueSize, jobs, stopAt, stopBy, timeout }) => {
      const specs = new Map<string, JobSpec>();
      const events = new Map<string, string[]>(); // what happened to each job, in order
      const note = (id: string, event: string): void => void events.get(id)?.push(event);
      let running = 0;
      let maxRunning = 0;

      const [parent, cancelParent] = withCancel(background());
      const pool = new WorkerPool<number, string>({
        workers,
        queueSize,
        ctx: parent,
        onError: (_error, job) => note(job.id, 'failed'),
        handler: async (job, ctx) => {
          const spec = specs.get(job.id) as JobSpec;
          note(job.id, 'started');
          running++;
          maxRunning = Math.max(maxRunning, running);
          try {
            switch (spec.outcome) {
              case 'ok':
                await s.schedule(Promise.resolve(), `${job.id} ends`);
                return job.id;
              case 'throw':
                await s.schedule(Promise.resolve(), `${job.id} throws`);
                throw new Error(job.id);
              case 'reject':
                // Returns a promise that rejects (rather than throwing).
                return await s.schedule(Promise.resolve(), `${job.id} rejects`).then(() => Promise.reject(new Error(job.id)));
              case 'cancellable': {
                const ended = s.schedule(Promise.resolve(), `${job.id} ends unless cancelled`);
                const [index] = await Promise.race([select([recv(ctx.done())]), ended.then(() => [1] as const)]);
                if (index === 0) throw ctx.err();
                return job.id;
              }
              case 'stubborn':
                await sleep(spec.stubbornMs);
                await s.schedule(Promise.resolve(), `${job.id} ends, ignoring cancellation`);
                return job.id;
            }
          } finally {
            running--;
          }
        },
      });

      const contexts: (() => void)[] = [];
      const jobContext = (spec: JobSpec): Context | undefined => {
        switch (spec.ctx) {
          case 'none':
            return undefined;
          case 'expired':
            return withTimeout(background(), 0)[0];
          case 'timeout': {
            const [ctx, cancel] = withTimeout(background(), 3);
            contexts.push(cancel);
            return ctx;
          }
          case 'cancel': {
            const [ctx, cancel] = withCancel(background());
            contexts.push(cancel);
            void s.schedule(Promise.resolve(), 'cancel a job ctx').then(cancel);
            return ctx;
          }
        }
      };

      let accepted = 0;
      const runs: Promise<void>[] = [];
      let report: Promise<ShutdownReport<number>> | undefined;
      const stop = (): void => {
        if (stopBy === 'parent') cancelParent();
        report = pool.shutdown(timeout === undefined ? {} : { timeout });
      };

      const producer = (async () => {
        for (const [i, spec] of jobs.entries()) {
          if (i === stopAt) stop();
          const job: Job<number> = { id: `j${i}`, payload: i, ctx: jobContext(spec) };
          specs.set(job.id, spec);
          events.set(job.id, []);
          switch (spec.via) {
            case 'trySubmit':
              if (pool.trySubmit(job)) accepted++;
              break;
            case 'submit':
              await pool.submit(job).then(
                () => void accepted++,
                (error: unknown) => expect(error).toBeInstanceOf(PoolClosedError),
              );
              break;
            case 'submit+abort': {
              const controller = new AbortController();
              void s.schedule(Promise.resolve(), `abort ${job.id}`).then(() => controller.abort());
              await pool.submit(job, controller.signal).then(
                () => void accepted++,
                (error: unknown) => expect(error instanceof PoolClosedError || controller.signal.aborted).toBe(true),
              );
              break;
            }
            case 'run':
              // A run's acceptance shows in its outcome: a PoolClosedError for a job
              // that was accepted names it in the report; one that was not does not.
              runs.push(
                pool.run(job).then(
                  () => note(job.id, 'completed'),
                  (error: unknown) => note(job.id, error instanceof PoolClosedError ? 'closed' : 'failed'),
                ),
              );
              break;
          }
          await s.schedule(Promise.resolve(), 'producer yields');
        }
        if (report === undefined) stop();
        return await (report as Promise<ShutdownReport<number>>);
      })();

      // Drive: release scheduled steps in random order; let real timers run when none is pending.
      let finished = false;
      const scenarioDone = producer.finally(() => (finished = true));
      while (!finished) {
        if (s.count() > 0) await s.waitNext(1);
        else await sleep(1);
      }
      const { unfinished, stats: reported } = await scenarioDone;
      // Stubborn handlers that outlived the report may still be scheduled: let them end.
      while (running > 0 || s.count() > 0) {
        if (s.count() > 0) await s.waitNext(1);
        else await sleep(1);
      }
      const settled = await Promise.race([Promise.all(runs).then(() => true), sleep(5_000).then(() => false)]);
      expect(settled, 'every run() settles').toBe(true);
      for (const cancel of contexts) cancel();
      await sleep(0); // unhandled rejections are reported after the microtasks

      const unfinishedIds = unfinished.map((job) => job.id);
      expect(new Set(unfinishedIds).size).toBe(unfinishedIds.length);
      for (const id of unfinishedIds) {
        // Named unfinished: neither counted as failed, nor completed through run().
        expect(events.get(id)?.filter((e) => e === 'failed' || e === 'completed')).toEqual([]);
      }
      // run() jobs: accepted unless refused (a PoolClosedError and not in the report).
      for (const [id, spec] of specs) {
        if (spec.via !== 'run') continue;
        const ends = (events.get(id) ?? []).filter((e) => e !== 'started');
        expect(ends).toHaveLength(1); // settled exactly once
        if (ends[0] !== 'closed' || unfinishedIds.includes(id)) accepted++;
        if (ends[0] === 'closed') expect(unfinishedIds.includes(id) || !events.get(id)?.includes('started')).toBe(true);
      }
      for (const list of events.values()) expect(list.filter((e) => e === 'started').length).toBeLessThanOrEqual(1);
      // Counted once, at the report and for good: a handler that returns after the report counts nothing.
      const stats = pool.stats();
      expect([stats.completed, stats.failed]).toEqual([reported.completed, reported.failed]);
      expect(stats.completed + stats.failed + unfinished.length).toBe(accepted);
      expect(maxRunning).toBeLessThanOrEqual(workers);
      expect(pool.stats()).toMatchObject({ active: 0, queued: 0 });
      expect(pool.workers.every((w) => w.state === 'stopped')).toBe(true);
      expect(unhandled.reasons).toEqual([]);
    }),
    { numRuns: 150 },
  );
}, 120_000);
