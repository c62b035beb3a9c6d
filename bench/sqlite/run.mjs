// `pnpm bench sqlite`: the pool on its SQLite store against the SQLite job
// queues on npm and a hand-written floor, side by side in one session. Every
// run is a fresh child process (child.mjs) on a fresh file that checks every
// job ran exactly once; the entries take turns in a rotating order, round
// after round, and the medians go into the sqlite section of ../RESULTS.md.
// Then recovery: a process holding claimed jobs is SIGKILLed, and another
// process's re-runs are timed (recover-child.mjs).
//
// Environment: SQLITE_BENCH_RUNS (rounds, default 3). `--render` rewrites the
// section from results.json without measuring.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { timeRecovery } from '../recovery.mjs';
import { fmtRate, median, snapshotPackages, version } from '../support.mjs';
import { FLOOR_BATCH } from './queues.mjs';

const RUNS = Number(process.env.SQLITE_BENCH_RUNS ?? 3);
const RENDER_ONLY = process.argv.includes('--render');
const JOBS = 20_000;
const WORKERS = [4, 64];
/** A commit that waits for fsync costs about 2 to 4 ms on this disk: the rows that commit per job run fewer jobs. */
const FEW_JOBS = 500;
/** Our pool's settings: the backlog bound, the jobs claimed ahead, and how many producers keep a submit in flight. */
const OUR_SETTINGS = { queueSize: 1000, prefetch: 1000, producers: 1000 };
/** The same with a tenth of the submits in flight: how much the group commit owes to them. */
const FEW_SETTINGS = { ...OUR_SETTINGS, producers: 100 };
const LEASE_MS = 2000;
const RECOVERY_JOBS = 10;

const child = new URL('./child.mjs', import.meta.url).pathname;
const recoverChild = new URL('./recover-child.mjs', import.meta.url).pathname;
const results = new URL('../RESULTS.md', import.meta.url).pathname;
const rawResults = new URL('./results.json', import.meta.url).pathname;

const ENTRIES = [
  { name: 'gochan, FULL', queue: 'gochan', synchronous: 'full', settings: OUR_SETTINGS },
  { name: 'gochan, NORMAL', queue: 'gochan', synchronous: 'normal', settings: OUR_SETTINGS },
  { name: 'plainjob, NORMAL (its own)', queue: 'plainjob', synchronous: 'normal' },
  { name: 'plainjob, FULL', queue: 'plainjob', synchronous: 'full', jobs: FEW_JOBS },
  { name: 'floor per step, NORMAL', queue: 'floor, per step', synchronous: 'normal' },
  { name: 'floor per step, FULL', queue: 'floor, per step', synchronous: 'full', jobs: FEW_JOBS },
  { name: 'floor batched, NORMAL', queue: 'floor, batched', synchronous: 'normal' },
  { name: 'floor batched, FULL', queue: 'floor, batched', synchronous: 'full' },
  // One round only: it takes about 20 s a run.
  { name: 'gochan, FULL, 100 submits in flight', queue: 'gochan', synchronous: 'full', settings: FEW_SETTINGS, rounds: 1 },
];


/** Spawns a node child and resolves with its last JSON line. */
function measure(entry, workers) {
  const n = entry.jobs ?? JOBS;
  const env = { ...process.env };
  if (entry.settings) {
    env.OURS_QUEUE = String(entry.settings.queueSize);
    env.OURS_PREFETCH = String(entry.settings.prefetch);
    env.OURS_PRODUCERS = String(entry.settings.producers);
  }
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, entry.queue, entry.synchronous, String(workers), String(n)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.stderr.on('data', (chunk) => (err += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`${entry.name} at ${workers} workers: exited with ${code}\n${err}`));
      else resolve({ ...JSON.parse(out.trim().split('\n').pop()), warnings: err.includes('MaxListenersExceededWarning') ? ['MaxListenersExceededWarning'] : [] });
    });
  });
}

/**
 * One recovery run: a holder process claims RECOVERY_JOBS jobs and hangs in
 * their handlers; a rescuer process on the same file starts; the holder is
 * SIGKILLed; the time from the kill to the rescuer's last re-run is the
 * recovery.
 */
