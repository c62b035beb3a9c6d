import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as fc from 'fast-check';
import { GOMAXPROCS, close } from '@gochan/threads';
import { afterAll, describe, expect, test } from 'vitest';
import { MemoryStore, WorkerPool } from './index.js';
import { sleep } from './test-helpers.js';

// Threads that die at moments fast-check picks (a job that calls
// process.exit after some work), under a module handler: nothing is lost.
// Without a store every job ends exactly once, completed, or failed with its
// own error or its thread's death; with a store every job completes, its
// crashes re-run.

const SCRIPTED = new URL('../test-handlers/scripted.mjs', import.meta.url);

afterAll(async () => {
  await close();
});

const step = fc.record({
  kind: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'exit'),
  sleep: fc.integer({ min: 0, max: 4 }),
  compute: fc.integer({ min: 0, max: 2 }),
});
const setup = fc.record({ workers: fc.integer({ min: 1, max: 4 }), threads: fc.integer({ min: 1, max: 2 }), steps: fc.array(step, { minLength: 1, maxLength: 10 }) });

describe('a module handler whose threads die at moments fast-check picks', () => {
  test('without a store: every job ends exactly once, with its result, its error, or its thread death', async () => {
    await fc.assert(
      fc.asyncProperty(setup, async ({ workers, threads, steps }) => {
        const previous = GOMAXPROCS(threads);
        const pool = new WorkerPool<Record<string, unknown>, unknown>({ workers, handler: SCRIPTED });
        try {
          const outcomes = await Promise.all(
            steps.map((s, i) => {
              const payload: Record<string, unknown> = { sleep: s.sleep, compute: s.compute, result: i };
              if (s.kind === 'fail') payload['fail'] = { name: 'Error', message: `job ${i} failed` };
              if (s.kind === 'exit') payload['exit'] = 3;
              return pool.run({ id: String(i), payload }).then(
                (value) => ({ ok: true as const, value }),
                (error: unknown) => ({ ok: false as const, error: error as Error }),
              );
            }),
          );
          const deaths = steps.filter((s) => s.kind === 'exit').length;
          for (const [i, outcome] of outcomes.entries()) {
            const kind = steps[i]!.kind;
            if (outcome.ok) {
              expect(kind).toBe('ok');
              expect(outcome.value).toBe(i);
            } else if (outcome.error.name === 'ThreadExitError') {
              expect(deaths).toBeGreaterThan(0); // only a death kills a job beside it
            } else {
              expect(kind).toBe('fail');
              expect(outcome.error.message).toBe(`job ${i} failed`);
            }
            if (kind === 'exit') expect(outcome.ok ? undefined : outcome.error.name).toBe('ThreadExitError');
          }
          const stats = pool.stats();
          expect(stats.completed + stats.failed).toBe(steps.length);
          expect(stats.completed).toBe(outcomes.filter((o) => o.ok).length);
          expect(stats.active).toBe(0);
        } finally {
          const report = await pool.shutdown();
          GOMAXPROCS(previous);
          expect(report.unfinished).toEqual([]);
        }
      }),
      { numRuns: 12 },
    );
  });

  test('with a store: every job completes once; a death costs a crash and a re-run, never a job', async () => {
    const dir = mkdtempSync(`${tmpdir()}/pool-threads-`);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(setup, async ({ workers, threads, steps }) => {
        run++;
        const previous = GOMAXPROCS(threads);
        const store = new MemoryStore({ leaseMs: 300, maxCrashes: 20 }); // a job beside every death may crash as often as there are deaths
        const ran = new Map<string, number>();
        const pool = new WorkerPool<Record<string, unknown>, unknown>({
          workers,
          store,
          onError: () => {},
          handler: SCRIPTED,
          backoff: () => 0,
          maxAttempts: 10,
          observer: { finish: (event) => void ran.set(event.job.id, (ran.get(event.job.id) ?? 0) + 1) },
        });
        try {
          for (const [i, s] of steps.entries()) {
            const payload: Record<string, unknown> = { sleep: s.sleep, compute: s.compute };
            if (s.kind === 'exit') payload['exitOnce'] = `${dir}/run${run}-job${i}`;
            if (s.kind === 'fail') payload['result'] = 'fails never: a store retries failures, this checks deaths';
            expect(await pool.submit({ id: String(i), payload })).toBe('added');
          }
          for (let wait = 0; wait < 3_000 && pool.stats().store!.completed < steps.length; wait++) await sleep(10);
          const stored = pool.stats().store!;
          expect(stored).toMatchObject({ completed: steps.length, dead: 0, waiting: 0, running: 0, leasesLost: 0 });
          expect(stored.crashes).toBeGreaterThanOrEqual(steps.filter((s) => s.kind === 'exit').length);
          expect([...ran.values()].every((n) => n === 1)).toBe(true);
          expect(ran.size).toBe(steps.length);
        } finally {
          await pool.shutdown();
          GOMAXPROCS(previous);
        }
      }),
      { numRuns: 8 },
    );
  });
});
