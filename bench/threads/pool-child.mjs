// One measurement of the threaded pool's benchmarks (issue 20), in a fresh
// process: prints one JSON line. `node pool-child.mjs <workload> <lib> ...`.
//   cpu       <lib> <threads> <jobs> <rounds>  the hash job, 4 jobs in flight (the articles' pool of 4)
//   noop      <lib> <threads> <values>         no-op jobs, at most 1,024 in flight
//   eventloop <lib> <threads> <jobs> <rounds>  the event loop's delay (monitorEventLoopDelay) while the cpu workload runs
// <lib>: pool (WorkerPool with a module handler, on @gochan/threads), pool-nice (the same with
// its threads NICE nicer: the pool's `nice`), lanes (noop only: the hand-off's channels
// alone, no pool: the floor of the threads package for the pool's pattern), pool-function
// (the same pool with a function handler, on this thread: the contrast), piscina,
// tinypool, go (cpu only: go/main.go, built by pool-run.mjs; GO_BENCH_BINARY),
// bare (eventloop only: the floor, <threads> bare worker threads each computing
// its share of the jobs in one go, no message per job, the main thread idle).
// Every run checks what it computed: the sum of the hashes against one
// computed apart, or the sum of the no-op values.
import { WorkerPool } from '@gochan/pool';
import { GOMAXPROCS, close } from '@gochan/threads';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { checksum, hash } from './hash.mjs';
import { NICE } from './nice.mjs';
import { WARM_JOBS, WARM_ROUNDS } from './warm.mjs';

const [workload, lib, ...rest] = process.argv.slice(2);
const here = (name) => new URL(`./${name}`, import.meta.url);
const IN_FLIGHT = 1024;
/** The articles' pool: 4 workers. */
const CPU_WORKERS = 4;
/** Workers of the no-op workload: jobs in flight enough for each thread to batch its messages (child.mjs found 256 goroutines fastest). */
const NOOP_WORKERS = Number(process.env.NOOP_WORKERS ?? 256);
/**
 * The peers at their best, as child.mjs measures them: in the no-op
 * workload each thread of piscina and tinypool is given its share of the
 * jobs in flight at once (`concurrentTasksPerWorker`, default 1); the CPU
 * workload keeps their default.
 */
const TASKS_PER_THREAD = process.env.TASKS_PER_THREAD;

/** A runner of jobs for `lib`: run(payload) resolves with the job's result. */
async function runner(name, threads, workers, kind) {
  if (name === 'pool' || name === 'pool-nice' || name === 'pool-function') {
    const threaded = name !== 'pool-function';
    const handler = threaded ? here(`${kind}-handler.mjs`) : (await import(here(`${kind}-handler.mjs`).href)).default;
    const pool = new WorkerPool({ workers, queueSize: IN_FLIGHT, handler, ...(threaded ? { threads } : {}), ...(name === 'pool-nice' ? { nice: NICE } : {}) });
    let id = 0;
    return {
      run: (payload) => pool.run({ id: String(id++), payload }),
      close: async () => {
        const report = await pool.shutdown();
        if (report.unfinished.length !== 0) throw new Error(`pool: ${report.unfinished.length} jobs unfinished`);
        await close();
      },
    };
  }
  const task = kind === 'hash' ? 'hash-task.mjs' : 'noop-task.mjs';
  const options = { filename: here(task).href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 };
  if (kind === 'noop') options.concurrentTasksPerWorker = Number(TASKS_PER_THREAD ?? IN_FLIGHT / threads);
  if (name === 'piscina') {
    const { Piscina } = await import('piscina');
    const pool = new Piscina(options);
    return { run: (payload) => pool.run(kind === 'hash' ? { job: payload[0], rounds: payload[1] } : payload), close: () => pool.destroy() };
  }
  if (name === 'tinypool') {
    const { Tinypool } = await import('tinypool');
    const pool = new Tinypool(options);
    return { run: (payload) => pool.run(kind === 'hash' ? { job: payload[0], rounds: payload[1] } : payload), close: () => pool.destroy() };
  }
  throw new Error(`no library ${name}`);
}

