// One measured run, in a fresh process:
//   node child.mjs <library> <mode> <workers> <jobs> <url> <queue>
// Prints one JSON line; `ran` is the count of distinct jobs whose handler ran
// (the runner checks it against <jobs>).
//
// Modes:
//   phases  submit every job with no worker taking any (the submit rate), then
//           start the workers on the full queue (the processing rate)
//   e2e     the producer and the workers at once, in this one process: from the
//           first submit to the last completion acknowledged (the end-to-end
//           rate), and the process's CPU time (user + system) per job over it
//   serial  one awaited submit at a time (no workers); `ran` is then the number
//           of jobs Redis holds afterwards, read back from it
//
// Libraries, each driven as it documents its fastest use:
//   gochan    WorkerPool on RedisStore, prefetch 1000 (as in the SQLite suite; OURS_PREFETCH), 256 submits in flight
//             (the store sends the adds of one event-loop turn as one script)
//   bullmq    Queue.addBulk in chunks of 1000 (all chunks in flight), Worker with
//             `concurrency`, removeOnComplete; serial: awaited Queue.add
//   bee       Queue#saveAll in chunks of 1000 (pipelined), Queue#process(concurrency),
//             removeOnSuccess, events and job storage off (its README's advice)
//   floor     hand-written XADD (256 in flight) / XREADGROUP COUNT 64 / XACK + XDEL
//             per batch, on one pipelined connection; no lease, token, count or retry;
//             serial: one awaited XADD, the least one round trip can do
import { performance } from 'node:perf_hooks';
import { loadPool, loadRedisClient, loadStore } from './code.mjs';

const [library, mode, workersText, jobsText, url, queue] = process.argv.slice(2);
const workers = Number(workersText);
const jobs = Number(jobsText);
const { hostname: host, port } = new URL(url);
const connection = { host, port: Number(port) };
const CHUNK = 1000;
const IN_FLIGHT = 256;

const seen = new Set();
let allRan;
const ranAll = new Promise((resolve) => (allRan = resolve));
/** The no-op job body: records the job and yields once, as an async handler does. */
function run(id) {
  seen.add(id);
  if (seen.size === jobs) allRan();
}

/** Calls submit(i) for every job, `inFlight` at a time. */
async function produce(submit, inFlight) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, jobs) }, async () => {
      while (next < jobs) await submit(next++);
    }),
  );
}
const chunks = () => Array.from({ length: Math.ceil(jobs / CHUNK) }, (_, c) => Array.from({ length: Math.min(CHUNK, jobs - c * CHUNK) }, (_, k) => c * CHUNK + k));

/**
 * Each library as three steps: open, submit(all | one), work() that starts the
 * workers and resolves once every job has run and its completion is written, close.
 */
