// One measurement of the threads benchmarks, in a fresh process: prints one
// JSON line. `node child.mjs <workload> <lib> <threads> [...]`.
//   cpu      <lib> <threads> <jobs> <rounds>  the articles' pool of 4 on the hash job
//            (lib gochan-nice: gochan with its threads NICE nicer, setNice)
//   noop     <lib> <threads> <values>         no-op values, at most 1,024 in flight
//   pingpong <lib> <rounds>                   unbuffered ping-pong between two threads
//   memory   gochan <threads> <values>        RSS per thread, and over many messages
import { Channel } from '@gochan/channel';
import { GOMAXPROCS, close, go, setNice } from '@gochan/threads';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { checksum, hash } from './hash.mjs';
import { NICE } from './nice.mjs';
import { WARM_JOBS, WARM_ROUNDS } from './warm.mjs';
import { pass as feed } from './pass.mjs';

const [workload, lib, ...rest] = process.argv.slice(2);
const here = (name) => new URL(`./${name}`, import.meta.url);
const IN_FLIGHT = 1024;
const WORKERS = 4; // the articles' pool
/**
 * Goroutines of the no-op workload: enough that each thread has many
 * operations to batch (a goroutine moves one value per two round trips to the
 * main thread; measured with 64, 256 and 1,024: 155, 256 and 184 k/s).
 */
const NOOP_GOROUTINES = Number(process.env.NOOP_GOROUTINES ?? 256);
/**
 * Tasks a thread pool gives one thread at once in the no-op workload
 * (piscina's and tinypool's `concurrentTasksPerWorker`, default 1 in both):
 * with 1, a no-op run is bound by one round trip per task per thread
 * (16-20 k/s here); with the in-flight bound shared among the threads, each
 * is at its fastest (tinypool 53 k/s, piscina 48 k/s). The peers are measured
 * at their best.
 */
const TASKS_PER_THREAD = process.env.TASKS_PER_THREAD;

async function cpuGochan(threads, jobs, rounds, nice = 0) {
  GOMAXPROCS(threads);
  setNice(nice);
  const run = async (count, r = rounds) => {
    const jobsCh = new Channel(100);
    const results = new Channel(100);
    const workers = Array.from({ length: WORKERS }, () => go(here('hash-goroutine.mjs'), jobsCh, results, r));
    void (async () => {
      for (let j = 0; j < count; j++) await jobsCh.send(j);
      jobsCh.close();
    })();
    const hashes = [];
    for (let j = 0; j < count; j++) hashes.push((await results.recv())[0]);
    await Promise.all(workers);
    return hashes;
  };
  await run(WORKERS * threads); // warm: threads started, modules loaded and compiled
  if (WARM_JOBS > 0) await run(WARM_JOBS, WARM_ROUNDS);
  const t0 = performance.now();
  const hashes = await run(jobs);
  const seconds = (performance.now() - t0) / 1e3;
  await close();
  return { seconds, checksum: checksum(hashes) };
}

async function taskPool(name, threads, perThread = 1) {
  if (name === 'piscina') {
    const { Piscina } = await import('piscina');
    const pool = new Piscina({ filename: here('hash-task.mjs').href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, concurrentTasksPerWorker: perThread });
    return { run: (task, file) => pool.run(task, file ? { filename: here(file).href } : undefined), close: () => pool.destroy() };
  }
  if (name === 'tinypool') {
    const { Tinypool } = await import('tinypool');
    const pool = new Tinypool({ filename: here('hash-task.mjs').href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, concurrentTasksPerWorker: perThread });
    return { run: (task, file) => pool.run(task, file ? { filename: here(file).href } : undefined), close: () => pool.destroy() };
  }
  if (name === 'workerpool') {
    const workerpool = (await import('workerpool')).default;
    const pool = workerpool.pool({ minWorkers: threads, maxWorkers: threads, workerType: 'thread' });
    const noop = (v) => v;
    return { run: (task) => pool.exec(noop, [task]), close: () => pool.terminate() };
  }
  throw new Error(`no task pool ${name}`);
}

