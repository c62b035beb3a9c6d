// A child process for the pool-level crash test: a WorkerPool on a
// SqliteStore (the built packages), submitting a planned mix of jobs and
// running them, until the test kills it. Each event is one line, written
// with writeSync before the next step: 'submitted <id> <result>' once a
// submit resolved (durable), 'start <id> <attempt>' as a handler begins,
// 'end <id>' as it returns. With plan.handler 'module' the handler runs on a
// thread of @gochan/threads and writes the same lines there.
//
//   node test-child-pool.mjs <file> <plan JSON>
import { WorkerPool } from '@gochan/pool';
import { writeSync } from 'node:fs';
import { SqliteStore } from '../dist/index.js';

const [path, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson);
const say = (line) => writeSync(1, `${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const store = new SqliteStore(path, { leaseMs: 1_000, pollMs: 20, synchronous: plan.synchronous });
const pool = new WorkerPool({
  workers: plan.workers,
  prefetch: plan.prefetch,
  store,
  // plan.handler 'module': the same job on a thread (test-handler-pool.mjs); claims, renewals and completions stay here.
  handler:
    plan.handler === 'module'
      ? new URL('./test-handler-pool.mjs', import.meta.url)
      : async (job) => {
          say(`start ${job.id} ${job.attempt}`);
          await sleep(job.payload);
          say(`end ${job.id}`);
        },
});
say('ready');
for (let i = 0; i < plan.jobs.length; i += plan.submitTogether) {
  const chunk = plan.jobs.slice(i, i + plan.submitTogether);
  await Promise.all(chunk.map(([id, ms]) => pool.submit({ id, payload: ms }).then((result) => say(`submitted ${id} ${result}`))));
}
say('all submitted');
// Run until killed.
setInterval(() => {}, 60_000);