async function open() {
  if (library === 'gochan') {
    const { RedisStore } = await loadStore();
    const { WorkerPool } = await loadPool();
    const store = await RedisStore.open({ url, queue, leaseMs: 30_000 });
    let pool;
    let openGate;
    const gate = mode === 'e2e' ? undefined : new Promise((resolve) => (openGate = resolve));
    return {
      submitAll: () => produce((i) => pool.submit({ id: `j${i}`, payload: i }), IN_FLIGHT),
      submitOne: (i) => pool.submit({ id: `j${i}`, payload: i }),
      // Read back from Redis, not from the store's cache: every entry of the stream (the gated worker's is pending there).
      stored: async () => {
        const { createClient } = await loadRedisClient();
        const client = await createClient({ url }).connect();
        try {
          return Number(await client.sendCommand(['XLEN', store.keys.stream]));
        } finally {
          client.destroy();
        }
      },
      // The pool starts its workers at once: in `phases` they wait at a gate until the submits are in.
      start: () => {
        pool = new WorkerPool({
          workers,
          // serial: no prefetch, so that the gated pool claims one job and then nothing while the submits go.
          prefetch: mode === 'serial' ? 0 : Number(process.env.OURS_PREFETCH ?? 1000),
          queueSize: jobs,
          store,
          handler: async (job) => {
            if (gate) await gate;
            run(job.id);
          },
        });
      },
      work: async () => {
        openGate?.();
        await ranAll;
        await pool.shutdown(); // waits for the last completions to be written
      },
      close: () => store.close(),
    };
  }
  if (library === 'bullmq') {
    const { Queue, Worker } = await import('bullmq');
    const q = new Queue(queue, { connection });
    await q.waitUntilReady();
    const opts = { removeOnComplete: true, removeOnFail: true };
    let worker;
    let completed = 0;
    let allDone;
    const done = new Promise((resolve) => (allDone = resolve));
    return {
      submitAll: () => Promise.all(chunks().map((chunk) => q.addBulk(chunk.map((i) => ({ name: 'j', data: i, opts }))))),
      submitOne: (i) => q.add('j', i, opts),
      stored: () => q.count(),
      start: () => {},
      work: async () => {
        worker = new Worker(queue, async (job) => run(job.id), { connection, concurrency: workers });
        worker.on('completed', () => {
          if (++completed === jobs) allDone();
        });
        worker.on('error', (error) => console.error(error));
        await done;
        await ranAll;
      },
      close: async () => {
        await worker?.close();
        await q.close();
      },
    };
  }
  if (library === 'bee') {
    const { default: Queue } = await import('bee-queue');
    const settings = { redis: connection, getEvents: false, sendEvents: false, storeJobs: false, removeOnSuccess: true, removeOnFailure: true };
    const producer = new Queue(queue, { ...settings, isWorker: false });
    await producer.ready();
    let consumer;
    let completed = 0;
    let allDone;
    const done = new Promise((resolve) => (allDone = resolve));
    return {
      submitAll: () => Promise.all(chunks().map((chunk) => producer.saveAll(chunk.map((i) => producer.createJob(i))))),
      submitOne: (i) => producer.createJob(i).save(),
      stored: async () => (await producer.checkHealth()).waiting,
      start: () => {},
      work: async () => {
        consumer = new Queue(queue, settings);
        consumer.on('succeeded', () => {
          if (++completed === jobs) allDone();
        });
        consumer.on('error', (error) => console.error(error));
        consumer.process(workers, async (job) => run(job.id));
        await done;
        await ranAll;
      },
      close: async () => {
        await consumer?.close();
        await producer.close();
      },
    };
  }
  if (library === 'floor') {
    const { createClient } = await loadRedisClient();
    const client = await createClient({ url }).connect();
    const stream = `floor:{${queue}}`;
    await client.sendCommand(['XGROUP', 'CREATE', stream, 'g', '0', 'MKSTREAM']);
    const add = (i) => client.sendCommand(['XADD', stream, '*', 'id', `f${i}`, 'payload', String(i)]);
    return {
      submitAll: () => produce(add, IN_FLIGHT),
      submitOne: add,
      stored: async () => Number(await client.sendCommand(['XLEN', stream])),
      start: () => {},
      work: () =>
        Promise.all(
          Array.from({ length: workers }, async (_, w) => {
            while (seen.size < jobs) {
              // Not BLOCK: the workers share one pipelined connection, which a blocking read would hold.
              const got = await client.sendCommand(['XREADGROUP', 'GROUP', 'g', `c${w}`, 'COUNT', '64', 'STREAMS', stream, '>']);
              if (!got) {
                await new Promise((resolve) => setTimeout(resolve, 1));
                continue;
              }
              const entries = Array.isArray(got) ? got[0][1] : Object.values(got)[0];
              const ids = [];
              for (const e of entries) {
                const [id, fields] = Array.isArray(e) ? e : [e.id, e.message];
                ids.push(id);
                await Promise.resolve(); // the no-op job
                run(Array.isArray(fields) ? fields[1] : fields.id);
              }
              await Promise.all([client.sendCommand(['XACK', stream, 'g', ...ids]), client.sendCommand(['XDEL', stream, ...ids])]);
            }
          }),
        ),
      close: async () => client.destroy(),
    };
  }
  throw new Error(`unknown library ${library}`);
}

const lib = await open();
const out = { library, mode, workers, jobs };
if (mode === 'phases') {
  lib.start();
  let t = performance.now();
  await lib.submitAll();
  out.submitPerSec = jobs / ((performance.now() - t) / 1000);
  t = performance.now();
  await lib.work();
  out.processPerSec = jobs / ((performance.now() - t) / 1000);
} else if (mode === 'e2e') {
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  lib.start();
  await Promise.all([lib.submitAll(), lib.work()]);
  out.e2ePerSec = jobs / ((performance.now() - t) / 1000);
  const cpu = process.cpuUsage(cpu0);
  out.cpuUsPerJob = (cpu.user + cpu.system) / jobs;
} else if (mode === 'serial') {
  lib.start();
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < jobs; i++) {
    await lib.submitOne(i);
    seen.add(i);
  }
  out.serialPerSec = jobs / ((performance.now() - t) / 1000);
  const cpu = process.cpuUsage(cpu0);
  out.cpuUsPerJob = (cpu.user + cpu.system) / jobs;
  // What counts is what Redis holds: the runner checks it against <jobs>.
  seen.clear();
  for (let i = 0, n = await lib.stored(); i < n; i++) seen.add(i);
} else {
  throw new Error(`unknown mode ${mode}`);
}
out.ran = seen.size;
await Promise.race([lib.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
console.log(JSON.stringify(out));
process.exit(0);