async function cpuTasks(name, threads, jobs, rounds) {
  const pool = await taskPool(name, threads);
  const run = (count) => Promise.all(Array.from({ length: count }, (_, job) => pool.run({ job, rounds })));
  await run(WORKERS * threads);
  if (WARM_JOBS > 0) await Promise.all(Array.from({ length: WARM_JOBS }, (_, job) => pool.run({ job, rounds: WARM_ROUNDS })));
  const t0 = performance.now();
  const hashes = await run(jobs);
  const seconds = (performance.now() - t0) / 1e3;
  await pool.close();
  return { seconds, checksum: checksum(hashes) };
}

function cpuGo(threads, jobs, rounds) {
  const out = execFileSync(process.env.GO_BENCH_BINARY, [String(jobs), String(rounds), String(WORKERS)], { env: { ...process.env, GOMAXPROCS: String(threads) }, encoding: 'utf8' });
  const [sum, seconds] = out.trim().split(' ');
  return { seconds: Number(seconds), checksum: Number(sum) };
}

async function noopGochan(threads, values) {
  GOMAXPROCS(threads);
  const jobs = new Channel(IN_FLIGHT);
  const results = new Channel(IN_FLIGHT);
  const workers = Array.from({ length: NOOP_GOROUTINES }, () => go(here('noop-goroutine.mjs'), jobs, results));
  const pass = (count) => feed(jobs, results, count, IN_FLIGHT);
  await pass(10_000);
  const t0 = performance.now();
  const sum = await pass(values);
  const seconds = (performance.now() - t0) / 1e3;
  jobs.close();
  await Promise.all(workers);
  await close();
  return { seconds, rate: values / seconds, checksum: sum, goroutines: NOOP_GOROUTINES };
}

async function noopTasks(name, threads, values) {
  const perThread = Number(TASKS_PER_THREAD ?? IN_FLIGHT / threads);
  const pool = await taskPool(name, threads, perThread);
  const pass = (count) =>
    new Promise((resolve, reject) => {
      let started = 0;
      let finished = 0;
      let sum = 0;
      const next = () => {
        const i = started++;
        pool.run(i, 'noop-task.mjs').then((v) => {
          sum += v;
          if (++finished === count) resolve(sum);
          else if (started < count) next();
        }, reject);
      };
      for (let k = 0; k < Math.min(IN_FLIGHT, count); k++) next();
    });
  await pass(10_000);
  const t0 = performance.now();
  const sum = await pass(values);
  const seconds = (performance.now() - t0) / 1e3;
  await pool.close();
  return { seconds, rate: values / seconds, checksum: sum, tasksPerThread: name === 'workerpool' ? 1 : perThread };
}

async function pingGochan(rounds) {
  const ping = new Channel();
  const pong = new Channel();
  const other = go(here('pong-goroutine.mjs'), ping, pong, rounds + 1000);
  const pass = async (count) => {
    let ball = 0;
    for (let i = 0; i < count; i++) {
      await ping.send(ball);
      ball = (await pong.recv())[0];
    }
    return ball;
  };
  await pass(1000);
  const t0 = performance.now();
  const ball = await pass(rounds);
  const seconds = (performance.now() - t0) / 1e3;
  await other;
  await close();
  return { seconds, rate: rounds / seconds, checksum: ball };
}

async function pingPostMessage(rounds) {
  const worker = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', (b) => parentPort.postMessage(b + 1));", { eval: true });
  const pass = (count) =>
    new Promise((resolve) => {
      let left = count;
      worker.on('message', function onBall(ball) {
        if (--left === 0) {
          worker.off('message', onBall);
          resolve(ball);
        } else worker.postMessage(ball);
      });
      worker.postMessage(0);
    });
  await pass(1000);
  const t0 = performance.now();
  const ball = await pass(rounds);
  const seconds = (performance.now() - t0) / 1e3;
  await worker.terminate();
  return { seconds, rate: rounds / seconds, checksum: ball };
}

