// `node bench/threads/run.mjs` (after `pnpm build`): @gochan/threads beside
// Go and the thread pools, side by side in one session (issue 19). Every run
// is a fresh child process (child.mjs) that checks what it computed; the
// configurations take turns in a rotating order, round after round; the
// medians and their ratios go into the threads section of ../RESULTS.md, and
// every run into results.jsonl.
//
// Needs Go's program built (`go build -o /tmp/gochan-bench-go go/main.go`,
// then GO_BENCH_BINARY=/tmp/gochan-bench-go); without it the Go rows say so.
// Environment: THREADS_BENCH_RUNS (rounds, default 5); THREADS_BENCH_SCALE
// (divide every count by it for a quick look: printed, not written).
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { median, version } from '../support.mjs';
import { NICE } from './nice.mjs';
import { WARM_JOBS } from './warm.mjs';

const RUNS = Number(process.env.THREADS_BENCH_RUNS ?? 5);
const SCALE = Number(process.env.THREADS_BENCH_SCALE ?? 1);
const child = new URL('./child.mjs', import.meta.url).pathname;
const resultsMd = new URL('../RESULTS.md', import.meta.url).pathname;
const rawResults = new URL('./results.jsonl', import.meta.url).pathname;
const HAS_GO = process.env.GO_BENCH_BINARY !== undefined;
const ROUNDS = 782_156; // the hash job's rounds: about 3.3 ms a job here
const CPU_JOBS = 300 / SCALE;
const NOOP_VALUES = 400_000 / SCALE;
const PING_ROUNDS = 20_000 / SCALE;
const MEMORY_VALUES = 1_000_000 / SCALE;
const cores = os.availableParallelism();

const configs = [
  ...['gochan', 'gochan-nice', ...(HAS_GO ? ['go'] : []), 'piscina', 'tinypool'].flatMap((lib) =>
    [1, cores].map((threads) => ({ key: `cpu ${lib} ${threads}`, args: ['cpu', lib, threads, CPU_JOBS, ROUNDS] })),
  ),
  ...['gochan', 'tinypool', 'piscina', 'workerpool'].map((lib) => ({
    key: `noop ${lib}`,
    // workerpool runs a task at a time per thread (about 14-28 k/s): a quarter of the values keeps a round short.
    args: ['noop', lib, cores, lib === 'workerpool' ? NOOP_VALUES / 4 : NOOP_VALUES],
  })),
  ...['gochan', 'postMessage', 'atomics'].map((lib) => ({ key: `pingpong ${lib}`, args: ['pingpong', lib, PING_ROUNDS] })),
  { key: 'memory gochan', args: ['memory', 'gochan', cores, MEMORY_VALUES], node: ['--expose-gc'] },
];

const loadAtStart = os.loadavg().map((load) => load.toFixed(2)).join(' ');
const startedAt = new Date();
const runs = new Map(configs.map((config) => [config.key, []]));
for (let round = 0; round < RUNS; round++) {
  for (let k = 0; k < configs.length; k++) {
    const config = configs[(k + round) % configs.length];
    const line = execFileSync(process.execPath, [...(config.node ?? []), child, ...config.args.map(String)], { encoding: 'utf8', env: process.env }).trim();
    const result = JSON.parse(line);
    runs.get(config.key).push(result);
    if (SCALE === 1) appendFileSync(rawResults, `${line}\n`);
    process.stderr.write(`round ${round + 1}/${RUNS} ${config.key}: ${result.rate ? `${Math.round(result.rate)}/s` : `${result.seconds?.toFixed(3) ?? ''} s`}\n`);
  }
}
const loadAtEnd = os.loadavg().map((load) => load.toFixed(2)).join(' ');

const med = (key, pick) => median(runs.get(key).map(pick));
const perSecond = (key) => med(key, (r) => r.rate ?? CPU_JOBS / r.seconds);
const k = (rate) => (rate >= 1e4 ? `${(rate / 1e3).toFixed(1)} k/s` : `${Math.round(rate).toLocaleString('en')}/s`);
const x = (ratio) => `${ratio.toFixed(2)}×`;
const each = (key, pick) => runs.get(key).map(pick);

