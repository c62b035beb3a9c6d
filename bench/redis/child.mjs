// One measured run, in a fresh process: `node child.mjs <entry> <workers> <jobs> <url> <queue>`.
// Prints one JSON line: the submit rate (producer alone), the end-to-end rate
// (producer and workers at once), the client CPU per job, and the count of
// distinct jobs that ran (checked against <jobs>).
//   gochan   WorkerPool on RedisStore: 256 submits in flight, workers + 64 prefetched
//   serial   RedisStore: one awaited submit at a time (no workers)
//   floor    hand-written XADD (pipelined, 256 in flight) / XREADGROUP COUNT 64 (polled) / XACK + XDEL per batch
import { performance } from 'node:perf_hooks';

const [entry, workersText, jobsText, url, queue] = process.argv.slice(2);
const workers = Number(workersText);
const jobs = Number(jobsText);
const pkg = new URL('../../packages/store-redis/', import.meta.url);
const { RedisStore } = await import(new URL('dist/index.js', pkg).href);
const { createClient } = await import(new URL('node_modules/@redis/client/dist/index.js', pkg).href);

const seen = new Set();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let submitMs = 0;

async function produce(submit, inFlight) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < jobs) await submit(next++);
    }),
  );
  submitMs = performance.now() - t0;
}

if (entry === 'gochan') {
  const { WorkerPool } = await import(new URL('node_modules/@gochan/pool/dist/index.js', pkg).href);
  const store = await RedisStore.open({ url, queue, leaseMs: 30_000 });
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const pool = new WorkerPool({
    workers,
    prefetch: 64,
    queueSize: jobs,
    store,
    handler: async (job) => {
      seen.add(job.id);
      if (seen.size === jobs) done();
    },
  });
  await produce((i) => pool.submit({ id: `j${i}`, payload: i }), 256);
  await finished;
  const e2eMs = performance.now() - t0;
  await pool.shutdown();
  await store.close();
  report(e2eMs);
} else if (entry === 'serial') {
  const store = await RedisStore.open({ url, queue });
  for (let i = 0; i < jobs; i++) await store.add({ id: `s${i}`, payload: '0', deadline: undefined });
  submitMs = performance.now() - t0;
  for (let i = 0; i < jobs; i++) seen.add(i);
  await store.close();
  report(submitMs);
} else if (entry === 'floor') {
  const client = await createClient({ url }).connect();
  const stream = `floor:{${queue}}`;
  await client.sendCommand(['XGROUP', 'CREATE', stream, 'g', '0', 'MKSTREAM']);
  const producing = produce((i) => client.sendCommand(['XADD', stream, '*', 'id', `f${i}`, 'payload', String(i)]), 256);
  await Promise.all(
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
          seen.add(Array.isArray(fields) ? fields[1] : fields.id);
          await Promise.resolve(); // the no-op job
        }
        await Promise.all([client.sendCommand(['XACK', stream, 'g', ...ids]), client.sendCommand(['XDEL', stream, ...ids])]);
      }
    }),
  );
  await producing;
  const e2eMs = performance.now() - t0;
  client.destroy();
  report(e2eMs);
} else {
  throw new Error(`unknown entry ${entry}`);
}

function report(e2eMs) {
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ entry, workers, jobs, ran: seen.size, submitPerSec: jobs / (submitMs / 1000), e2ePerSec: jobs / (e2eMs / 1000), cpuUsPerJob: (cpu.user + cpu.system) / jobs }));
  process.exit(0);
}
