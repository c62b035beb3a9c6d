// The pool on a SqliteStore, in a child process killed with SIGKILL during
// its submits, its handlers or a commit; then restarted here, on the same file.
// The child's handler is a function, or (every other run) a module run on threads.
import { WorkerPool } from '@gochan/pool';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { Database, buildPackage, sleep, startChild, tempDir } from './test-helpers.js';

const temp = tempDir();
let files = 0;
beforeAll(() => buildPackage(), 120_000);
afterAll(() => temp.remove());

/** The second word of the lines `<verb> <id> …`. */
const idsOf = (lines: readonly string[], verb: string): string[] => lines.filter((l) => l.startsWith(`${verb} `)).map((l) => l.split(' ')[1]!);

describe('WorkerPool on SqliteStore, killed and restarted', () => {
  it('every submitted job completes, a completed job never runs again, and only jobs running at the kill run twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          jobs: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 5, maxLength: 80 }),
          submitTogether: fc.integer({ min: 1, max: 20 }),
          workers: fc.integer({ min: 1, max: 4 }),
          prefetch: fc.integer({ min: 0, max: 8 }),
          synchronous: fc.constantFrom('full', 'normal'),
          // The kill comes once the child has said this much (of 3 lines a job: submitted, start, end), so always mid-work.
          killAtLine: fc.nat(),
        }),
        async ({ jobs, killAtLine, ...settings }) => {
          const path = join(temp.dir, `pool-${++files}.db`);
          // The child's handler, every other run: a function on its thread, or a module on @gochan/threads' threads.
          const handler = files % 2 === 0 ? 'module' : 'function';
          const plan = { ...settings, handler, jobs: jobs.map((ms, i) => [`job${i}`, ms]) };
          const child = startChild('test-child-pool.mjs', [path, JSON.stringify(plan)]);
          await child.line((l) => l === 'ready');
          const target = 1 + (killAtLine % (3 * jobs.length));
          await child.line(() => child.lines.length > target);
          child.process.kill('SIGKILL');
          expect(await child.exited).toBe('SIGKILL');

          const submitted = idsOf(child.lines, 'submitted');
          const startedBefore = idsOf(child.lines, 'start');
          const endedBefore = new Set(idsOf(child.lines, 'end'));
          // In one process, a job runs once.
          expect(new Set(startedBefore).size).toBe(startedBefore.length);
          const db = new Database(path, { readonly: true });
          const live = new Set(db.prepare('SELECT id FROM gochan_jobs WHERE state < 2').pluck().all() as string[]);
          db.close();

          // Restart: a pool on the same file, here.
          const startedAfter: [string, number | undefined][] = [];
          const endedAfter = new Set<string>();
          const store = new SqliteStore(path, { pollMs: 20 });
          const pool = new WorkerPool<number>({
            workers: 4,
            store,
            handler: async (job) => {
              startedAfter.push([job.id, job.attempt]);
              await sleep(job.payload);
              endedAfter.add(job.id);
            },
          });
          // Jobs held at the kill come back once their lease (1 s in the child) ends.
          const deadline = Date.now() + 15_000;
          while (Date.now() < deadline && (store.counts().waiting > 0 || store.counts().running > 0 || [...live].some((id) => !endedAfter.has(id)))) await sleep(25);
          await pool.shutdown({ timeout: 5_000 });
          await store.close();

          const attempted = new Set(plan.jobs.map(([id]) => id as string));
          for (const id of submitted) {
            // A resolved submit is durable: the job ran to its end, before the kill (and its completion was kept) or after.
            expect(endedAfter.has(id) || (!live.has(id) && endedBefore.has(id)), `submitted ${id} never completed`).toBe(true);
          }
          for (const [id, attempt] of startedAfter) {
            expect(attempted, `invented job ${id}`).toContain(id);
            // Completed jobs never run again.
            expect(live, `completed ${id} ran again`).toContain(id);
            // A crash is not an attempt.
            expect(attempt).toBe(1);
          }
          expect(new Set(startedAfter.map(([id]) => id)).size).toBe(startedAfter.length);
          // Re-runs: jobs that had started before the kill, and whose completion was not yet kept.
          const rerun = startedAfter.map(([id]) => id).filter((id) => startedBefore.includes(id));
          for (const id of rerun) expect(live.has(id) && startedBefore.includes(id)).toBe(true);
          // Everything kept at the kill ran to its end after the restart.
          for (const id of live) expect(endedAfter, `kept ${id} did not run after the restart`).toContain(id);
        },
      ),
      { numRuns: 10 },
    );
  }, 200_000);
});
