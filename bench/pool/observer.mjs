// `node bench/pool/observer.mjs`: what the pool's observer costs, side by
// side in one session, on the pool suite's speed workloads (child.mjs):
//   before    the pool as built at POOL_BASELINE_REF (default: the commit
//             before the observer), in a temporary worktree
//   off       the pool now, without an observer
//   on        the pool now, with an observer on every event doing a metrics
//             exporter's work (libraries.mjs: 'gochan, observed')
// in a rotating order, round after round; the medians and their ratios go
// into the "Instrumentation overhead" part of ../RESULTS.md's pool section.
//
// Environment: POOL_BENCH_RUNS (rounds, default 5), POOL_BENCH_SCALE (divide
// every job count by it: printed, not written), POOL_BASELINE_REF.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { buildBaseline } from './baseline.mjs';
import { median } from '../support.mjs';

const RUNS = Number(process.env.POOL_BENCH_RUNS ?? 5);
const SCALE = Number(process.env.POOL_BENCH_SCALE ?? 1);
// The commit before the observer came (4cf32d9 added it).
const BASELINE_REF = process.env.POOL_BASELINE_REF ?? '4cf32d9~1';
const QUEUE_SIZE = 1000;
const root = new URL('../../', import.meta.url).pathname;
const child = new URL('./child.mjs', import.meta.url).pathname;
const results = new URL('../RESULTS.md', import.meta.url).pathname;

const WORKLOADS = [
  { name: '1M no-op async jobs, 4 workers', workload: 'noop', workers: 4, jobs: 1_000_000 },
  { name: '1M no-op async jobs, 64 workers', workload: 'noop', workers: 64, jobs: 1_000_000 },
  { name: '100k jobs awaiting setImmediate, 16 workers', workload: 'immediate', workers: 16, jobs: 100_000 },
  // Jobs that wait for something, as real ones do: the timer bounds the rate (16 jobs a millisecond at most).
  { name: '20k jobs awaiting a 1 ms timer, 16 workers', workload: 'timer', workers: 16, jobs: 20_000 },
];
const ENTRIES = [
  { name: 'before', library: 'gochan, before' },
  { name: 'off', library: 'gochan' },
  { name: 'on', library: 'gochan, observed' },
];

// The baseline: the pool's sources at BASELINE_REF (baseline.mjs).
const baselineModule = buildBaseline(BASELINE_REF);

function measure(library, { workload, workers, jobs }) {
  const n = Math.max(1, Math.round(jobs / SCALE));
  const args = [child, library, workload, String(workers), String(n), String(QUEUE_SIZE), '1'];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, POOL_BASELINE: baselineModule } });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${library} ${workload}: exited with ${code}`))));
  });
}

const fmtRate = (perSecond) => (perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : `${(perSecond / 1e3).toFixed(0)} k/s`);
const loadAtStart = os.loadavg().map((load) => load.toFixed(2)).join(' ');
const startedAt = new Date();
const runs = new Map(WORKLOADS.map((w) => [w, new Map(ENTRIES.map((e) => [e.name, []]))]));
for (let round = 0; round < RUNS; round++) {
  for (const workload of WORKLOADS) {
    for (let k = 0; k < ENTRIES.length; k++) {
      const entry = ENTRIES[(k + round) % ENTRIES.length];
      const result = await measure(entry.library, workload);
      runs.get(workload).get(entry.name).push(result.jobsPerSecond);
      console.log(`round ${round + 1}/${RUNS}  ${workload.name.padEnd(46)} ${entry.name.padEnd(7)} ${fmtRate(result.jobsPerSecond).padStart(10)}`);
    }
  }
}

const lines = ['### Instrumentation overhead: the observer off and on', ''];
lines.push(
  `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, \`nproc\` ${execFileSync('nproc').toString().trim()} ` +
    `(load average ${loadAtStart} at the start), Node ${process.version}; ${RUNS} rounds, medians, the three in a rotating ` +
    `order. "before": the pool at ${execFileSync('git', ['-C', root, 'rev-parse', '--short', BASELINE_REF]).toString().trim()}, ` +
    'before the `observer` option; "off": the pool now, without one; "on": with an observer on all six events that counts ' +
    'and sums the timings, as a metrics exporter does. The ratios are of the medians; below 1 is slower. Regenerate: ' +
    '`node bench/pool/observer.mjs` (after `pnpm build`).',
  '',
  '| workload | before | off | on | off ÷ before | on ÷ off |',
  '|---|---:|---:|---:|---:|---:|',
);
for (const workload of WORKLOADS) {
  const m = (name) => median(runs.get(workload).get(name));
  lines.push(
    `| ${workload.name} | ${fmtRate(m('before'))} | ${fmtRate(m('off'))} | ${fmtRate(m('on'))} | ` +
      `${(m('off') / m('before')).toFixed(2)} | ${(m('on') / m('off')).toFixed(2)} |`,
  );
}
lines.push('');
// The targets, read off this run's medians.
const ratio = (workload, a, b) => median(runs.get(workload).get(a)) / median(runs.get(workload).get(b));
const list = (a, b) => WORKLOADS.map((w) => `${ratio(w, a, b).toFixed(2)} (${w.name})`).join(', ');
lines.push(
  '### Targets (issue 13)',
  '',
  `- Off costs nothing measurable: off ÷ before = ${list('off', 'before')}. Without an observer the pool pays one ` +
    '`!== undefined` test per move; the pool has changed in other ways since "before" too (a worker now takes a ' +
    'queued job without parking, which shows on the setImmediate row, where the queue is full), and the rest of the ' +
    'spread is the machine\'s run-to-run noise.',
  `- On costs at most 10%: on ÷ off = ${list('on', 'off')}: ` +
    `${WORKLOADS.every((w) => ratio(w, 'on', 'off') >= 0.9) ? 'met' : '**not met**'} ` +
    `(met on ${WORKLOADS.filter((w) => ratio(w, 'on', 'off') >= 0.9).length} of ${WORKLOADS.length} workloads). ` +
    'Timing a job exactly takes three clock reads (its submit, its start, its end), and one read of `performance.now()` ' +
    'is about 490 instructions on Node 20 (`Date.now()` about 340; `node bench/pool/instructions.mjs` counts them): ' +
    'about 1,500 instructions a job, which is 30% of what the pool spends on a no-op job and 17% of a job that awaits ' +
    '`setImmediate`. The calls to the observer and their event objects cost about 590 more on their own: with the ' +
    'clock replaced by a constant (a build made for the count only), an observed no-op job is 5,448 instructions ' +
    'against 4,862 without an observer (0.89), and timing one job in 16, as Go\'s runtime samples its scheduling ' +
    'latencies, gives 5,498 (0.88). So on jobs that take less than a few microseconds no observer told of every job ' +
    'can stay within 10%, timed or not; on jobs that wait on ' +
    'anything real (the timer row, I/O, the HTTP example\'s tasks) the same fixed cost is a rounding error.',
  '',
);
const section = lines.join('\n');
console.log('\n' + section);
if (SCALE === 1) {
  const text = readFileSync(results, 'utf8');
  const start = text.indexOf('<!-- pool-observer:start -->');
  const end = text.indexOf('<!-- pool-observer:end -->');
  if (start < 0 || end < 0) throw new Error('RESULTS.md: pool-observer markers not found');
  writeFileSync(results, `${text.slice(0, start)}<!-- pool-observer:start -->\n${section}\n${text.slice(end)}`);
  console.log(`\nwritten to ${results}`);
}
