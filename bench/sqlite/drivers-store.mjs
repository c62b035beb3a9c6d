// The store alone (no pool) on its two SQLite bindings, in ONE process, so
// that both see the same machine: 20k adds in batches, then claims and
// completes in batches, on a fresh file each run, the bindings taking turns.
//   node bench/sqlite/drivers-store.mjs [batch] [full|normal] [runs]   (Node 24+, after a build)
// Prints the medians of the CPU time per job (user + system, this process),
// which a loaded machine moves less than the clock, and of the jobs per
// second.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { median } from '../support.mjs';

const { SqliteStore } = await import('@gochan/store-sqlite');
const batch = Number(process.argv[2] ?? 1000);
const synchronous = process.argv[3] ?? 'normal';
const runs = Number(process.argv[4] ?? 7);
const jobs = 20_000;
const DRIVERS = ['node:sqlite', 'better-sqlite3'];
const payload = JSON.stringify({ task: 'resize', width: 640 });
const dir = mkdtempSync(join(os.tmpdir(), 'gochan-bench-drivers-store-'));
const cpu = (since) => {
  const { user, system } = process.cpuUsage(since);
  return user + system;
};
let files = 0;

async function once(driver) {
  const store = new SqliteStore(join(dir, `b${++files}.db`), { synchronous, driver });
  let start = performance.now();
  let used = process.cpuUsage();
  for (let i = 0; i < jobs; i += batch) {
    const adds = [];
    for (let k = i; k < Math.min(jobs, i + batch); k++) adds.push(store.add({ id: `job-${k}`, payload, deadline: undefined }));
    await Promise.all(adds);
  }
  const adds = { cpu: cpu(used) / jobs, rate: jobs / ((performance.now() - start) / 1000) };
  start = performance.now();
  used = process.cpuUsage();
  let done = 0;
  while (done < jobs) {
    const claimed = await store.claim(batch, AbortSignal.timeout(5_000));
    await Promise.all(claimed.map((job) => store.complete(job)));
    done += claimed.length;
  }
  const takes = { cpu: cpu(used) / jobs, rate: jobs / ((performance.now() - start) / 1000) };
  if (store.counts().completed !== jobs) throw new Error(`${driver}: completed ${store.counts().completed} of ${jobs}`);
  await store.close();
  return { adds, takes };
}

const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');
const loadAtStart = load();
const results = Object.fromEntries(DRIVERS.map((driver) => [driver, []]));
try {
  for (let run = 0; run < runs; run++) {
    for (const driver of run % 2 === 0 ? DRIVERS : [...DRIVERS].reverse()) results[driver].push(await once(driver));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`Node ${process.version}, synchronous=${synchronous}, batches of ${batch}, ${jobs} jobs, medians of ${runs}, load average ${loadAtStart} at start, ${load()} at end`);
for (const phase of ['adds', 'takes']) {
  const [a, b] = DRIVERS.map((driver) => ({
    cpu: median(results[driver].map((r) => r[phase].cpu)),
    rate: median(results[driver].map((r) => r[phase].rate)),
  }));
  const what = phase === 'adds' ? 'adds' : 'claim+complete';
  console.log(
    `${what}: CPU µs a job ${a.cpu.toFixed(2)} (node:sqlite) vs ${b.cpu.toFixed(2)} (better-sqlite3), ${(a.cpu / b.cpu).toFixed(2)}×; ` +
      `jobs/s ${Math.round(a.rate)} vs ${Math.round(b.rate)}, ${(a.rate / b.rate).toFixed(2)}×`,
  );
}
