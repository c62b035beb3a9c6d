// One side of a recovery run, in a fresh process:
//   node recover-child.mjs <gochan|plainjob> <hold|rescue> <file> <jobs> <leaseMs> [maintenanceMs]
// hold: adds the jobs, starts as many workers whose handlers never return,
//   prints {"held":…} once every job is running, and waits to be SIGKILLed.
// rescue: opens the same file with the same settings, prints {"ready":true},
//   runs whatever it is given, and once every job has run prints when each
//   ran (Date.now(), comparable across processes) and exits; a job given
//   twice, or one that is not ours, fails it.
// leaseMs is our store's `leaseMs`, and plainjob's `timeout`; maintenanceMs
// is plainjob's `maintenanceInterval` (its default when omitted).
import { recoveryJobs, say } from '../recovery.mjs';
import Database from 'better-sqlite3';
import { ours } from './queues.mjs';

const [queue, role, file, jobsArg, leaseArg, maintenanceArg] = process.argv.slice(2);
const k = Number(jobsArg);
const leaseMs = Number(leaseArg);
const maintenanceInterval = maintenanceArg === undefined ? undefined : Number(maintenanceArg);
const silent = { error: console.error, warn: console.warn, info() {}, debug() {} };

const { work, finished, ranAt } = recoveryJobs(role, k);

if (queue === 'gochan') {
  const { WorkerPool } = await ours('pool');
  const { SqliteStore } = await ours('store-sqlite');
  const store = new SqliteStore(file, { leaseMs });
  const pool = new WorkerPool({ workers: k, store, handler: (job) => work(job.payload), onError: (error) => console.error(error) });
  if (role === 'hold') {
    await Promise.all(Array.from({ length: k }, (_, i) => pool.submit({ id: String(i), payload: i })));
  } else {
    say({ ready: true });
    await finished;
    const report = await pool.shutdown();
    const counts = store.counts();
    await store.close();
    if (report.stats.completed !== k || counts.completed !== k || counts.waiting + counts.running !== 0) {
      throw new Error(`rescue: completed ${report.stats.completed}, store ${JSON.stringify(counts)}, of ${k}`);
    }
  }
} else if (queue === 'plainjob') {
  const { better, defineQueue, defineWorker, JobStatus } = await import('plainjob');
  const q = defineQueue({ connection: better(new Database(file)), logger: silent, timeout: leaseMs, maintenanceInterval });
  if (role === 'hold') q.addMany('bench', Array.from({ length: k }, (_, i) => i));
  const workers = Array.from({ length: k }, () => defineWorker('bench', (job) => work(JSON.parse(job.data)), { queue: q, logger: silent, pollIntervall: 100 }));
  for (const worker of workers) void worker.start();
  if (role === 'rescue') {
    say({ ready: true });
    await finished;
    while (q.countJobs({ status: JobStatus.Done }) < k) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all(workers.map((worker) => worker.stop()));
    q.close();
  }
} else {
  throw new Error(`unknown queue ${queue}`);
}
if (role === 'rescue') {
  say({ ranAt: [...ranAt.values()] });
  process.exit(0);
}