/** Runs `count` jobs with at most `limit` in flight; resolves with their results' checksum (cpu) or sum (noop). */
function feed(run, count, limit, payload, combine) {
  return new Promise((resolve, reject) => {
    let started = 0;
    let finished = 0;
    let acc = 0;
    const next = () => {
      const i = started++;
      run(payload(i)).then((value) => {
        acc = combine(acc, value);
        if (++finished === count) resolve(acc);
        else if (started < count) next();
      }, reject);
    };
    for (let k = 0; k < Math.min(limit, count); k++) next();
  });
}

const sumHashes = (acc, h) => (acc + h) >>> 0;

async function cpu(name, threads, jobs, rounds, watch) {
  if (name === 'go') {
    const out = execFileSync(process.env.GO_BENCH_BINARY, [String(jobs), String(rounds), String(CPU_WORKERS)], { env: { ...process.env, GOMAXPROCS: String(threads) }, encoding: 'utf8' });
    const [sum, seconds] = out.trim().split(' ');
    return { seconds: Number(seconds), rate: jobs / Number(seconds), checksum: Number(sum) };
  }
  if (name === 'bare') return bare(threads, jobs, rounds);
  if (name === 'pool' || name === 'pool-nice') GOMAXPROCS(threads);
  const pool = await runner(name, threads, CPU_WORKERS, 'hash');
  // A task pool queues what it is given; ours has its workers. The event
  // loop's delay is measured as a server sees it, jobs arriving while others
  // run (two per worker in flight): 600 submitted in one synchronous burst
  // would hold the loop for the burst itself (2-5 ms of the caller's own
  // pool.run calls, measured), which says nothing of the handlers.
  const limit = watch ? CPU_WORKERS * 2 : name.startsWith('pool') ? IN_FLIGHT : CPU_WORKERS * 2;
  await feed(pool.run, CPU_WORKERS * threads, limit, (i) => [i, rounds], sumHashes); // warm: threads up, modules compiled
  if (WARM_JOBS > 0) await feed(pool.run, WARM_JOBS, limit, (i) => [i, WARM_ROUNDS], sumHashes);
  const watching = watch ? watchLoop() : undefined;
  const t0 = performance.now();
  const sum = await feed(pool.run, jobs, limit, (i) => [i, rounds], sumHashes);
  const seconds = (performance.now() - t0) / 1e3;
  const delays = await watching?.stop();
  await pool.close();
  return { seconds, rate: jobs / seconds, checksum: sum, ...delays };
}

/**
 * Watches the event loop's delay until stop(): monitorEventLoopDelay at 1 ms,
 * and a second witness, the longest gap between the ticks of a 1 ms interval,
 * up to a tick after the run (monitorEventLoopDelay has no sample when the
 * loop never turned during the run).
 */
function watchLoop() {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let gap = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 1);
  delay.enable();
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 0));
      clearInterval(probe);
      delay.disable();
      const sampled = delay.count > 0;
      return {
        delaySamples: delay.count,
        delayMaxMs: sampled ? delay.max / 1e6 : null,
        delayP99Ms: sampled ? delay.percentile(99) / 1e6 : null,
        delayMeanMs: sampled ? delay.mean / 1e6 : null,
        probeMaxGapMs: gap,
      };
    },
  };
}

/**
 * The floor of the event loop's delay while every core computes: `threads`
 * bare worker threads (hash-share.mjs), each computing every threads-th job
 * in one go, while the main thread does nothing but watch its own loop. No
 * pool can give its event loop less delay than this on the same machine.
 */
