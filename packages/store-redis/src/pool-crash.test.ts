// Several worker processes on one queue in Redis: one killed with SIGKILL at
// a moment fast-check picks, and Redis itself killed and restarted mid-run
// (appendonly on, appendfsync always). Every accepted job must complete,
// a completed job never runs again, and only jobs running at a kill (of the
// process, or of Redis) may run twice.
import { createClient } from '@redis/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from './scripts.js';
import { buildPackage, hasRedis, sleep, startChild, startRedis, type Child, type RedisServer } from './test-helpers.js';

/** The lines `<verb> <id> … <ms>` of a child, as [id, ms, child index]. */
const events = (children: readonly Child[], verb: string): [string, number, number][] =>
  children.flatMap((child, index) =>
    child.lines.filter((l) => l.startsWith(`${verb} `)).map((l) => {
      const words = l.split(' ');
      return [words[1]!, Number(words.at(-1)), index] as [string, number, number];
    }),
  );

describe.runIf(hasRedis)('WorkerPool on RedisStore: worker processes and Redis killed mid-run', () => {
  let server: RedisServer;
  let runs = 0;
  beforeAll(async () => {
    buildPackage();
    server = await startRedis({ appendfsync: 'always' });
  }, 120_000);
  afterAll(() => server?.remove());

  it('every accepted job completes, completed jobs never run again, duplicates only of jobs running at a kill', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          jobs: fc.array(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 5, maxLength: 40 }), { minLength: 3, maxLength: 3 }),
          workers: fc.integer({ min: 1, max: 4 }),
          submitTogether: fc.integer({ min: 1, max: 10 }),
          victim: fc.integer({ min: 0, max: 2 }),
          killAtLine: fc.nat(),
          // Redis is killed this long after the start (or not at all), and back 300 ms later.
          redisKillMs: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
        }),
        async ({ jobs, workers, submitTogether, victim, killAtLine, redisKillMs }) => {
          const queue = `crash-${++runs}`;
          // The children's handler, every other run: a function on their thread, or a module on @gochan/threads' threads.
          const handler = runs % 2 === 0 ? 'module' : 'function';
          const leaseMs = 1_000;
          const children = jobs.map((plan, i) =>
            startChild('test-child-pool.mjs', [server.url, queue, `c${i}`, JSON.stringify({ jobs: plan, workers, submitTogether, leaseMs, handler })]),
          );
          let redisDown = Infinity;
          let redisUp = Infinity;
          try {
            await Promise.all(children.map((child) => child.line((l) => l.startsWith('ready'))));
            const restart =
              redisKillMs === undefined
                ? Promise.resolve()
                : (async () => {
                    await sleep(redisKillMs);
                    redisDown = Date.now();
                    await server.stop('SIGKILL');
                    await sleep(300);
                    await server.start();
                    redisUp = Date.now();
                  })();
            const target = children[victim]!;
            const lines = 1 + (killAtLine % (3 * jobs[victim]!.length));
            await target.line(() => target.lines.length > lines, 30_000).catch(() => undefined);
            target.process.kill('SIGKILL');
            const killedAt = Date.now();
            expect(await target.exited).toBe('SIGKILL');
            await restart;

            // Wait until the queue is empty: the victim's jobs come back after their lease.
            const client = await createClient({ url: server.url }).on('error', () => {}).connect();
            const keys = redisKeys(queue);
            const deadline = Date.now() + 20_000;
            for (;;) {
              const [waiting, running] = (await client.hmGet(keys.counts, ['waiting', 'running'])).map(Number);
              const allSubmitted = children.every((child, i) => i === victim || child.lines.some((l) => l.startsWith('all-submitted')));
              if (allSubmitted && waiting === 0 && running === 0) break;
              if (Date.now() > deadline) throw new Error(`the queue did not drain: ${waiting} waiting, ${running} running`);
              await sleep(50);
            }
            client.destroy();

            const submitted = events(children, 'submitted');
            const starts = events(children, 'start');
            const ends = events(children, 'end');
            const planned = new Set(jobs.flatMap((plan, i) => plan.map((_, k) => `c${i}-${k}`)));
            for (const [id] of starts) expect(planned, `invented job ${id}`).toContain(id);
            for (const line of children.flatMap((c) => c.lines.filter((l) => l.startsWith('start ')))) expect(line.split(' ')[2], line).toBe('1');
            const ended = new Set(ends.map(([id]) => id));
            for (const [id] of submitted) expect(ended, `accepted job ${id} never completed`).toContain(id);
            // A job that ran twice: its first run was cut by the kill of its process, or overlapped Redis's outage.
            const byId = new Map<string, [number, number][]>();
            for (const [id, ms, child] of starts) byId.set(id, [...(byId.get(id) ?? []), [ms, child]]);
            for (const [id, runs] of byId) {
              if (runs.length === 1) continue;
              runs.sort((a, b) => a[0] - b[0]);
              const [firstStart, firstChild] = runs[0]!;
              const firstEnd = ends.find(([endId, ms, child]) => endId === id && child === firstChild && ms >= firstStart)?.[1] ?? Infinity;
              const cutByKill = firstChild === victim && firstStart <= killedAt;
              // A completion still unanswered when Redis died may be lost with it; the pool sends it again until the
              // lease ends, which with a 1 s lease may come before the client has reconnected. Under load an fsynced
              // write can take a few hundred ms: a first run that ended up to 500 ms before the kill counts as cut.
              const duringOutage = firstStart <= redisUp + leaseMs && firstEnd >= redisDown - 500;
              expect(cutByKill || duringOutage, `${id} ran ${runs.length} times though no kill cut its first run: starts ${JSON.stringify(runs)}, ends ${JSON.stringify(ends.filter(([e]) => e === id))}, victim ${victim} killed at ${killedAt}, Redis down ${redisDown} up ${redisUp}\n${children.map((c) => c.stderr()).join('\n')}`).toBe(true);
            }
          } finally {
            for (const child of children) child.process.kill('SIGKILL');
            await Promise.all(children.map((child) => child.exited));
            if (redisUp === Infinity && redisDown !== Infinity) await server.start().catch(() => undefined);
          }
        },
      ),
      { numRuns: 4, endOnFailure: true },
    );
  }, 150_000);
});
