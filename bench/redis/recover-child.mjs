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
import { loadPool, loadStore } from './code.mjs';

const [library, role, url, queue, jobsArg, leaseArg] = process.argv.slice(2);
const k = Number(jobsArg);
const leaseMs = leaseArg === 'default' ? undefined : Number(leaseArg);
const say = (value) => process.stdout.write(JSON.stringify(value) + '\n');

const ranAt = new Map();
let started = 0;
let finish;
const finished = new Promise((resolve) => (finish = resolve));
/** The job body: the holder's never returns; the rescuer's records the job. */
function work(i) {
  if (role === 'hold') {
    if (++started === k) say({ held: k, at: Date.now() });
    return new Promise(() => {});
  }
  if (!(Number.isInteger(i) && i >= 0 && i < k)) throw new Error(`rescue: a job came back with payload ${JSON.stringify(i)}`);
  if (ranAt.has(i)) throw new Error(`rescue: job ${i} ran twice`);
  ranAt.set(i, Date.now());
  if (ranAt.size === k) finish();
  return Promise.resolve();
}

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
