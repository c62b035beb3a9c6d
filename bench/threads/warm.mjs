/**
 * The JIT warm-up of the CPU-bound benchmarks (child.mjs, pool-child.mjs):
 * before the timed jobs, every Node library runs WARM_JOBS short jobs
 * (the same hash at WARM_ROUNDS rounds, a few µs each) through the very
 * pool, channels and threads it is then timed on, so that the timed run
 * measures each library's steady state, as a server that has been up for a
 * while sees it, not the first few hundred calls of its code before V8 has
 * optimized it. Go has no JIT; its program is timed as it is.
 *
 * Why (8 Dec 2026, 2 cores, side by side): on 600 jobs of 3.3 ms at 2
 * threads, the threaded pool's main thread used 86-103 µs of CPU a job
 * cold and 50-86 µs after 20,000 short jobs (its schedstat): that time is
 * taken from the computing threads' cores. Six rounds of each, cold against
 * after this warm-up, medians of each round's 2 ÷ 1 thread: the pool 1.83×
 * → 1.94× (`nice: 10` 1.90× → 1.94×), `go()` × 4 1.88× → 1.91× (with
 * `setNice(10)` 1.90× → 1.94×), tinypool 1.98-2.02× → 1.97-2.07×, within
 * its spread. The scaling measured cold was partly V8's interpreter's.
 * `WARM_JOBS=0` measures the cold start.
 */
export const WARM_JOBS = Number(process.env.WARM_JOBS ?? 5000);
export const WARM_ROUNDS = 1000;
