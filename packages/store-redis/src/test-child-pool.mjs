// A child process for the crash tests: a WorkerPool on a RedisStore (the
// built packages), one of several sharing a queue, submitting its planned
// jobs and running whatever it claims, until killed or sent SIGTERM. Each
// event is one line, written with writeSync before the next step, with the
// time: 'submitted <id> <result> <ms>' once a submit resolved (stored),
// 'rejected <id> <ms>' if it rejected, 'start <id> <attempt> <ms>' as a
// handler begins, 'end <id> <ms>' as it returns.
//
//   node test-child-pool.mjs <url> <queue> <name> <plan JSON>
import { WorkerPool } from '@gochan/pool';
import { writeSync } from 'node:fs';
import { RedisStore } from '../dist/index.js';

const [url, queue, name, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson);
const say = (line) => writeSync(1, `${line} ${Date.now()}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const store = await RedisStore.open({ url, queue, leaseMs: plan.leaseMs });
const pool = new WorkerPool({
  workers: plan.workers,
  prefetch: 0,
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
process.on('SIGTERM', async () => {
  await pool.shutdown({ timeout: 5_000 });
  await store.close();
  process.exit(0);
});
say('ready');
for (let i = 0; i < plan.jobs.length; i += plan.submitTogether) {
  const chunk = plan.jobs.slice(i, i + plan.submitTogether);
  await Promise.all(
    chunk.map((ms, k) => {
      const id = `${name}-${i + k}`;
      return pool.submit({ id, payload: ms }).then(
        (result) => say(`submitted ${id} ${result}`),
        () => say(`rejected ${id}`),
      );
    }),
  );
}
say('all-submitted');
// Run until killed.
setInterval(() => {}, 60_000);
