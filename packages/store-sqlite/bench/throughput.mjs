// The store alone, without a pool: adds, then claims and completes, with
// synchronous full and normal, in batches (group commit) and one at a time
// (a transaction each). Run after a build:
//   node packages/store-sqlite/bench/throughput.mjs [jobs]
// Prints one line per measurement: the median of 3 runs, each on a fresh file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../dist/index.js';

const jobs = Number(process.argv[2] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'gochan-sqlite-bench-'));
let files = 0;
const payload = JSON.stringify({ task: 'resize', width: 640 });

async function once(synchronous, batch) {
  const store = new SqliteStore(join(dir, `b${++files}.db`), { synchronous });
  let start = performance.now();
  for (let i = 0; i < jobs; i += batch) {
    const adds = [];
    for (let k = i; k < Math.min(jobs, i + batch); k++) adds.push(store.add({ id: `job-${k}`, payload, deadline: undefined }));
    await Promise.all(adds);
  }
  const addSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  let done = 0;
  while (done < jobs) {
    const claimed = await store.claim(batch, AbortSignal.timeout(5_000));
    await Promise.all(claimed.map((job) => store.complete(job)));
    done += claimed.length;
  }
  const takeSeconds = (performance.now() - start) / 1000;
  if (store.counts().completed !== jobs) throw new Error(`completed ${store.counts().completed} of ${jobs}`);
  await store.close();
  return { adds: jobs / addSeconds, takes: jobs / takeSeconds };
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
try {
  for (const synchronous of ['full', 'normal']) {
    for (const batch of [1, 64, 1_000]) {
      const n = batch === 1 && synchronous === 'full' ? 1 : 3;
      const runs = [];
      for (let r = 0; r < n; r++) runs.push(await once(synchronous, batch));
      console.log(
        `synchronous=${synchronous} batch=${batch}: ${Math.round(median(runs.map((r) => r.adds)))} adds/s, ` +
          `${Math.round(median(runs.map((r) => r.takes)))} claim+complete/s (${n === 1 ? '1 run' : `median of ${n}`}, ${jobs} jobs)`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
