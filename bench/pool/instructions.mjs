// `node bench/pool/instructions.mjs [workload] [workers]`: what a job costs,
// counted in instructions rather than timed, for the comparisons that wall
// time on a shared 2-core machine cannot settle (a few hundred instructions
// a job). Each library's child (child.mjs, the pool suite's own) runs under
// `valgrind --tool=callgrind` twice, with W + N and W + 3N jobs through one
// pool; the difference over 2N is the cost of one job in the window from
// job W + N to job W + 3N, with start-up, loading and the first W + N jobs
// taken out.
//
// Two methods (POOL_COUNT_METHOD), applied to every library of a run alike:
// - steady (the default): W jobs of warm-up (default 2N) before the window,
//   so that what V8 still compiles after job N (mostly the metrics' sampled
//   path: one job in 64 takes it, so its functions get hot late) is not
//   counted as a cost per job of the build that has it; Date.now() frozen at
//   0 in the child (bench/channel's callgrind.mjs), so that pace() never
//   ends a slice (under valgrind a 1 ms slice holds some fifty times fewer
//   jobs than natively, and how many depends on the machine's load); and
//   V8's garbage collector on a fixed schedule with a fixed random seed
//   (--predictable-gc-schedule --random-seed=1: otherwise the heap's growth
//   follows the collector's measured speed, which under valgrind and load
//   varies, and the same build counted 4,586 and 5,096 a job). Two counts of
//   a build then agreed to 0.1% (4,622 and 4,622; 4,677 and 4,678; with the
//   schedule fixed but not the seed, within 2%). performance.now(), the
//   metrics' clock, is left alone: sampled jobs still read it.
// - first: W = 0, the clock and the collector left alone, as the counts
//   before 7 Dec 2026 16:00 UTC were made.
//
// Needs valgrind (Debian: `apt-get install valgrind`). Environment:
// POOL_COUNT_JOBS (N, default 100000; 20000 for the setImmediate workload),
// POOL_COUNT_METHOD (steady or first, above), POOL_COUNT_WARMUP (W),
// POOL_COUNT_LIBRARIES (comma-separated, default: ours off and on, fastq's
// promise API, the bare channel pattern), POOL_COUNT_CLOCK_READS, POOL_BASELINE_REF (the ref built
// for 'gochan, no metrics'; default 83a4a30, the commit before the metrics).
import { count as counted } from '../channel/callgrind.mjs';
import { buildBaseline } from './baseline.mjs';

const [workload = 'noop', workers = workload === 'noop' ? '4' : '16'] = process.argv.slice(2);
const N = Number(process.env.POOL_COUNT_JOBS ?? (workload === 'noop' ? 100_000 : 20_000));
const METHOD = process.env.POOL_COUNT_METHOD ?? 'steady';
if (METHOD !== 'steady' && METHOD !== 'first') throw new Error(`POOL_COUNT_METHOD: expected steady or first, got ${METHOD}`);
const STEADY = METHOD === 'steady';
const W = Number(process.env.POOL_COUNT_WARMUP ?? (STEADY ? 2 * N : 0));
const FLAGS = STEADY ? ['--predictable-gc-schedule', '--random-seed=1'] : [];
if (!Number.isSafeInteger(N) || N <= 0) throw new Error(`POOL_COUNT_JOBS: expected a positive integer, got ${process.env.POOL_COUNT_JOBS}`);
if (!Number.isSafeInteger(W) || W < 0) throw new Error(`POOL_COUNT_WARMUP: expected a non-negative integer, got ${process.env.POOL_COUNT_WARMUP}`);
const LIBRARIES = (process.env.POOL_COUNT_LIBRARIES ?? 'gochan,gochan (trySubmit first),gochan, observed,fastq (promise),channel, no pool')
  .split(/,(?! )/)
  .map((name) => name.trim());
const child = new URL('./child.mjs', import.meta.url).pathname;
// 'gochan, no metrics' (and 'gochan, before') run the pool as built at POOL_BASELINE_REF (default: before the metrics).
if (LIBRARIES.some((name) => name === 'gochan, no metrics' || name === 'gochan, before')) {
  process.env.POOL_BASELINE = buildBaseline(process.env.POOL_BASELINE_REF ?? '83a4a30');
}

/** Instructions callgrind counted for one run of node with `args` (the child and its arguments), by the method. */
const count = (args) => counted(args[0], args.slice(1), {}, STEADY, undefined, FLAGS);

const perJob = (library) => {
  const run = (n) => count([child, library, workload, workers, String(W + n), '1000', '1']);
  return (run(3 * N) - run(N)) / (2 * N);
};

console.log(`${workload} jobs, ${workers} workers: instructions per job (${W + N} vs ${W + 3 * N} jobs: ${W} of warm-up; method ${METHOD})`);
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

// One read of each clock, a million times in a loop, against the empty loop
// (POOL_COUNT_CLOCK_READS=0 leaves it out).
if (process.env.POOL_COUNT_CLOCK_READS === '0') process.exit(0);
const READS = 1_000_000;
const loop = (expression) => counted('-e', [`let s = 0; for (let i = 0; i < ${READS}; i++) s += ${expression}; if (s < 0) console.log(s);`]); // the clock live, always
const empty = loop('0');
console.log('one clock read:');
for (const clock of ['performance.now()', 'Date.now()', 'process.hrtime()[1]']) {
  console.log(`  ${clock.padEnd(28)} ${((loop(clock) - empty) / READS).toFixed(0).padStart(6)}`);
}