async function bare(threads, jobs, rounds) {
  const workers = Array.from({ length: threads }, (_, first) => new Worker(here('hash-share.mjs'), { workerData: { first, step: threads, jobs, rounds } }));
  await Promise.all(workers.map((worker) => new Promise((resolve, reject) => (worker.once('online', resolve), worker.once('error', reject)))));
  const sums = workers.map((worker) => new Promise((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject))));
  const watching = watchLoop();
  const t0 = performance.now();
  for (const worker of workers) worker.postMessage('go');
  const sum = (await Promise.all(sums)).reduce(sumHashes, 0);
  const seconds = (performance.now() - t0) / 1e3;
  const delays = await watching.stop();
  await Promise.all(workers.map((worker) => worker.terminate()));
  return { seconds, rate: jobs / seconds, checksum: sum, ...delays };
}

/**
 * The hand-off's floor: NOOP_WORKERS loops on this thread, each as a worker
 * of the threaded pool with its lane (packages/pool/src/thread-handler.ts):
 * sends a job's tuple on an unbuffered channel to its own goroutine
 * (lane-goroutine.mjs) and receives the outcome on another, with no pool
 * around them. What the pool adds per job is 1/pool - 1/lanes.
 */
async function lanes(threads) {
  GOMAXPROCS(threads);
  const { Channel } = await import('@gochan/channel');
  const { go } = await import('@gochan/threads');
  const all = Array.from({ length: NOOP_WORKERS }, () => {
    const jobs = new Channel();
    const results = new Channel();
    return { jobs, results, goroutine: go(here('lane-goroutine.mjs'), jobs, results) };
  });
  const queue = [];
  const waiting = [];
  let closing = false;
  /** Runs queued payloads on a lane while any are queued; the job's tuple is the hand-off's. */
  const serve = async (lane) => {
    for (;;) {
      const item = queue.pop();
      if (item === undefined) {
        if (closing) return;
        await new Promise((resolve) => waiting.push(resolve));
        continue;
      }
      await lane.jobs.send([String(item[0]), item[0], undefined, null]);
      const [outcome] = await lane.results.recv();
      item[1](outcome[1]);
    }
  };
  const serving = all.map(serve);
  return {
    run: (payload) =>
      new Promise((resolve) => {
        queue.push([payload, resolve]);
        waiting.pop()?.();
      }),
    close: async () => {
      closing = true;
      for (const wake of waiting.splice(0)) wake();
      await Promise.all(serving);
      for (const lane of all) lane.jobs.close();
      await Promise.all(all.map((lane) => lane.goroutine));
      await close();
    },
  };
}

async function noop(name, threads, values) {
  if (name === 'pool' || name === 'pool-nice') GOMAXPROCS(threads);
  const pool = name === 'lanes' ? await lanes(threads) : await runner(name, threads, NOOP_WORKERS, 'noop');
  await feed(pool.run, 10_000, IN_FLIGHT, (i) => i, (a, v) => a + v);
  const t0 = performance.now();
  const sum = await feed(pool.run, values, IN_FLIGHT, (i) => i, (a, v) => a + v);
  const seconds = (performance.now() - t0) / 1e3;
  await pool.close();
  return { seconds, rate: values / seconds, checksum: sum };
}

const n = (i) => Number(rest[i]);
let result;
if (workload === 'cpu' || workload === 'eventloop') {
  const [threads, jobs, rounds] = [n(0), n(1), n(2)];
  result = await cpu(lib, threads, jobs, rounds, workload === 'eventloop');
  let expected = 0;
  for (let j = 0; j < jobs; j++) expected = (expected + hash(j, rounds)) >>> 0;
  if (result.checksum !== expected) throw new Error(`${lib}: checksum ${result.checksum}, expected ${expected}`);
  void checksum;
} else if (workload === 'noop') {
  const [threads, values] = [n(0), n(1)];
  result = await noop(lib, threads, values);
  if (result.checksum !== (values * (values - 1)) / 2) throw new Error(`${lib}: no-op sum ${result.checksum}, expected ${(values * (values - 1)) / 2}`);
} else {
  throw new Error(`no workload ${workload}`);
}
console.log(JSON.stringify({ workload, lib, args: rest, ...result }));