const lines = [];
lines.push('<!-- threads:start -->', '## Goroutines on threads (issue 19)', '');
lines.push(
  `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, \`nproc\` ${cores} (load average ${loadAtStart} at the start, ${loadAtEnd} at the end), Node ${process.version}; ${RUNS} rounds, medians, every configuration a fresh process, in a rotating order; each run checked what it computed (the hashes' sum, the no-op values' sum, the ball's count). Versions: piscina ${version('piscina')}, tinypool ${version('tinypool')}, workerpool ${version('workerpool')}. Regenerate: \`node bench/threads/run.mjs\` after \`pnpm build\` (Go's row needs \`GO_BENCH_BINARY\`, see the runner). Raw runs: \`bench/threads/results.jsonl\`.`,
  '',
);
lines.push(
  '### CPU-bound: the articles\' pool of 4 workers on a hash job',
  '',
  `${CPU_JOBS} jobs of \`bench/threads/hash.mjs\` (an integer hash, ${ROUNDS.toLocaleString('en')} rounds, about 3.3 ms a job), values fanned out over a channel to 4 goroutines and results back over another; the pools get one task per job. Each Node library's code is warmed first by ${WARM_JOBS.toLocaleString('en')} short jobs on the same threads (\`warm.mjs\`; Go has no JIT).`,
  '',
  `| program | 1 thread | ${cores} threads | scaling | each round's scaling |`,
  '|---|---:|---:|---:|---|',
);
const CPU_NAMES = { gochan: 'gochan: `go()` × 4 ranging over a `Channel`, GOMAXPROCS', 'gochan-nice': `gochan, the same with \`setNice(${NICE})\``, go: 'Go 1.19, `chan` + 4 goroutines, GOMAXPROCS', piscina: 'piscina, threads', tinypool: 'tinypool, threads' };
const scaling = {};
for (const lib of ['gochan', 'gochan-nice', 'go', 'piscina', 'tinypool']) {
  if (lib === 'go' && !HAS_GO) {
    lines.push('| Go 1.19 | not run: GO_BENCH_BINARY unset | | | |');
    continue;
  }
  const one = perSecond(`cpu ${lib} 1`);
  const all = perSecond(`cpu ${lib} ${cores}`);
  const rounds = each(`cpu ${lib} 1`, (r) => r.seconds).map((s1, i) => s1 / runs.get(`cpu ${lib} ${cores}`)[i].seconds);
  scaling[lib] = all / one;
  lines.push(`| ${CPU_NAMES[lib]} | ${Math.round(one)} jobs/s | ${Math.round(all)} jobs/s | **${x(all / one)}** | ${rounds.map((r) => r.toFixed(2)).join(', ')} |`);
}
lines.push('');
const noop = Object.fromEntries(['gochan', 'tinypool', 'piscina', 'workerpool'].map((lib) => [lib, perSecond(`noop ${lib}`)]));
const fastestPool = ['tinypool', 'piscina', 'workerpool'].reduce((a, b) => (noop[a] >= noop[b] ? a : b));
const perThread = runs.get('noop tinypool')[0].tasksPerThread;
lines.push(
  '### No-op values across threads, at most 1,024 in flight',
  '',
  `gochan: ${NOOP_VALUES.toLocaleString('en')} values through a \`Channel\` to ${runs.get('noop gochan')[0].goroutines} goroutines on ${cores} threads, each sending its value straight back on another channel. The pools: the same count of no-op tasks, 1,024 in flight, each pool at its fastest setting (piscina and tinypool with \`concurrentTasksPerWorker\` ${perThread}: with their default of 1 they ran 16-20 k/s here, one round trip per task per thread); workerpool, which runs one task at a time per thread, a quarter of the count.`,
  '',
  '| | rate | each round | gochan ÷ it |',
  '|---|---:|---|---:|',
);
for (const lib of ['gochan', 'tinypool', 'piscina', 'workerpool']) {
  lines.push(`| ${lib} | ${k(noop[lib])} | ${each(`noop ${lib}`, (r) => k(r.rate)).join(', ')} | ${lib === 'gochan' ? '' : x(noop.gochan / noop[lib])} |`);
}
lines.push('');
const ping = Object.fromEntries(['gochan', 'postMessage', 'atomics'].map((lib) => [lib, perSecond(`pingpong ${lib}`)]));
lines.push(
  '### Unbuffered ping-pong between two threads',
  '',
  `${PING_ROUNDS.toLocaleString('en')} round trips. gochan: two unbuffered channels made on the main thread, a goroutine on a thread receiving on one and sending on the other. The floors: a bare \`postMessage\` ping-pong with a worker, and a bare \`SharedArrayBuffer\` + \`Atomics.waitAsync\` one.`,
  '',
  '| | round trips | each round | gochan ÷ it |',
  '|---|---:|---|---:|',
);
for (const lib of ['gochan', 'postMessage', 'atomics']) {
  lines.push(`| ${lib === 'gochan' ? 'gochan' : `${lib} floor`} | ${k(ping[lib])} | ${each(`pingpong ${lib}`, (r) => k(r.rate)).join(', ')} | ${lib === 'gochan' ? '' : x(ping.gochan / ping[lib])} |`);
}
lines.push(
  '',
  'An unbuffered round trip across threads is four one-way messages, not two: the goroutine\'s send resolves only once the main thread\'s receiver has the value (Go\'s rule), so its `done` must come back before the goroutine can ask for the next value. Half the floor is the most this protocol can reach.',
  '',
);
const mem = runs.get('memory gochan');
lines.push(
  '### Memory',
  '',
  `${cores} threads started and warm (1,000 values), then ${MEMORY_VALUES.toLocaleString('en')} no-op values through them (\`--expose-gc\`, a collection before each reading).`,
  '',
  '| RSS per thread | RSS after a tenth of the values | after all of them | growth | each round\'s growth |',
  '|---:|---:|---:|---:|---|',
  `| ${median(mem.map((r) => r.perThreadMB)).toFixed(1)} MB | ${median(mem.map((r) => r.atTenthMB)).toFixed(1)} MB | ${median(mem.map((r) => r.atEndMB)).toFixed(1)} MB | ${median(mem.map((r) => r.growthMB)).toFixed(1)} MB | ${mem.map((r) => r.growthMB.toFixed(1)).join(', ')} MB |`,
  '',
);
lines.push('### Targets (issue 19)', '');
const target = (met, text) => lines.push(`- ${text}: ${met ? 'met' : '**not met**'}.`);
target(scaling.gochan >= 1.9, `CPU-bound, GOMAXPROCS ${cores} ÷ 1 at least 1.9×: ${x(scaling.gochan)}`);
target(scaling.gochan >= Math.max(scaling.piscina, scaling.tinypool), `at least piscina's (${x(scaling.piscina)}) and tinypool's (${x(scaling.tinypool)}) scaling: gochan ${x(scaling.gochan)}${scaling.gochan >= Math.max(scaling.piscina, scaling.tinypool) ? '' : scaling.gochan >= Math.min(scaling.piscina, scaling.tinypool) ? ' (above one of them only)' : ''}`);
target(scaling['gochan-nice'] >= 1.9 && scaling['gochan-nice'] >= Math.max(scaling.piscina, scaling.tinypool), `with \`setNice(${NICE})\` (not the default): ${x(scaling['gochan-nice'])}, at least 1.9× and the pools' scaling`);
target(noop.gochan >= 2 * noop[fastestPool], `no-op values at least 2× the fastest thread pool (${fastestPool}, ${k(noop[fastestPool])}): ${x(noop.gochan / noop[fastestPool])}`);
lines.push(
  '',
  `On a machine with more cores, the CPU-bound run would scale with GOMAXPROCS up to the cores less the main thread's share, which feeds the channel and collects results: about 100-125 µs of CPU a job against 3.3 ms, measured apart from /proc's schedstat before the warm-up (2.2 wake-ups a job, a goroutine's send and its next receive; tinypool's main thread 1.5 and 78-98 µs), 3% of 2 cores, for which the computing threads wait; \`setNice\` lets the main thread take a core first (\"What holds the CPU-bound scaling back\" below). ${cores} cores cap it at ${cores}.0× here. The no-op rate is bound by the main thread, which is home to both channels and serves every remote operation on them: more cores would add little to it, and a program that makes its channels on the threads that use them spreads that work.`,
  '<!-- threads:end -->',
);
const section = lines.join('\n');
if (SCALE !== 1) {
  console.log(section);
} else {
  const text = readFileSync(resultsMd, 'utf8');
  const start = text.indexOf('<!-- threads:start -->');
  const end = text.indexOf('<!-- threads:end -->') + '<!-- threads:end -->'.length;
  writeFileSync(resultsMd, start >= 0 ? text.slice(0, start) + section + text.slice(end) : `${text}\n${section}\n`);
  console.log(section);
}
