// One side of a recovery run, in a fresh process:
//   node recover-child.mjs <gochan|bullmq> <hold|rescue> <url> <queue> <jobs> <leaseMs | default>
// hold: submits the jobs, runs as many workers whose handlers never return,
//   prints {"held":…} once every job is running, and waits to be SIGKILLed.
// rescue: the same queue and settings, prints {"ready":true}, runs whatever it
//   is given, and once every job has run prints when each ran (Date.now(),
//   comparable across processes) and exits; a job given twice fails it.
// leaseMs is our store's `leaseMs`; for BullMQ its `lockDuration` and
// `stalledInterval` (how often a worker looks for jobs whose lock ran out),
// or, with `default`, both at BullMQ's defaults (30 s each).
import { recoveryJobs, say } from '../recovery.mjs';
import { loadPool, loadStore } from './code.mjs';

const [library, role, url, queue, jobsArg, leaseArg] = process.argv.slice(2);
const k = Number(jobsArg);
const leaseMs = leaseArg === 'default' ? undefined : Number(leaseArg);

const { work, finished, ranAt } = recoveryJobs(role, k);

if (library === 'gochan') {
  const { RedisStore } = await loadStore();
  const { WorkerPool } = await loadPool();
  const store = await RedisStore.open({ url, queue, leaseMs });
  const pool = new WorkerPool({ workers: k, store, handler: (job) => work(job.payload), onError: (error) => console.error(error) });
  if (role === 'hold') {
    await Promise.all(Array.from({ length: k }, (_, i) => pool.submit({ id: String(i), payload: i })));
  } else {
    say({ ready: true });
    await finished;
    await pool.shutdown();
    await store.close();
  }
} else if (library === 'bullmq') {
  const { Queue, Worker } = await import('bullmq');
  const { hostname: host, port } = new URL(url);
  const connection = { host, port: Number(port) };
  const settings = leaseMs === undefined ? {} : { lockDuration: leaseMs, stalledInterval: leaseMs };
  if (role === 'hold') {
    const q = new Queue(queue, { connection });
    await q.addBulk(Array.from({ length: k }, (_, i) => ({ name: 'j', data: i, opts: { removeOnComplete: true } })));
  }
  const worker = new Worker(queue, (job) => work(job.data), { connection, concurrency: k, ...settings });
  worker.on('error', (error) => console.error(error));
  if (role === 'rescue') {
    await worker.waitUntilReady();
    say({ ready: true });
    await finished;
  }
} else {
  throw new Error(`unknown library ${library}`);
}
if (role === 'rescue') {
  say({ ranAt: [...ranAt.values()] });
  process.exit(0);
}
