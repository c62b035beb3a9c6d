// The threaded pool's benchmarks (issue 20), side by side in one run:
// `node bench/threads/pool-run.mjs` (after `pnpm build`). Every measurement
// is a fresh process (pool-child.mjs), which checks what it computed; the
// configurations take turns, round after round (POOL_THREADS_RUNS, default
// 5), and the medians are printed as a Markdown section, with the raw runs
// appended to pool-results.jsonl. POOL_THREADS_SCALE divides the job counts
// for a quick look. The numbers mean something only on a quiet machine.
//
//  - CPU-bound jobs (hash.mjs, 782,156 rounds, ~3.3 ms), the articles' pool
//    of 4: WorkerPool with a module handler at threads = 1 and = cores,
//    piscina and tinypool at cores, Go's pool (go/main.go) at 1 and cores.
//  - No-op jobs, 1,024 in flight: the threaded pool against tinypool and piscina.
//  - The event loop's delay (monitorEventLoopDelay, 1 ms resolution) while
//    the CPU jobs run, 8 in flight, on the threaded pool, piscina and
//    tinypool; its floor on this machine (as many bare threads computing the
//    same jobs with no message per job, the main thread idle: what the
//    kernel's scheduling alone gives a thread that wants a core every
//    millisecond while the others compute); and, for contrast, the same pool
//    with a function handler (the jobs on the event loop's thread).
//  - The function-handler pool against fastq is bench/pool's (`pnpm bench
//    pool`: "gochan (trySubmit first)" against "fastq (promise)" at 4 and 64
//    workers), not repeated here.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { NICE } from './nice.mjs';
import { WARM_JOBS } from './warm.mjs';

const RUNS = Number(process.env.POOL_THREADS_RUNS ?? 5);
const SCALE = Number(process.env.POOL_THREADS_SCALE ?? 1);
const CORES = Math.max(2, os.availableParallelism());
const ROUNDS = 782_156;
const CPU_JOBS = Math.max(8, Math.round(600 / SCALE));
const NOOP_VALUES = Math.max(10_000, Math.round(500_000 / SCALE));
const child = new URL('./pool-child.mjs', import.meta.url).pathname;
const raw = new URL('./pool-results.jsonl', import.meta.url).pathname;

const goBinary = join(mkdtempSync(join(os.tmpdir(), 'pool-threads-go-')), 'pool');
let haveGo = true;
try {
  execFileSync('go', ['build', '-o', goBinary, 'main.go'], { cwd: new URL('./go/', import.meta.url).pathname, stdio: 'inherit' });
} catch {
  haveGo = false;
  console.error('pool-run: go is not installed: the Go rows are left out');
}

const configs = [
  ...['pool', 'pool-nice'].flatMap((lib) => [1, CORES].map((threads) => ({ key: `cpu ${lib} ${threads}`, args: ['cpu', lib, threads, CPU_JOBS, ROUNDS] }))),
  ...['piscina', 'tinypool'].map((lib) => ({ key: `cpu ${lib} ${CORES}`, args: ['cpu', lib, CORES, CPU_JOBS, ROUNDS] })),
  ...(haveGo ? [1, CORES].map((threads) => ({ key: `cpu go ${threads}`, args: ['cpu', 'go', threads, CPU_JOBS, ROUNDS] })) : []),
  ...['pool', 'pool-nice', 'lanes', 'pool-function', 'tinypool', 'piscina'].map((lib) => ({ key: `noop ${lib}`, args: ['noop', lib, CORES, NOOP_VALUES] })),
  ...['pool', 'pool-nice', 'piscina', 'tinypool', 'bare'].map((lib) => ({ key: `eventloop ${lib}`, args: ['eventloop', lib, CORES, CPU_JOBS, ROUNDS] })),
  { key: 'eventloop pool-function', args: ['eventloop', 'pool-function', 1, Math.max(8, Math.round(CPU_JOBS / 10)), ROUNDS] },
];

