// `node bench/pool/instructions.mjs [workload] [workers]`: what a job costs,
// counted in instructions rather than timed, for the comparisons that wall
// time on a shared 2-core machine cannot settle (a few hundred instructions
// a job). Each library's child (child.mjs, the pool suite's own) runs under
// `valgrind --tool=callgrind` twice, with N and 3N jobs; the difference over
// 2N is the cost of one job with start-up, loading and most of the JIT's
// warm-up taken out. Then, for scale, what one read of each clock costs.
//
// Needs valgrind (Debian: `apt-get install valgrind`). Environment:
// POOL_COUNT_JOBS (N, default 100000; 20000 for the setImmediate workload),
// POOL_COUNT_LIBRARIES (comma-separated, default: ours off and on, fastq's
// promise API, the bare channel pattern), POOL_BASELINE_REF (the ref built
// for 'gochan, no metrics'; default 83a4a30, the commit before the metrics).
import { spawnSync } from 'node:child_process';
import { buildBaseline } from './baseline.mjs';

const [workload = 'noop', workers = workload === 'noop' ? '4' : '16'] = process.argv.slice(2);
const N = Number(process.env.POOL_COUNT_JOBS ?? (workload === 'noop' ? 100_000 : 20_000));
const LIBRARIES = (process.env.POOL_COUNT_LIBRARIES ?? 'gochan,gochan (trySubmit first),gochan, observed,fastq (promise),channel, no pool')
  .split(/,(?! )/)
  .map((name) => name.trim());
const child = new URL('./child.mjs', import.meta.url).pathname;
// 'gochan, no metrics' (and 'gochan, before') run the pool as built at POOL_BASELINE_REF (default: before the metrics).
if (LIBRARIES.some((name) => name === 'gochan, no metrics' || name === 'gochan, before')) {
  process.env.POOL_BASELINE = buildBaseline(process.env.POOL_BASELINE_REF ?? '83a4a30');
}

/** Instructions callgrind counted for one run of `args` under node. */
function count(args) {
  const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...args], {
    encoding: 'utf8',
  });
  if (run.error) throw new Error(`valgrind: ${run.error.message} (Debian: apt-get install valgrind)`);
  if (run.status !== 0) throw new Error(`${args.join(' ')}: exited with ${run.status}\n${run.stderr}`);
  const collected = /Collected : (\d+)/.exec(run.stderr);
  if (collected === null) throw new Error(`no instruction count in valgrind's output:\n${run.stderr}`);
  return Number(collected[1]);
}

const perJob = (library) => {
  const run = (n) => count([child, library, workload, workers, String(n), '1000', '1']);
  return (run(3 * N) - run(N)) / (2 * N);
};

console.log(`${workload} jobs, ${workers} workers: instructions per job (${N} vs ${3 * N} jobs)`);
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
const loop = (expression) => count(['-e', `let s = 0; for (let i = 0; i < ${READS}; i++) s += ${expression}; if (s < 0) console.log(s);`]);
const empty = loop('0');
console.log('one clock read:');
for (const clock of ['performance.now()', 'Date.now()', 'process.hrtime()[1]']) {
  console.log(`  ${clock.padEnd(28)} ${((loop(clock) - empty) / READS).toFixed(0).padStart(6)}`);
}
