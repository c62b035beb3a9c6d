// `node bench/sync/loop.mjs <pairs> <mutex|semaphore|pace|empty>`: the
// per-operation price of pacing alone, for callgrind (RESULTS.md's "Counted,
// not timed"): uncontended lock()/unlock() or acquire(1)/release(1) pairs, or
// bare pace() calls, in a synchronous loop (nothing awaited), with the clock
// frozen so that no slice ever ends; 'empty' is the loop with nothing in it.
// Count it with `valgrind --tool=callgrind node --single-threaded` at
// 1,000,000 and 3,000,000 and take the difference over 2,000,000. The loop
// runs in 1,000 calls of a function so that the optimizing compiler compiles
// it as it would a caller's (a loop at a module's top level stays slower).
// SYNC_MODULE, SEMAPHORE_MODULE, CHANNEL_MODULE: builds at another ref, as
// for child.mjs. Checks that every lock and acquire returned something (its promise).
const realNow = Date.now;
const frozen = realNow();
Date.now = () => (realNow(), frozen);
const { Mutex } = await import(process.env.SYNC_MODULE ?? '@gochan/sync');
const { Weighted } = await import(process.env.SEMAPHORE_MODULE ?? '@gochan/semaphore');
const { pace } = await import(process.env.CHANNEL_MODULE ?? '@gochan/channel');

const [pairsArg, kind] = process.argv.slice(2);
const mu = new Mutex();
const sem = new Weighted(4);
const loops = {
  mutex: (n) => {
    let promises = 0;
    for (let i = 0; i < n; i++) {
      if (mu.lock() !== undefined) promises++;
      mu.unlock();
    }
    return promises;
  },
  semaphore: (n) => {
    let promises = 0;
    for (let i = 0; i < n; i++) {
      if (sem.acquire(1) !== undefined) promises++;
      sem.release(1);
    }
    return promises;
  },
  pace: (n) => {
    let open = 0;
    for (let i = 0; i < n; i++) if (pace() === null) open++;
    return open;
  },
  empty: (n) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (i >= 0) count++;
    return count;
  },
};
const loop = loops[kind];
if (loop === undefined) throw new Error(`no loop ${kind}: mutex, semaphore, pace or empty`);
const per = Number(pairsArg) / 1000;
for (let k = 0; k < 1000; k++) if (loop(per) !== per) throw new Error(`${kind}: an operation did not complete at once`);