const loadBefore = os.loadavg().map((load) => load.toFixed(2)).join(' ');
const startedAt = new Date().toISOString();
const runs = new Map(configs.map((config) => [config.key, []]));
for (let round = 0; round < RUNS; round++) {
  // A rotating order: no configuration always runs first (or after the same one).
  for (let i = 0; i < configs.length; i++) {
    const config = configs[(i + round) % configs.length];
    const out = execFileSync(process.execPath, [child, ...config.args.map(String)], { env: { ...process.env, GO_BENCH_BINARY: goBinary }, encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').at(-1));
    runs.get(config.key).push(result);
    appendFileSync(raw, `${JSON.stringify({ at: startedAt, round, ...result })}\n`);
    process.stderr.write(`${config.key}: ${result.rate.toFixed(0)}/s${result.probeMaxGapMs === undefined ? "" : `, delay max ${result.delayMaxMs?.toFixed(1) ?? "(no sample)"} ms, gap ${result.probeMaxGapMs.toFixed(1)} ms`}\n`);
  }
}
const loadAfter = os.loadavg().map((load) => load.toFixed(2)).join(' ');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const rate = (key) => (runs.has(key) ? median(runs.get(key).map((r) => r.rate)) : NaN);
const field = (key, name) => median(runs.get(key).map((r) => r[name]));
/** A row of the delay table: medians over the runs that had samples (the loop may never have turned in a run). */
const delayRow = (label, key, bold) => {
  const sampled = runs.get(key).filter((r) => r.delayMaxMs !== null);
  const ms = (name) => (sampled.length === 0 ? 'no sample' : `${median(sampled.map((r) => r[name])).toFixed(1)} ms`);
  const max = ms('delayMaxMs');
  return `| ${label} | ${bold ? `**${max}**` : max} | ${ms('delayP99Ms')} | ${ms('delayMeanMs')} | ${field(key, 'probeMaxGapMs').toFixed(1)} ms |`;
};
const x = (a, b) => `${(a / b).toFixed(2)}×`;
const fmt = (r) => (r >= 1e4 ? `${(r / 1e3).toFixed(1)} k/s` : `${r.toFixed(0)}/s`);

const lines = [
  '## The pool on every core (issue 20)',
  '',
  `${CPU_JOBS} CPU-bound jobs (\`bench/threads/hash.mjs\`, ${ROUNDS.toLocaleString('en')} rounds) through the articles' pool of 4 workers, each library's code warmed first by ${WARM_JOBS.toLocaleString('en')} short jobs on the same pool (\`warm.mjs\`), ` +
    `${NOOP_VALUES.toLocaleString('en')} no-op jobs with 1,024 in flight; ${RUNS} rounds in a rotating order, medians, each run a fresh process that checks its sums ` +
    `(\`node bench/threads/pool-run.mjs\`). ${CORES} cores, Node ${process.versions.node}, load ${loadBefore} before and ${loadAfter} after (${startedAt}).`,
  '',
  '| CPU-bound jobs | jobs/s | ratio |',
  '|---|---|---|',
  `| WorkerPool, module handler, threads = 1 | ${fmt(rate('cpu pool 1'))} | |`,
  `| WorkerPool, module handler, threads = ${CORES} | ${fmt(rate(`cpu pool ${CORES}`))} | **${x(rate(`cpu pool ${CORES}`), rate('cpu pool 1'))}** of threads = 1 |`,
  `| WorkerPool, module handler, \`nice: ${NICE}\`, threads = 1 | ${fmt(rate('cpu pool-nice 1'))} | |`,
  `| WorkerPool, module handler, \`nice: ${NICE}\`, threads = ${CORES} | ${fmt(rate(`cpu pool-nice ${CORES}`))} | **${x(rate(`cpu pool-nice ${CORES}`), rate('cpu pool-nice 1'))}** of threads = 1 |`,
  `| piscina, ${CORES} threads | ${fmt(rate(`cpu piscina ${CORES}`))} | pool ${x(rate(`cpu pool ${CORES}`), rate(`cpu piscina ${CORES}`))} of it, with \`nice\` ${x(rate(`cpu pool-nice ${CORES}`), rate(`cpu piscina ${CORES}`))} |`,
  `| tinypool, ${CORES} threads | ${fmt(rate(`cpu tinypool ${CORES}`))} | pool ${x(rate(`cpu pool ${CORES}`), rate(`cpu tinypool ${CORES}`))} of it, with \`nice\` ${x(rate(`cpu pool-nice ${CORES}`), rate(`cpu tinypool ${CORES}`))} |`,
  ...(haveGo
    ? [`| Go, GOMAXPROCS = 1 | ${fmt(rate('cpu go 1'))} | |`, `| Go, GOMAXPROCS = ${CORES} | ${fmt(rate(`cpu go ${CORES}`))} | ${x(rate(`cpu go ${CORES}`), rate('cpu go 1'))} of 1; pool ${x(rate(`cpu pool ${CORES}`), rate(`cpu go ${CORES}`))} of it |`]
    : []),
  '',
  '| no-op jobs | jobs/s | pool ÷ it |',
  '|---|---|---|',
  `| WorkerPool, module handler, ${CORES} threads, 256 workers | ${fmt(rate('noop pool'))} | |`,
  `| the same with \`nice: ${NICE}\` | ${fmt(rate('noop pool-nice'))} | |`,
  `| tinypool, ${CORES} threads, ${1024 / CORES} tasks a thread at once | ${fmt(rate('noop tinypool'))} | **${x(rate('noop pool'), rate('noop tinypool'))}**, with \`nice\` **${x(rate('noop pool-nice'), rate('noop tinypool'))}** |`,
  `| piscina, ${CORES} threads, ${1024 / CORES} tasks a thread at once | ${fmt(rate('noop piscina'))} | ${x(rate('noop pool'), rate('noop piscina'))} |`,
  `| the hand-off's floor: 256 lanes of its channels and goroutines, no pool (\`lanes\`) | ${fmt(rate('noop lanes'))} | ${x(rate('noop pool'), rate('noop lanes'))}; the floor is ${x(rate('noop lanes'), rate('noop tinypool'))} tinypool |`,
  `| the pool with a function handler, on this thread (its own work per job) | ${fmt(rate('noop pool-function'))} | |`,
  '',
  `Per job on the pool's thread: the hand-off's floor ${(1e6 / rate('noop lanes')).toFixed(2)} µs, the pool's own work ${(1e6 / rate('noop pool-function')).toFixed(2)} µs; ` +
    `the threaded pool ${(1e6 / rate('noop pool')).toFixed(2)} µs, ${(1e6 / rate('noop pool-nice')).toFixed(2)} µs with \`nice\`. ` +
    `Twice tinypool's rate leaves ${(1e6 / (2 * rate('noop tinypool'))).toFixed(2)} µs a job.`,
  '',
  '| event loop while CPU jobs run (8 in flight, as a server\'s requests arrive) | longest delay | p99 | mean | longest gap of a 1 ms interval |',
  '|---|---|---|---|---|',
  delayRow(`module handler, ${CORES} threads`, 'eventloop pool', true),
  delayRow(`module handler, ${CORES} threads, \`nice: ${NICE}\``, 'eventloop pool-nice', true),
  delayRow(`piscina, ${CORES} threads`, 'eventloop piscina', false),
  delayRow(`tinypool, ${CORES} threads`, 'eventloop tinypool', false),
  delayRow(`the floor: ${CORES} bare threads computing the same jobs, no message per job, the main thread idle`, 'eventloop bare', false),
  delayRow("function handler (the jobs on the event loop's thread)", 'eventloop pool-function', false),
  '',
  'The function-handler pool against fastq: `pnpm bench pool` ("gochan (trySubmit first)" and "fastq (promise)", 4 and 64 workers).',
];
console.log(lines.join('\n'));
