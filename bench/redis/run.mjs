// `node bench/redis/run.mjs`: the pool on RedisStore against a hand-written
// XADD/XREADGROUP/XACK floor, on one redis-server this runner starts (a free
// port, appendonly on, appendfsync everysec: Redis's default), each run a
// fresh child process (child.mjs) on a fresh queue that checks every job ran.
// 20k no-op jobs at 4 and 64 workers; one awaited submit at a time over 2k.
// Medians of REDIS_BENCH_RUNS rounds (default 3) go to results.json.
//
// Missing (see the issue): BullMQ and Bee-Queue beside them, and the recovery
// time after kill -9 (the HTTP server's end-to-end test checks it is bounded).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.REDIS_BENCH_RUNS ?? 3);
const JOBS = 20_000;
const ENTRIES = [
  ...[4, 64].flatMap((workers) => [
    { entry: 'gochan', workers, jobs: JOBS },
    { entry: 'floor', workers, jobs: JOBS },
  ]),
  { entry: 'serial', workers: 1, jobs: 2_000 },
];
const child = new URL('./child.mjs', import.meta.url).pathname;

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(os.tmpdir(), 'gochan-bench-redis-'));
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], { stdio: 'ignore' });
for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
const url = `redis://127.0.0.1:${port}`;

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
let queues = 0;
const results = [];
try {
  for (const { entry, workers, jobs } of ENTRIES) {
    const runs = [];
    for (let round = 0; round < RUNS; round++) {
      const run = spawnSync(process.execPath, [child, entry, String(workers), String(jobs), url, `bench-${++queues}`], { encoding: 'utf8', timeout: 300_000 });
      if (run.status !== 0) throw new Error(`${entry} at ${workers}: exited ${run.status}\n${run.stderr}`);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1));
      if (result.ran !== jobs) throw new Error(`${entry} at ${workers}: ${result.ran} of ${jobs} jobs ran`);
      runs.push(result);
    }
    const row = {
      entry,
      workers,
      jobs,
      submitPerSec: median(runs.map((r) => r.submitPerSec)),
      e2ePerSec: median(runs.map((r) => r.e2ePerSec)),
      cpuUsPerJob: median(runs.map((r) => r.cpuUsPerJob)),
    };
    console.log(JSON.stringify(row));
    results.push(row);
  }
} finally {
  redis.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
const machine = { node: process.version, cpus: os.cpus().length, redis: spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim(), runs: RUNS };
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ machine, results }, null, 2)}\n`);
