// `node bench/pool/instructions.mjs [workload] [workers]`: what a job costs,
// counted in instructions rather than timed, for the comparisons that wall
// time on a shared 2-core machine cannot settle (a few hundred instructions
// a job). Each library's child (child.mjs, the pool suite's own) runs under
// `valgrind --tool=callgrind` twice, with W + N and W + 3N jobs through one
// pool; the difference over 2N is the cost of one job in the window from
// job W + N to job W + 3N, with start-up, loading and the first W + N jobs
// taken out.
//
// Steady state: the W jobs of warm-up. With W = 0 (the method of the first
// counts) the window starts at job N, and what V8 still compiles after
// that, which is mostly the metrics' sampled path (one job in 64 takes it,
// so its functions get hot late), is counted as a cost per job of the build
// that has it. Both runs of every library get the same W, so every column
// is counted the same way; a build counts within about 1% from one run to
// the next once W is past the JIT's warm-up (bench/RESULTS.md, "Metrics").
//
// The clock: by default Date.now() returns 0 in the child (bench/channel's
// callgrind.mjs, `frozen`), so that pace() never ends a slice. Under
// valgrind a 1 ms slice holds some fifty times fewer jobs than natively,
// and how many depends on the machine's load; the gates and macrotasks of
// pacing are then a load-dependent share of the count. performance.now(),
// the metrics' clock, is left alone: sampled jobs still read it.
//
// Needs valgrind (Debian: `apt-get install valgrind`). Environment:
// POOL_COUNT_JOBS (N, default 100000; 20000 for the setImmediate workload),
// POOL_COUNT_WARMUP (W, default 2N; 0 for the first method),
// POOL_COUNT_CLOCK (frozen, the default, or live: pace() reads the real time),
// POOL_COUNT_LIBRARIES (comma-separated, default: ours off and on, fastq's
// promise API, the bare channel pattern), POOL_BASELINE_REF (the ref built
// for 'gochan, no metrics'; default 83a4a30, the commit before the metrics).
import { count as counted } from '../channel/callgrind.mjs';
import { buildBaseline } from './baseline.mjs';

const [workload = 'noop', workers = workload === 'noop' ? '4' : '16'] = process.argv.slice(2);
const N = Number(process.env.POOL_COUNT_JOBS ?? (workload === 'noop' ? 100_000 : 20_000));
const W = Number(process.env.POOL_COUNT_WARMUP ?? 2 * N);
const CLOCK = process.env.POOL_COUNT_CLOCK ?? 'frozen';
if (!Number.isSafeInteger(N) || N <= 0) throw new Error(`POOL_COUNT_JOBS: expected a positive integer, got ${process.env.POOL_COUNT_JOBS}`);
if (!Number.isSafeInteger(W) || W < 0) throw new Error(`POOL_COUNT_WARMUP: expected a non-negative integer, got ${process.env.POOL_COUNT_WARMUP}`);
if (CLOCK !== 'frozen' && CLOCK !== 'live') throw new Error(`POOL_COUNT_CLOCK: expected frozen or live, got ${CLOCK}`);
const LIBRARIES = (process.env.POOL_COUNT_LIBRARIES ?? 'gochan,gochan (trySubmit first),gochan, observed,fastq (promise),channel, no pool')
  .split(/,(?! )/)
  .map((name) => name.trim());
const child = new URL('./child.mjs', import.meta.url).pathname;
// 'gochan, no metrics' (and 'gochan, before') run the pool as built at POOL_BASELINE_REF (default: before the metrics).
if (LIBRARIES.some((name) => name === 'gochan, no metrics' || name === 'gochan, before')) {
  process.env.POOL_BASELINE = buildBaseline(process.env.POOL_BASELINE_REF ?? '83a4a30');
}

/** Instructions callgrind counted for one run of node with `args` (a child, or `-e` and a program), the clock frozen or not. */
const count = (args) => counted(args[0], args.slice(1), {}, CLOCK === 'frozen');

const perJob = (library) => {
  const run = (n) => count([child, library, workload, workers, String(W + n), '1000', '1']);
  return (run(3 * N) - run(N)) / (2 * N);
};

console.log(`${workload} jobs, ${workers} workers: instructions per job (${W + N} vs ${W + 3 * N} jobs: ${W} of warm-up; clock ${CLOCK})`);
const results = new Map();
for (const library of LIBRARIES) {
  results.set(library, perJob(library));
  console.log(`  ${library.padEnd(28)} ${results.get(library).toFixed(0).padStart(6)}`);
}
if (results.has('gochan') && results.has('gochan, observed')) {
  const on = results.get('gochan, observed');
  const off = results.get('gochan');
  console.log(`  the observer: +${(on - off).toFixed(0)} a job, on ÷ off by instructions = ${(off / on).toFixed(2)}`);
}

// One read of each clock, a million times in a loop, against the empty loop.
const READS = 1_000_000;
const loop = (expression) => counted('-e', [`let s = 0; for (let i = 0; i < ${READS}; i++) s += ${expression}; if (s < 0) console.log(s);`]); // the clock live, always
const empty = loop('0');
console.log('one clock read:');
for (const clock of ['performance.now()', 'Date.now()', 'process.hrtime()[1]']) {
  console.log(`  ${clock.padEnd(28)} ${((loop(clock) - empty) / READS).toFixed(0).padStart(6)}`);
}
