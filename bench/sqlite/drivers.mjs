// The store's two SQLite bindings side by side on one Node (24 or later, which
// has both): node:sqlite against better-sqlite3, in one session.
//   node bench/sqlite/drivers.mjs [rounds]      (after a build; default 5 rounds)
// - end to end: the pool on its SQLite store, 20k no-op jobs (child.mjs's
//   'gochan' entry, as `pnpm bench sqlite` runs it), synchronous FULL and
//   NORMAL, 4 and 64 workers; each run a fresh process on a fresh file that
//   checks every job ran exactly once;
// - the store alone (packages/store-sqlite/bench/throughput.mjs: adds, then
//   claims and completes, batches of 1, 64 and 1000), one process per binding
//   a round;
// - recovery: a process holding 10 claimed jobs is SIGKILLed, and another
//   process's re-runs are timed (lease 2 s).
// The bindings take turns within each round, in an order that alternates
// round by round. The end-to-end runs report the jobs per second and the
// CPU time of the child process per job (less moved than the clock by what
// else the machine runs). Prints medians of the rounds and the ratio node:sqlite /
// better-sqlite3 for each cell, with the load average at start and end.
// GOCHAN_SQLITE_DRIVER picks the binding in each child; DRIVERS_E2E_ONLY=1
// measures the end-to-end runs alone. Each cell's runs are printed too.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { timeRecovery } from '../recovery.mjs';
import { median } from '../support.mjs';

const ROUNDS = Number(process.argv[2] ?? 5);
const DRIVERS = ['node:sqlite', 'better-sqlite3'];
const JOBS = 20_000;
const STORE_JOBS = 5_000;
const child = new URL('./child.mjs', import.meta.url).pathname;
const recoverChild = new URL('./recover-child.mjs', import.meta.url).pathname;
const throughput = new URL('../../packages/store-sqlite/bench/throughput.mjs', import.meta.url).pathname;
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');
const envFor = (driver) => ({ ...process.env, GOCHAN_SQLITE_DRIVER: driver, OURS_QUEUE: '1000', OURS_PREFETCH: '1000', OURS_PRODUCERS: '1000' });

if (Number(process.versions.node.split('.')[0]) < 24) throw new Error(`node:sqlite is used from Node 24 on; this is Node ${process.versions.node}`);

function endToEnd(driver, synchronous, workers) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, 'gochan', synchronous, String(workers), String(JOBS)], { env: envFor(driver), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.stderr.on('data', (chunk) => (err += chunk));
    proc.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`${driver} ${synchronous} ${workers}: exit ${code}\n${err}`))));
  });
}

/** throughput.mjs's lines as { 'adds full 1': rate, ... }. */
function storeAlone(driver) {
  const ran = spawnSync(process.execPath, [throughput, String(STORE_JOBS)], { env: envFor(driver), encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`throughput.mjs on ${driver}: exit ${ran.status}\n${ran.stderr}`);
  const rates = {};
  for (const [, synchronous, batch, adds, takes] of ran.stdout.matchAll(/synchronous=(\w+) batch=(\d+): (\d+) adds\/s, (\d+) claim\+complete\/s/g)) {
    rates[`store alone, adds, ${synchronous}, batch ${batch}`] = Number(adds);
    rates[`store alone, claim+complete, ${synchronous}, batch ${batch}`] = Number(takes);
  }
  return rates;
}

async function recovery(driver) {
  const dir = mkdtempSync(join(os.tmpdir(), 'gochan-bench-drivers-'));
  const file = join(dir, 'queue.db');
  const previous = process.env.GOCHAN_SQLITE_DRIVER;
  process.env.GOCHAN_SQLITE_DRIVER = driver; // timeRecovery's children inherit this process's environment
  try {
    return await timeRecovery(`gochan on ${driver}`, 10, (role) => [recoverChild, 'gochan', role, file, '10', '2000']);
  } finally {
    if (previous === undefined) delete process.env.GOCHAN_SQLITE_DRIVER;
    else process.env.GOCHAN_SQLITE_DRIVER = previous;
    rmSync(dir, { recursive: true, force: true });
  }
}

const cells = new Map(); // name -> { 'node:sqlite': [], 'better-sqlite3': [] }
const record = (name, driver, value) => {
  if (!cells.has(name)) cells.set(name, Object.fromEntries(DRIVERS.map((d) => [d, []])));
  cells.get(name)[driver].push(value);
};

const loadAtStart = load();
const startedAt = new Date();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? DRIVERS : [...DRIVERS].reverse();
  for (const synchronous of ['full', 'normal']) {
    for (const workers of [4, 64]) {
      for (const driver of order) {
        const { jobsPerSecond, cpuMs } = await endToEnd(driver, synchronous, workers);
        record(`pool end to end, jobs/s, ${synchronous.toUpperCase()}, ${workers} workers`, driver, jobsPerSecond);
        record(`pool end to end, CPU µs a job (the whole process), ${synchronous.toUpperCase()}, ${workers} workers`, driver, (cpuMs * 1000) / JOBS);
      }
    }
  }
  if (round < 3 && !process.env.DRIVERS_E2E_ONLY) {
    for (const driver of order) for (const [name, rate] of Object.entries(storeAlone(driver))) record(name, driver, rate);
    for (const driver of order) record('recovery after kill -9, ms to the last re-run (lease 2000)', driver, (await recovery(driver)).lastMs);
  }
  console.error(`round ${round + 1} of ${ROUNDS} done (load ${load()})`);
}

console.log(`Node ${process.version}, ${startedAt.toISOString()}, ${ROUNDS} rounds (store alone and recovery: ${Math.min(ROUNDS, 3)}), load average at start ${loadAtStart}, at end ${load()}`);
console.log('| what | node:sqlite | better-sqlite3 | node:sqlite / better-sqlite3 |');
console.log('|---|---|---|---|');
for (const [name, runs] of cells) {
  const a = median(runs['node:sqlite']);
  const b = median(runs['better-sqlite3']);
  const fmt = (v) => (v >= 1000 ? Math.round(v).toLocaleString('en') : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  console.log(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${(a / b).toFixed(2)}× |`);
}
console.log('\nEach run, in the order taken:');
for (const [name, runs] of cells) console.log(`${name}: ${DRIVERS.map((d) => `${d} ${runs[d].map((v) => (v >= 100 ? Math.round(v) : v.toFixed(1))).join(', ')}`).join('; ')}`);
