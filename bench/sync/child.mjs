// One measured run, in a fresh process:
//   node child.mjs <library> <workload> <operations>
// prints one JSON line { ms, ops } after checking what the run computed:
// every critical section ran exactly once and none overlapped (mutexes), or
// no more than the limit held at once (semaphores).
//
// Under instructions.mjs (callgrind), two more knobs, read before gochan loads:
//   SYNC_MODULE, SEMAPHORE_MODULE, CHANNEL_MODULE: gochan's packages as built
//     at another ref (default: the workspace's);
//   BENCH_CLOCK_TICK=R: Date.now() moves on by 1 ms every R reads (still
//     calling the real one), so that pacing's slices end after as many
//     operations as they would at full speed rather than at valgrind's
//     50-fold slowdown; 0 freezes it (no slice ever ends). The line printed
//     then also says how many macrotasks were scheduled (slices ended).
// Under steady.mjs: BENCH_WINDOWS=W runs the workload once to warm up, then W
// more times in this process, and prints the median window's rate.
import { Mutex as AsyncMutex, Semaphore as AsyncMutexSemaphore } from 'async-mutex';
import { Sema } from 'async-sema';
import pLimit from 'p-limit';
import { Mutex as EasyMutex } from '@king011/easyts/lib/es2022/sync/mutex.js';
import easyTime from '@king011/easyts/lib/es2022/time/time.js';

let macrotasks = 0;
const tick = process.env.BENCH_CLOCK_TICK;
if (tick !== undefined) {
  const every = Number(tick);
  const realNow = Date.now;
  const start = realNow();
  let reads = 0;
  Date.now = () => (realNow(), every === 0 ? start : start + Math.floor(++reads / every));
  const realSetImmediate = globalThis.setImmediate;
  globalThis.setImmediate = (...args) => (macrotasks++, realSetImmediate(...args));
}
const { Mutex, RWMutex } = await import(process.env.SYNC_MODULE ?? '@gochan/sync');
const { Weighted } = await import(process.env.SEMAPHORE_MODULE ?? '@gochan/semaphore');
const { Ticker } = await import(process.env.CHANNEL_MODULE ?? '@gochan/channel');

const [library, workload, operationsArg] = process.argv.slice(2);
const n = Number(operationsArg);
const TASKS = 8;
const LIMIT = 4;

// Each library as its README writes a lock/unlock or an acquire/release.
const mutexes = {
  gochan: () => {
    const m = new Mutex();
    return { lock: () => m.lock(), unlock: () => m.unlock() };
  },
  'async-mutex': () => {
    const m = new AsyncMutex();
    let release;
    return { lock: async () => void (release = await m.acquire()), unlock: () => release() };
  },
  '@king011/easyts': () => {
    const m = new EasyMutex();
    return { lock: () => m.lock(), unlock: () => m.unlock() };
  },
  // No lock at all, for instructions.mjs: what the loop itself costs (its
  // awaits, the section), so that a count can say what is the lock's own.
  // (Its sections never overlap only because it has one task.)
  floor: () => {
    if (workload !== 'mutex, one task (uncontended)') throw new Error('floor: one task only, or its sections would overlap');
    return { lock: () => FLOOR, unlock: () => {} };
  },
};
const FLOOR = Promise.resolve();
// gochan's RWMutex alone (instructions.mjs counts it; run.mjs has no peers for it).
const rwmutexes = {
  writer: () => {
    const m = new RWMutex();
    return { lock: () => m.lock(), unlock: () => m.unlock() };
  },
  reader: () => {
    const m = new RWMutex();
    return { lock: () => m.rLock(), unlock: () => m.rUnlock() };
  },
};
const gochanOnly = (make) => () => {
  if (library !== 'gochan') throw new Error(`${library}: this workload is gochan's alone`);
  return make();
};
const semaphores = {
  gochan: () => {
    const s = new Weighted(LIMIT);
    return { acquire: () => s.acquire(1), release: () => s.release(1) };
  },
  'async-sema': () => {
    const s = new Sema(LIMIT);
    return { acquire: () => s.acquire(), release: () => s.release() };
  },
  'async-mutex': () => {
    const s = new AsyncMutexSemaphore(LIMIT);
    return { acquire: () => s.acquire(), release: () => s.release() };
  },
  'p-limit': () => {
    // p-limit runs the function for you: one call per acquire/release pair.
    const limit = pLimit(LIMIT);
    return { run: (fn) => limit(fn) };
  },
};

// Each library's Ticker as its README writes one: make it, receive from its
// channel, reset, stop. (easyts's channel: \`await c.read()\`.)
const tickers = {
  gochan: {
    make: (ms) => new Ticker(ms),
    recv: (t) => t.c.recv(),
  },
  '@king011/easyts': {
    make: (ms) => new easyTime.Ticker(ms),
    recv: (t) => t.c.read(),
  },
};