async function pingAtomics(rounds) {
  // Two words: [0] the turn (0: main's, 1: the worker's), [1] the ball. Each side waits with Atomics.waitAsync.
  const words = new Int32Array(new SharedArrayBuffer(8));
  const source = `const { workerData } = require('node:worker_threads');
    const words = new Int32Array(workerData);
    const keepAlive = setInterval(() => {}, 1000);
    (async () => { for (;;) {
      const w = Atomics.waitAsync(words, 0, 0); if (w.async) await w.value;
      if (Atomics.load(words, 0) === 2) return clearInterval(keepAlive);
      words[1]++; Atomics.store(words, 0, 0); Atomics.notify(words, 0);
    } })();`;
  const worker = new Worker(source, { eval: true, workerData: words.buffer });
  // Atomics.waitAsync keeps no event loop alive by itself.
  const keepAlive = setInterval(() => {}, 1000);
  const pass = async (count) => {
    for (let i = 0; i < count; i++) {
      Atomics.store(words, 0, 1);
      Atomics.notify(words, 0);
      const w = Atomics.waitAsync(words, 0, 1);
      if (w.async) await w.value;
    }
    return words[1];
  };
  await pass(1000);
  const t0 = performance.now();
  const ball = await pass(rounds);
  const seconds = (performance.now() - t0) / 1e3;
  Atomics.store(words, 0, 2);
  Atomics.notify(words, 0);
  clearInterval(keepAlive);
  await worker.terminate();
  return { seconds, rate: rounds / seconds, checksum: ball - 1000 };
}

async function memory(threads, values) {
  GOMAXPROCS(threads);
  global.gc?.();
  const before = process.memoryUsage().rss;
  const jobs = new Channel(IN_FLIGHT);
  const results = new Channel(IN_FLIGHT);
  const workers = Array.from({ length: threads }, () => go(here('noop-goroutine.mjs'), jobs, results));
  const pass = (count) => feed(jobs, results, count, IN_FLIGHT);
  await pass(1000);
  const started = process.memoryUsage().rss;
  await pass(values / 10);
  global.gc?.();
  const atTenth = process.memoryUsage().rss;
  const heapAtTenth = process.memoryUsage().heapUsed;
  await pass(values - values / 10);
  global.gc?.();
  const atEnd = process.memoryUsage().rss;
  const heapAtEnd = process.memoryUsage().heapUsed;
  jobs.close();
  await Promise.all(workers);
  await close();
  return { perThreadMB: (started - before) / threads / 2 ** 20, growthMB: (atEnd - atTenth) / 2 ** 20, atTenthMB: atTenth / 2 ** 20, atEndMB: atEnd / 2 ** 20, heapGrowthMB: (heapAtEnd - heapAtTenth) / 2 ** 20 };
}

const n = (i) => Number(rest[i]);
let result;
if (workload === 'cpu') {
  const [threads, jobs, rounds] = [n(0), n(1), n(2)];
  if (lib === 'gochan') result = await cpuGochan(threads, jobs, rounds);
  else if (lib === 'gochan-nice') result = await cpuGochan(threads, jobs, rounds, NICE);
  else if (lib === 'go') result = cpuGo(threads, jobs, rounds);
  else result = await cpuTasks(lib, threads, jobs, rounds);
  let expected = 0;
  for (let j = 0; j < jobs; j++) expected = (expected + hash(j, rounds)) >>> 0;
  if (result.checksum !== expected) throw new Error(`${lib}: checksum ${result.checksum}, expected ${expected}`);
} else if (workload === 'noop') {
  const [threads, values] = [n(0), n(1)];
  result = lib === 'gochan' ? await noopGochan(threads, values) : await noopTasks(lib, threads, values);
  if (result.checksum !== (values * (values - 1)) / 2) throw new Error(`${lib}: no-op sum ${result.checksum}, expected ${(values * (values - 1)) / 2}`);
} else if (workload === 'pingpong') {
  const rounds = n(0);
  result = lib === 'gochan' ? await pingGochan(rounds) : lib === 'postMessage' ? await pingPostMessage(rounds) : await pingAtomics(rounds);
  if (result.checksum !== rounds) throw new Error(`${lib}: ball ${result.checksum} after ${rounds} round trips`);
} else if (workload === 'memory') {
  result = await memory(n(0), n(1));
} else {
  throw new Error(`no workload ${workload}`);
}
console.log(JSON.stringify({ workload, lib, args: rest, ...result }));
