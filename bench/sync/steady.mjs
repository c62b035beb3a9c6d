// `node bench/sync/steady.mjs`: the lock/unlock and acquire/release loops of
// bench/sync timed in steady state, the workspace's build beside builds at
// earlier refs (default: e941e87^, before the locks were paced), to say what
// pacing costs in time where instructions.mjs says it in instructions.
//
// Each (round, workload, build) is a fresh process (child.mjs with
// BENCH_WINDOWS): one run to warm up, then SYNC_WINDOWS runs in the same
// process, of which the median is its rate; the builds take turns in a
// rotating order within a round, so that each round's ratio compares runs
// minutes apart at most. On this shared machine a process's speed moves by
// up to half between runs (the same build has run at 10 and 18 M pairs a
// second, minutes apart): read the median of the rounds' ratios, and the
// spread beside it, not the rates. Environment: SYNC_REFS (comma-separated),
// SYNC_ROUNDS (default 9), SYNC_WINDOWS (default 7), SYNC_PAIRS (pairs per
// window, default 2,000,000), SYNC_WORKLOADS (semicolon-separated).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { build } from './builds.mjs';

const child = new URL('./child.mjs', import.meta.url).pathname;
const REFS = (process.env.SYNC_REFS ?? 'e941e87^').split(',').filter(Boolean);
const ROUNDS = Number(process.env.SYNC_ROUNDS ?? 9);
const WINDOWS = Number(process.env.SYNC_WINDOWS ?? 7);
const PAIRS = Number(process.env.SYNC_PAIRS ?? 2_000_000);
const WORKLOADS = (process.env.SYNC_WORKLOADS ?? 'mutex, one task (uncontended);mutex, 8 tasks that await inside the lock;semaphore of 4, 8 tasks').split(';');

const builds = [['now', {}], ...REFS.map((ref) => [ref, build(ref)])];
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`steady state: ${ROUNDS} rounds, a fresh process per build and round, median of ${WINDOWS} windows of ${PAIRS.toLocaleString('en')} pairs after one to warm up; Node ${process.version}; load ${load()} at the start`);
console.log(`| workload | ${builds.map(([name]) => `${name} (M/s)`).join(' | ')} | ${REFS.map((ref) => `now ÷ ${ref}: median of rounds (min-max)`).join(' | ')} |`);
console.log(`|---|${builds.map(() => '---:').join('|')}|${REFS.map(() => '---').join('|')}|`);
for (const workload of WORKLOADS) {
  const rates = builds.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < builds.length; i++) {
      const b = (i + round) % builds.length;
      const out = execFileSync(process.execPath, [child, 'gochan', workload, String(PAIRS)], { env: { ...process.env, ...builds[b][1], BENCH_WINDOWS: String(WINDOWS) }, encoding: 'utf8' });
      rates[b].push(JSON.parse(out.trim().split('\n').at(-1)).ops);
    }
  }
  const ratios = REFS.map((_, r) => rates[0].map((now, round) => now / rates[r + 1][round]));
  const cells = rates.map((values) => (median(values) / 1e6).toFixed(2));
  const ratioCells = ratios.map((values) => `${median(values).toFixed(3)} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`);
  console.log(`| ${workload} | ${cells.join(' | ')} | ${ratioCells.join(' | ')} |`);
}
console.log(`load ${load()} at the end`);