async function recover(scenario) {
  const dir = mkdtempSync(join(os.tmpdir(), 'gochan-bench-recover-'));
  const file = join(dir, 'queue.db');
  const args = (role) => [recoverChild, scenario.queue, role, file, String(RECOVERY_JOBS), String(scenario.leaseMs), ...(scenario.maintenanceMs ? [String(scenario.maintenanceMs)] : [])];
  try {
    return await timeRecovery(scenario.name, RECOVERY_JOBS, args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const RECOVERY = [
  { name: `gochan, leaseMs ${LEASE_MS}`, queue: 'gochan', leaseMs: LEASE_MS, runs: 3 },
  { name: `plainjob, timeout ${LEASE_MS}, maintenanceInterval 1000`, queue: 'plainjob', leaseMs: LEASE_MS, maintenanceMs: 1000, runs: 3 },
  { name: `plainjob, timeout ${LEASE_MS}, maintenanceInterval at its default (60000)`, queue: 'plainjob', leaseMs: LEASE_MS, runs: 1 },
];

let startedAt = new Date();
let loadAtStart = os.loadavg().map((load) => load.toFixed(2)).join(' ');
let speed = []; // { name, workers, runs: [] }
let recovery = []; // { name, runs: [] }
/** The code measured: the commit, and the files of packages/ that differed from it (the pool and store are built from the work tree). */
const codeState = () => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../../packages/pool', '../../packages/store-sqlite'], { cwd: new URL('.', import.meta.url).pathname, encoding: 'utf8' })
      .split('\n').filter(Boolean).map((l) => l.slice(3));
    return { head, dirty };
  } catch {
    return undefined;
  }
};
let code = RENDER_ONLY ? undefined : codeState();
// Others rebuild packages/ while a session runs: every child of this session
// loads one copy of the built packages, taken now (SQLITE_BENCH_CODE).
if (!RENDER_ONLY) {
  process.env.SQLITE_BENCH_CODE = snapshotPackages('gochan-bench-code-', ['channel', 'context', 'waitgroup', 'pool', 'store-sqlite'], {
    'better-sqlite3': 'bench/node_modules/better-sqlite3',
  });
}
if (RENDER_ONLY) {
  ({ speed, recovery, loadAtStart, code } = JSON.parse(readFileSync(rawResults, 'utf8')));
  startedAt = new Date(JSON.parse(readFileSync(rawResults, 'utf8')).startedAt);
} else {
  for (const entry of ENTRIES) for (const workers of WORKERS) speed.push({ name: entry.name, workers, runs: [] });
  const cell = (name, workers) => speed.find((s) => s.name === name && s.workers === workers);
  for (let round = 0; round < RUNS; round++) {
    const entries = ENTRIES.filter((e) => round < (e.rounds ?? Infinity));
    for (const workers of WORKERS) {
      for (let k = 0; k < entries.length; k++) {
        const entry = entries[(k + round) % entries.length];
        const result = await measure(entry, workers);
        cell(entry.name, workers).runs.push(result);
        console.log(`round ${round + 1}/${RUNS}  ${String(workers).padStart(2)} workers  ${entry.name.padEnd(40)} ${fmtRate(result.jobsPerSecond).padStart(10)}  (${result.n} jobs)`);
      }
    }
  }
  // Recovery is timer-bound, not CPU-bound: plainjob at its default maintenance
  // interval (a minute) runs beside the others.
  console.log('recovery: about a minute...');
  recovery = RECOVERY.map((s) => ({ name: s.name, leaseMs: s.leaseMs, maintenanceMs: s.maintenanceMs, runs: [] }));
  const sequence = async (index) => {
    for (let r = 0; r < RECOVERY[index].runs; r++) {
      const result = await recover(RECOVERY[index]);
      recovery[index].runs.push(result);
      console.log(`recovery  ${RECOVERY[index].name.padEnd(60)} last re-run ${result.lastMs} ms after the kill`);
    }
  };
  await Promise.all([sequence(2), (async () => { await sequence(0); await sequence(1); })()]);
  writeFileSync(rawResults, JSON.stringify({ startedAt, loadAtStart, code, speed, recovery }, null, 1) + '\n');
}

// --- report ---
const rate = (name, workers) => median(speed.find((s) => s.name === name && s.workers === workers).runs.map((r) => r.jobsPerSecond));
const cellText = (name, workers) => {
  const runs = speed.find((s) => s.name === name && s.workers === workers).runs;
  const rates = runs.map((r) => r.jobsPerSecond);
  const range = runs.length > 1 ? ` (${fmtRate(Math.min(...rates))}–${fmtRate(Math.max(...rates))})` : '';
  return `${fmtRate(median(rates))}${range}`;
};
const ours = { full: 'gochan, FULL', normal: 'gochan, NORMAL' };
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const nproc = execFileSync('nproc').toString().trim();
const lines = [];
lines.push('## Worker pool on SQLite', '');
lines.push(
  `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu}, \`nproc\` ${nproc} ` +
    `(load average ${loadAtStart} at the start: the machine is shared, read the ratios), Node ${process.version}; ` +
    `${RUNS} rounds, medians, the entries in a rotating order. Each run is a fresh process on a fresh file in the ` +
    'temporary folder (ext4 on the same disk as the work tree, not a tmpfs), WAL mode everywhere, and times ' +
    `${JOBS.toLocaleString('en')} no-op jobs end to end: from the first submit to the last completion committed. ` +
    'Every run checked that each job ran exactly once and that the queue was empty after. Cells give the median ' +
    'and, in brackets, the slowest and fastest run. Regenerate: `pnpm bench sqlite`; every run is in ' +
    '`bench/sqlite/results.json`.',
  '',
  `Versions: @gochan/pool and @gochan/store-sqlite built from the work tree at ${code?.head ?? '?'}` +
    `${code?.dirty?.length ? ` with changes to ${code.dirty.join(', ')} not yet committed` : ''}, plainjob ${version('plainjob')}, better-sqlite3 ${version('better-sqlite3')}.`,
  '',
  '- **gochan**: `new WorkerPool({ workers, queueSize: 1000, prefetch: 1000, store: new SqliteStore(file, { synchronous }) })`, ' +
    `fed by ${OUR_SETTINGS.producers} producer loops that each \`await pool.submit({ id, payload: i })\` in turn, so up to ` +
    `${OUR_SETTINGS.producers} submits are in flight and the store commits those of one event-loop turn together; then ` +
    '`await pool.shutdown()` (which waits for the last completions to commit).',
  '- **plainjob**, as its own benchmark drives it: all jobs added by one `queue.addMany` (one transaction), then ' +
    '`workers` × `defineWorker` on the same queue and connection, a silent logger. `defineQueue` sets ' +
    '`synchronous = NORMAL` itself; the FULL row sets it back to FULL after.',
  '- **floor**: better-sqlite3 by hand, one table and one index. Per step: each insert, each claim (an `UPDATE … ' +
    'RETURNING` of the oldest waiting row) and each delete commits alone; `workers` async loops claim, await the job, ' +
    `delete. Batched: ${FLOOR_BATCH} inserts per transaction, then claim up to ${FLOOR_BATCH} in one statement, run ` +
    `them on \`workers\` loops, delete them in one transaction. No lease, token, count or retry.`,
  `- Rows marked ${FEW_JOBS} jobs commit with an fsync per job step (2–4 ms each here): 20k jobs would take minutes, ` +
    'and their rate does not depend on the count.',
  '',
);
lines.push('### End to end, jobs per second', '');
lines.push(
  `| queue | synchronous | ${WORKERS.map((w) => `${w} workers`).join(' | ')} | ${WORKERS.map((w) => `ours ÷ it, ${w}`).join(' | ')} |`,
  `|---|---|${WORKERS.map(() => '---:').join('|')}|${WORKERS.map(() => '---:').join('|')}|`,
);
for (const entry of ENTRIES) {
  const sameSetting = ours[entry.synchronous];
  const isOurs = entry.name === sameSetting;
  const ratios = WORKERS.map((w) => (isOurs ? '' : (rate(sameSetting, w) / rate(entry.name, w)).toFixed(2)));
  const jobs = entry.jobs ? ` (${entry.jobs} jobs)` : '';
  const rounds = entry.rounds ? ` (${entry.rounds} run)` : '';
  lines.push(`| ${entry.name}${jobs}${rounds} | ${entry.synchronous.toUpperCase()} | ${WORKERS.map((w) => cellText(entry.name, w)).join(' | ')} | ${ratios.join(' | ')} |`);
}
lines.push('', '"ours ÷ it" divides gochan at the same `synchronous` setting by the row.', '');

lines.push('### Recovery after SIGKILL', '');
lines.push(
  `A process claims ${RECOVERY_JOBS} jobs and hangs in their handlers; a second process opens the same file; the first is ` +
    'SIGKILLed; the time is from the kill to the last job re-run by the second (wall clocks of one machine). Both ' +
    'poll every 100 ms when idle (our store\'s `pollMs` default; plainjob\'s `pollIntervall` set to 100, its default is 1000).',
  '',
  '| queue and setting | runs | last re-run after the kill (median, range) | first re-run |',
  '|---|---:|---:|---:|',
);
for (const r of recovery) {
  const last = r.runs.map((x) => x.lastMs);
  const first = r.runs.map((x) => x.firstMs);
  lines.push(`| ${r.name} | ${r.runs.length} | ${(median(last) / 1000).toFixed(2)} s (${(Math.min(...last) / 1000).toFixed(2)}–${(Math.max(...last) / 1000).toFixed(2)}) | ${(median(first) / 1000).toFixed(2)} s |`);
}
lines.push(
  '',
  'plainjob at its real defaults was not timed: `timeout` is 30 minutes and is counted from the job\'s `next_run_at` ' +
    '(when it was added, or its delay ended), not from the claim, and the requeue runs only in the maintenance timer, ' +
    'every `maintenanceInterval` (default 60 s, first run a full interval after `defineQueue`). So at its defaults a ' +
    'killed process\'s jobs wait until 30 minutes after they were added, up to a minute more; with `timeout` set short, ' +
    'a live worker\'s job that waited in the queue longer than `timeout` is requeued while it runs (it runs twice). ' +
    'Our lease is counted from the claim and renewed every third of it while the handler runs.',
  '',
);

// Targets of issue 9.
const verdict = (ok) => (ok ? 'met' : '**not met**');
const pj = 'plainjob, NORMAL (its own)';
const vsPlain = WORKERS.map((w) => rate(ours.normal, w) / rate(pj, w));
const fullVsPlain = WORKERS.map((w) => rate(ours.full, w) / rate(pj, w));
const vsFloorN = WORKERS.map((w) => rate(ours.normal, w) / rate('floor batched, NORMAL', w));
const vsFloorF = WORKERS.map((w) => rate(ours.full, w) / rate('floor batched, FULL', w));
const fullRates = WORKERS.map((w) => rate(ours.full, w));
const ourRecovery = median(recovery[0].runs.map((x) => x.lastMs));
const per = (values, fmt) => values.map((v, i) => `${fmt(v)} (${WORKERS[i]} workers)`).join(', ');
const x = (v) => `${v.toFixed(2)}×`;
lines.push('### Targets (issue 9)', '');
lines.push(
  `- End to end at least 3× plainjob: at NORMAL, its own setting, ours ÷ it = ${per(vsPlain, x)}: ${verdict(vsPlain.every((v) => v >= 3))}; ` +
    `ours at FULL ÷ plainjob at NORMAL = ${per(fullVsPlain, x)}.`,
  `- At least a quarter of the batched floor: at NORMAL ${per(vsFloorN, x)}: ${verdict(vsFloorN.every((v) => v >= 0.25))}; ` +
    `at FULL ${per(vsFloorF, x)}: ${verdict(vsFloorF.every((v) => v >= 0.25))}.`,
  `- With synchronous=FULL at least 15k jobs/s: ${per(fullRates, fmtRate)}: ${verdict(fullRates.every((v) => v >= 15_000))}.`,
  `- Recovery within leaseMs + 1 s (${((LEASE_MS + 1000) / 1000).toFixed(1)} s): median ${(ourRecovery / 1000).toFixed(2)} s: ${verdict(ourRecovery <= LEASE_MS + 1000)}.`,
  '',
);
lines.push('<!-- sqlite:findings -->', '');
const section = lines.join('\n');
console.log('\n' + section);

const text = readFileSync(results, 'utf8');
const start = text.indexOf('<!-- sqlite:start -->');
const end = text.indexOf('<!-- sqlite:end -->');
if (start < 0 || end < 0) throw new Error('RESULTS.md: sqlite markers not found');
// The findings (a profile, written by hand) follow the generated part and are kept.
const old = text.slice(start, end);
const findingsAt = old.indexOf('<!-- sqlite:findings -->');
const findings = findingsAt < 0 ? '' : old.slice(findingsAt + '<!-- sqlite:findings -->'.length).replace(/^\n+/, '');
writeFileSync(results, `${text.slice(0, start)}<!-- sqlite:start -->\n${section}\n${findings}${text.slice(end)}`);
console.log(`\nwritten to ${results}`);