let inside = 0;
let peak = 0;
let done = 0;
const section = async (yieldInside) => {
  inside++;
  if (inside > peak) peak = inside;
  if (yieldInside) await Promise.resolve();
  inside--;
  done++;
};

async function mutexRun(make, tasks, yieldInside) {
  const m = make();
  const per = n / tasks;
  await Promise.all(
    Array.from({ length: tasks }, async () => {
      for (let i = 0; i < per; i++) {
        await m.lock();
        await section(yieldInside);
        m.unlock();
      }
    }),
  );
  if (done !== n || peak !== 1) throw new Error(`${library}: ${done} sections of ${n}, peak ${peak} holders`);
}

async function semaphoreRun(make) {
  const s = make();
  const per = n / TASKS;
  await Promise.all(
    Array.from({ length: TASKS }, async () => {
      for (let i = 0; i < per; i++) {
        if (s.run) await s.run(() => section(true));
        else {
          await s.acquire();
          await section(true);
          s.release();
        }
      }
    }),
  );
  if (done !== n || peak > LIMIT || peak < 2) throw new Error(`${library}: ${done} of ${n}, peak ${peak} (limit ${LIMIT})`);
}

// Many tickers, a receiver each, for a fixed time: the CPU spent per tick
// delivered (the rate is ticks per CPU second). Checks that every receiver
// got ticks, none got more than the period allows, and that after stop
// nothing is left to keep the process alive.
const TICKERS = 1000;
const TICK_MS = 1;
async function tickerDelivery(api, ms) {
  const all = Array.from({ length: TICKERS }, () => api.make(TICK_MS));
  let running = true;
  const counts = new Array(TICKERS).fill(0);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const receivers = all.map(async (t, i) => {
    while (running) {
      await api.recv(t);
      counts[i]++;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  running = false;
  for (const t of all) t.stop();
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const ticks = counts.reduce((a, b) => a + b, 0);
  if (counts.some((c) => c === 0 || c > elapsed / TICK_MS + 1)) throw new Error(`${library}: tick counts out of range`);
  checkNothingLeft();
  void receivers; // parked for good on stopped tickers, as in Go
  return { ops: ticks / ((used.user + used.system) / 1e6) };
}

// A ticker's whole life, as a select loop's timeout often is: make, reset, stop.
function tickerLife(api) {
  for (let i = 0; i < n; i++) {
    const t = api.make(1000);
    t.reset(500);
    t.stop();
  }
  checkNothingLeft();
}

function checkNothingLeft() {
  const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  if (timers !== 0) throw new Error(`${library}: ${timers} timers left after stop`);
}

const runs = {
  'ticker, 1000 tickers of 1 ms, a receiver each (ticks per CPU second)': () => tickerDelivery(tickers[library], 1500),
  'ticker: make, reset, stop': () => tickerLife(tickers[library]),
  'mutex, one task (uncontended)': () => mutexRun(mutexes[library], 1, false),
  'mutex, 8 tasks that await inside the lock': () => mutexRun(mutexes[library], TASKS, true),
  'semaphore of 4, 8 tasks': () => semaphoreRun(semaphores[library]),
  'rwmutex, one task (uncontended)': () => mutexRun(gochanOnly(rwmutexes.writer), 1, false),
  'rwmutex readers, one task (uncontended)': () => mutexRun(gochanOnly(rwmutexes.reader), 1, false),
};
if (!runs[workload]) throw new Error(`no workload ${workload}`);
const windows = Number(process.env.BENCH_WINDOWS ?? 0);
if (windows > 0) {
  // Steady state (steady.mjs): one run to warm up, then `windows` runs of
  // the same workload in this process, each checked as every run is; prints
  // the median window's rate by the wall clock and by this process's CPU
  // time, and the slowest and fastest windows.
  await runs[workload]();
  const wall = [];
  const cpu = [];
  for (let w = 0; w < windows; w++) {
    done = peak = 0;
    const used = process.cpuUsage();
    const start = performance.now();
    await runs[workload]();
    const ms = performance.now() - start;
    const { user, system } = process.cpuUsage(used);
    wall.push((n / ms) * 1000);
    cpu.push(n / ((user + system) / 1e6));
  }
  const middle = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log(JSON.stringify({ ops: middle(wall), cpuOps: middle(cpu), slowest: Math.min(...wall), fastest: Math.max(...wall) }));
} else {
  const start = performance.now();
  const measured = await runs[workload]();
  const ms = performance.now() - start;
  console.log(JSON.stringify({ ms, ops: measured?.ops ?? (n / ms) * 1000, ...(tick === undefined ? {} : { macrotasks }) }));
}
