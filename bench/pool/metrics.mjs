// `node bench/pool/metrics.mjs`: what the pool's own metrics cost (issue
// 22), side by side in one session, on the pool suite's speed workloads
// (child.mjs):
//   before     the pool as built at POOL_BASELINE_REF (default 83a4a30, the
//              commit before the metrics), in a temporary folder
//   counters   the pool now with `metrics: { sampleEvery: 0 }`: the counters, no timing
//   on         the pool now at its default, DEFAULT_SAMPLE_EVERY
//   every      the pool now timing every job (`sampleEvery: 1`)
// in a rotating order, round after round. Each run checks what it computed
// (every job ran once; with metrics, the counters equal the jobs and the
// histograms hold one in N). The medians and their ratios go into the
// "Metrics" part of ../RESULTS.md's pool section.
//
// Environment: POOL_BENCH_RUNS (rounds, default 5), POOL_BENCH_SCALE (divide
// every job count by it: printed, not written), POOL_BASELINE_REF.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { DEFAULT_SAMPLE_EVERY } from '@gochan/pool';
import { median } from '../support.mjs';
import { buildBaseline, shortRef } from './baseline.mjs';

const RUNS = Number(process.env.POOL_BENCH_RUNS ?? 5);
const SCALE = Number(process.env.POOL_BENCH_SCALE ?? 1);
const BASELINE_REF = process.env.POOL_BASELINE_REF ?? '83a4a30';
const QUEUE_SIZE = 1000;
const child = new URL('./child.mjs', import.meta.url).pathname;
const results = new URL('../RESULTS.md', import.meta.url).pathname;

const WORKLOADS = [
  { name: '1M no-op async jobs, 4 workers', workload: 'noop', workers: 4, jobs: 1_000_000, target: 0.95 },
  { name: '1M no-op async jobs, 64 workers', workload: 'noop', workers: 64, jobs: 1_000_000, target: 0.95 },
  { name: '100k jobs awaiting setImmediate, 16 workers', workload: 'immediate', workers: 16, jobs: 100_000 },
  { name: '20k jobs awaiting a 1 ms timer, 16 workers', workload: 'timer', workers: 16, jobs: 20_000, target: 0.99 },
];
const ENTRIES = [
  { name: 'before', library: 'gochan, no metrics' },
  { name: 'counters', library: 'gochan, sampleEvery=0' },
  { name: 'on', library: `gochan, sampleEvery=${DEFAULT_SAMPLE_EVERY}` },
  { name: 'every', library: 'gochan, sampleEvery=1' },
];

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
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');
const loadAtStart = load();
const startedAt = new Date();
const runs = new Map(WORKLOADS.map((w) => [w, new Map(ENTRIES.map((e) => [e.name, []]))]));
for (let round = 0; round < RUNS; round++) {
  for (const workload of WORKLOADS) {
    for (let k = 0; k < ENTRIES.length; k++) {
      const entry = ENTRIES[(k + round) % ENTRIES.length];
      const result = await measure(entry.library, workload);
      runs.get(workload).get(entry.name).push(result.jobsPerSecond);
      console.log(`round ${round + 1}/${RUNS}  ${workload.name.padEnd(46)} ${entry.name.padEnd(9)} ${fmtRate(result.jobsPerSecond).padStart(10)}`);
    }
  }
}
const loadAtEnd = load();

const m = (workload, name) => median(runs.get(workload).get(name));
const ratio = (workload, a, b) => m(workload, a) / m(workload, b);
const lines = ['### Metrics: counters kept by the pool, timings sampled (issue 22)', ''];
lines.push(
  `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, \`nproc\` ${execFileSync('nproc').toString().trim()} ` +
    `(load average ${loadAtStart} at the start, ${loadAtEnd} at the end: the machine is shared), Node ${process.version}; ` +
    `${RUNS} rounds, medians, the four in a rotating order, each run a fresh process that checked its counts. ` +
    `"before": the pool at ${shortRef(BASELINE_REF)}, without metrics; "counters": the pool now with \`sampleEvery: 0\` ` +
    `(the counters, no clock read); "on": the default, one job in ${DEFAULT_SAMPLE_EVERY} timed; "every": \`sampleEvery: 1\`. ` +
    'Below 1 is slower. Regenerate: `node bench/pool/metrics.mjs` (after `pnpm build`).',
  '',
  '| workload | before | counters | on | every | counters ÷ before | on ÷ before | every ÷ before |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
);
for (const w of WORKLOADS) {
  lines.push(
    `| ${w.name} | ${fmtRate(m(w, 'before'))} | ${fmtRate(m(w, 'counters'))} | ${fmtRate(m(w, 'on'))} | ${fmtRate(m(w, 'every'))} | ` +
      `${ratio(w, 'counters', 'before').toFixed(2)} | ${ratio(w, 'on', 'before').toFixed(2)} | ${ratio(w, 'every', 'before').toFixed(2)} |`,
  );
}
lines.push('', '#### Targets (issue 22)', '');
for (const w of WORKLOADS.filter((w) => w.target !== undefined)) {
  const r = ratio(w, 'on', 'before');
  lines.push(`- ${w.name}: on ÷ before = ${r.toFixed(2)}, target ${w.target}: ${r >= w.target ? 'met' : '**not met** by this run'} (each run: ${runs.get(w).get('on').map((x, i) => (x / runs.get(w).get('before')[i]).toFixed(2)).join(', ')}).`);
}
lines.push('');
const section = lines.join('\n');
console.log('\n' + section);
if (SCALE === 1) {
  const text = readFileSync(results, 'utf8');
  const start = text.indexOf('<!-- pool-metrics:start -->');
  // What follows <!-- pool-metrics:timed-end --> (the counts, written by hand) is kept.
  const timedEnd = text.indexOf('<!-- pool-metrics:timed-end -->');
  const end = timedEnd >= 0 ? timedEnd : text.indexOf('<!-- pool-metrics:end -->');
  if (start < 0 || end < 0) throw new Error('RESULTS.md: pool-metrics markers not found');
  writeFileSync(results, `${text.slice(0, start)}<!-- pool-metrics:start -->\n${section}\n${text.slice(end)}`);
  console.log(`\nwritten to ${results}`);
}
