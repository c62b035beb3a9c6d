// `pnpm bench redis`: the pool on RedisStore against BullMQ, Bee-Queue and a
// hand-written XADD/XREADGROUP/XACK floor, side by side in one session on one
// redis-server this runner starts (a free port, appendonly on, appendfsync
// everysec: Redis's default). Every run is a fresh child process (child.mjs)
// on a fresh queue that checks every job ran; the entries take turns in a
// rotating order, round after round, and the medians go into the redis
// section of ../RESULTS.md. Then recovery: a process holding jobs is
// SIGKILLed, and another process's re-runs are timed (recover-child.mjs).
//
// Environment: REDIS_BENCH_RUNS (rounds, default 3). `--render` rewrites the
// section from results.json without measuring.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { timeRecovery } from '../recovery.mjs';
import { fmtRate, median, snapshotPackages, version } from '../support.mjs';

const RUNS = Number(process.env.REDIS_BENCH_RUNS ?? 3);
const RENDER_ONLY = process.argv.includes('--render');
const JOBS = 20_000;
const SERIAL_JOBS = 5_000;
const WORKERS = [4, 64];
const LEASE_MS = 2000;
const RECOVERY_JOBS = 10;
const LIBRARIES = ['gochan', 'bullmq', 'bee', 'floor'];
const NAMES = { gochan: 'gochan (RedisStore)', bullmq: 'BullMQ', bee: 'Bee-Queue', floor: 'floor (hand-written)' };

const here = new URL('.', import.meta.url).pathname;
const child = join(here, 'child.mjs');
const recoverChild = join(here, 'recover-child.mjs');
const resultsMd = new URL('../RESULTS.md', import.meta.url).pathname;
const rawResults = join(here, 'results.json');


/** Spawns a node child and resolves with its last JSON line, checked: every job ran. */
function measure(library, mode, workers, jobs, url, queue) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, library, mode, String(workers), String(jobs), url, queue], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => proc.kill('SIGKILL'), 300_000);
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.stderr.on('data', (chunk) => (err += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${library} ${mode} at ${workers} workers: exited with ${code}\n${err}`));
      const result = JSON.parse(out.trim().split('\n').pop());
      if (result.ran !== jobs) return reject(new Error(`${library} ${mode} at ${workers} workers: ${result.ran} of ${jobs} jobs ran`));
      resolve(result);
    });
  });
}

/** The redis-server's CPU time so far (user + system, seconds), from INFO cpu. */
function serverCpu(port) {
  const info = spawnSync('redis-cli', ['-p', String(port), 'INFO', 'cpu'], { encoding: 'utf8' }).stdout;
  const field = (name) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** One recovery run: a holder claims RECOVERY_JOBS jobs and hangs; a rescuer starts; the holder is SIGKILLed; kill to last re-run. */
function recover(scenario, url, queue) {
  return timeRecovery(scenario.name, RECOVERY_JOBS, (role) => [recoverChild, scenario.library, role, url, queue, String(RECOVERY_JOBS), String(scenario.lease)]);
}

const RECOVERY = [
  { name: `gochan, leaseMs ${LEASE_MS}`, library: 'gochan', lease: LEASE_MS, runs: 3 },
  { name: 'BullMQ, lockDuration and stalledInterval 5000', library: 'bullmq', lease: 5000, runs: 2 },
  { name: 'BullMQ at its defaults (lockDuration and stalledInterval 30000)', library: 'bullmq', lease: 'default', runs: 1 },
];

/** The code measured: the commit, and the files of our packages that differed from it. */
function codeState() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../../packages/pool', '../../packages/store-redis'], { cwd: here, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3));
    return { head, dirty };
  } catch {
    return undefined;
  }
}

let data;
if (RENDER_ONLY) {
  data = JSON.parse(readFileSync(rawResults, 'utf8'));
} else {
  // Others rebuild packages/ while a session runs: every child loads one copy of the built packages, taken now.
  process.env.REDIS_BENCH_CODE = snapshotPackages('gochan-bench-redis-code-', ['channel', 'context', 'waitgroup', 'pool', 'store-redis'], {
    '@redis/client': 'packages/store-redis/node_modules/@redis/client',
  });

  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const dir = mkdtempSync(join(os.tmpdir(), 'gochan-bench-redis-'));
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], { stdio: 'ignore' });
  for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
  const url = `redis://127.0.0.1:${port}`;
  let queues = 0;
  const queue = (what) => `${what}-${++queues}`;

  data = {
    startedAt: new Date().toISOString(),
    loadAtStart: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    loadSamples: [],
    code: codeState(),
    machine: { node: process.version, cpu: os.cpus()[0]?.model ?? '?', nproc: os.cpus().length, redis: spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim() },
    versions: { bullmq: version('bullmq'), 'bee-queue': version('bee-queue'), ioredis: version('ioredis') },
    rounds: RUNS,
    runs: [], // every child's line
    recovery: RECOVERY.map((s) => ({ name: s.name, library: s.library, lease: s.lease, runs: [] })),
  };
  const entries = [
    ...WORKERS.flatMap((workers) => LIBRARIES.flatMap((library) => ['phases', 'e2e'].map((mode) => ({ library, mode, workers, jobs: JOBS })))),
    { library: 'gochan', mode: 'serial', workers: 1, jobs: SERIAL_JOBS },
    { library: 'bullmq', mode: 'serial', workers: 1, jobs: SERIAL_JOBS },
    { library: 'bee', mode: 'serial', workers: 1, jobs: SERIAL_JOBS },
    { library: 'floor', mode: 'serial', workers: 1, jobs: SERIAL_JOBS },
  ];
  try {
    for (let round = 0; round < RUNS; round++) {
      data.loadSamples.push(os.loadavg()[0]);
      for (let k = 0; k < entries.length; k++) {
        const e = entries[(k + round * 3) % entries.length];
        const cpu0 = serverCpu(port);
        const result = await measure(e.library, e.mode, e.workers, e.jobs, url, queue(`${e.library}-${e.mode}`));
        // Redis's own CPU over the whole child (setup included): the server's share of the cost.
        result.serverCpuUsPerJob = ((serverCpu(port) - cpu0) * 1e6) / e.jobs;
        data.runs.push({ round, ...result });
        const rates = ['submitPerSec', 'processPerSec', 'e2ePerSec', 'serialPerSec'].filter((r) => r in result).map((r) => `${r.replace('PerSec', '')} ${fmtRate(result[r])}`);
        console.log(`round ${round + 1}/${RUNS} ${e.library.padEnd(7)} ${e.mode.padEnd(6)} ${String(e.workers).padStart(2)}w  ${rates.join('  ')}${result.cpuUsPerJob ? `  cpu ${result.cpuUsPerJob.toFixed(0)} µs/job` : ''}`);
      }
    }
    // Recovery is timer-bound: BullMQ at its defaults (about a minute) runs beside the others.
    console.log('recovery: about a minute...');
    const sequence = async (index) => {
      for (let r = 0; r < RECOVERY[index].runs; r++) {
        const result = await recover(RECOVERY[index], url, queue(`recover-${RECOVERY[index].library}`));
        data.recovery[index].runs.push(result);
        console.log(`recovery  ${RECOVERY[index].name.padEnd(64)} last re-run ${result.lastMs} ms after the kill`);
      }
    };
    await Promise.all([sequence(2), (async () => {
      await sequence(0);
      await sequence(1);
    })()]);
  } finally {
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  data.loadAtEnd = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  writeFileSync(rawResults, `${JSON.stringify(data, null, 1)}\n`);
}

// --- report ---
const cellRuns = (library, mode, workers, metric) => data.runs.filter((r) => r.library === library && r.mode === mode && r.workers === workers).map((r) => r[metric]);
const value = (library, mode, workers, metric) => median(cellRuns(library, mode, workers, metric));
const cell = (library, mode, workers, metric, fmt = fmtRate) => {
  const runs = cellRuns(library, mode, workers, metric);
  if (runs.length === 0) return '–';
  const range = runs.length > 1 ? ` (${fmt(Math.min(...runs))}–${fmt(Math.max(...runs))})` : '';
  return `${fmt(median(runs))}${range}`;
};
const x = (v) => `${v.toFixed(2)}×`;
const verdict = (ok) => (ok ? 'met' : '**missed**');
const us = (v) => `${Math.round(v)} µs`;
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const { code, machine } = data;
const lines = ['## Worker pool on Redis', ''];
lines.push(
  `Measured ${data.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${machine.cpu}, \`nproc\` ${machine.nproc}, ${machine.redis.split(' sha')[0]}, Node ${machine.node} ` +
    `(load average ${data.loadAtStart} at the start, ${data.loadAtEnd} at the end: the machine is shared with other work, read the ratios); ` +
    `${data.rounds} rounds, medians, the entries in a rotating order, all on one redis-server started by the runner ` +
    '(loopback, appendonly on, appendfsync everysec). Each run is a fresh process on a fresh queue and checks that every ' +
    'job ran. Cells give the median and, in brackets, the slowest and fastest run. Regenerate: `pnpm bench redis`; every ' +
    'run is in `bench/redis/results.json`.',
  '',
  `Versions: @gochan/pool and @gochan/store-redis built from the work tree at ${code?.head ?? '?'}` +
    `${code?.dirty?.length ? ` with changes to ${code.dirty.join(', ')} not yet committed` : ''}; BullMQ ${data.versions.bullmq} (on ioredis ${data.versions.ioredis}), Bee-Queue ${data.versions['bee-queue']}.`,
  '',
  `- **gochan**: \`new WorkerPool({ workers, prefetch: 1000, queueSize: 20000, store: await RedisStore.open({ url, queue, leaseMs: 30000 }) })\` ` +
    '(prefetch as in the SQLite suite: the pool claims again once half of it is free, so a claim takes up to about 500 jobs; with 64, ' +
    'end to end was about 10% slower and the client\'s CPU about 10 µs per job more, measured by hand; one awaited submit at a time ' +
    'runs with prefetch 0, so the gated pool claims one job and then nothing while the submits go), ' +
    'fed by 256 producer loops that each `await pool.submit({ id, payload: i })` in turn (the store sends the adds issued ' +
    'together, such as the submits one reply lets go, as one script call); ids are ours, so every add is checked for a duplicate.',
  '- **BullMQ**: `Queue.addBulk` in chunks of 1000 (all chunks sent at once), `removeOnComplete: true`; a `Worker` with ' +
    '`concurrency: workers`; the end is its `completed` event for the last job. Ids are BullMQ\'s own.',
  '- **Bee-Queue**: `Queue#saveAll` in chunks of 1000 (pipelined), `Queue#process(workers, handler)`, with `removeOnSuccess`, ' +
    'and `getEvents`, `sendEvents`, `storeJobs` off as its README advises for speed; the end is its local `succeeded` event for the last job.',
  '- **floor**: @redis/client by hand, one stream and group: XADD (256 in flight), `workers` loops of XREADGROUP COUNT 64 ' +
    '(polled, not blocking: they share one pipelined connection), then XACK and XDEL of the batch. No lease, token, duplicate check, count or retry.',
  '- Submit: all jobs added, no worker taking any. Processing: then the workers start on the full queue (ours starts its ' +
    'workers with the pool, held at a gate until the submits are in; the pool claims at most workers + prefetch meanwhile). ' +
    'End to end: producer and workers at once in one process, from the first submit to the last completion written; CPU per ' +
    'job is that process\'s `process.cpuUsage()` (user + system) over the run divided by the jobs: the client\'s cost, Redis\'s not counted.',
  '',
);
for (const [title, mode, metric] of [
  ['End to end (producer and workers at once), jobs per second', 'e2e', 'e2ePerSec'],
  ['Submit rate (no workers), jobs per second', 'phases', 'submitPerSec'],
  ['Processing rate (a full queue, then the workers), jobs per second', 'phases', 'processPerSec'],
]) {
  lines.push(`### ${title}`, '');
  lines.push(`| library | ${WORKERS.map((w) => `${w} workers`).join(' | ')} | ${WORKERS.map((w) => `ours ÷ it, ${w}`).join(' | ')} |`, `|---|${WORKERS.map(() => '---:').join('|')}|${WORKERS.map(() => '---:').join('|')}|`);
  for (const library of LIBRARIES) {
    const ratios = WORKERS.map((w) => (library === 'gochan' ? '' : x(value('gochan', mode, w, metric) / value(library, mode, w, metric))));
    lines.push(`| ${NAMES[library]} | ${WORKERS.map((w) => cell(library, mode, w, metric)).join(' | ')} | ${ratios.join(' | ')} |`);
  }
  lines.push('');
}
lines.push('### Client CPU per job, end to end (µs; lower is better)', '');
lines.push(`| library | ${WORKERS.map((w) => `${w} workers`).join(' | ')} |`, `|---|${WORKERS.map(() => '---:').join('|')}|`);
for (const library of LIBRARIES) lines.push(`| ${NAMES[library]} | ${WORKERS.map((w) => cell(library, 'e2e', w, 'cpuUsPerJob', (v) => v.toFixed(0))).join(' | ')} |`);
lines.push('');
if (data.runs.some((r) => r.serverCpuUsPerJob !== undefined)) {
  lines.push(
    'The Redis server\'s CPU per job over the same runs (its `INFO cpu`, user + system, before and after the child, setup included; ' +
      'one core at most, and on this machine the same two cores as the client):',
    '',
    `| library | ${WORKERS.map((w) => `${w} workers`).join(' | ')} |`,
    `|---|${WORKERS.map(() => '---:').join('|')}|`,
  );
  for (const library of LIBRARIES) lines.push(`| ${NAMES[library]} | ${WORKERS.map((w) => cell(library, 'e2e', w, 'serverCpuUsPerJob', (v) => v.toFixed(0))).join(' | ')} |`);
  lines.push('');
}
lines.push(`### One awaited submit at a time, ${SERIAL_JOBS.toLocaleString('en')} jobs`, '');
lines.push('| call | submits per second | ours ÷ it |', '|---|---:|---:|');
const serialCalls = {
  gochan: '`await pool.submit(job)`',
  bullmq: "BullMQ `await queue.add('j', data)`",
  bee: 'Bee-Queue `await queue.createJob(data).save()`',
  floor: '*floor*: one awaited `XADD` (node-redis), the least a round trip does',
};
for (const library of ['gochan', 'bullmq', 'bee', 'floor']) {
  const ratio = library === 'gochan' ? '' : x(value('gochan', 'serial', 1, 'serialPerSec') / value(library, 'serial', 1, 'serialPerSec'));
  lines.push(`| ${serialCalls[library]} | ${cell(library, 'serial', 1, 'serialPerSec')} | ${ratio} |`);
}
lines.push('');
lines.push('### Recovery after SIGKILL', '');
lines.push(
  `A process takes ${RECOVERY_JOBS} jobs and hangs in their handlers; a second process starts on the same queue; the first is ` +
    'SIGKILLed; the time is from the kill to the last job re-run by the second.',
  '',
  '| library and setting | runs | last re-run after the kill (median, range) | first re-run |',
  '|---|---:|---:|---:|',
);
for (const r of data.recovery) {
  if (r.runs.length === 0) continue;
  const last = r.runs.map((v) => v.lastMs);
  const first = r.runs.map((v) => v.firstMs);
  lines.push(`| ${r.name} | ${r.runs.length} | ${sec(median(last))} (${sec(Math.min(...last))}–${sec(Math.max(...last))}) | ${sec(median(first))} |`);
}
lines.push('');

// Targets of issue 10.
const per = (values, fmt) => values.map((v, i) => `${fmt(v)} (${WORKERS[i]} workers)`).join(', ');
const ratioTo = (library) => WORKERS.map((w) => value('gochan', 'e2e', w, 'e2ePerSec') / value(library, 'e2e', w, 'e2ePerSec'));
const vsBull = ratioTo('bullmq');
const vsBee = ratioTo('bee');
const vsFloor = ratioTo('floor');
const serialRatio = value('gochan', 'serial', 1, 'serialPerSec') / value('bullmq', 'serial', 1, 'serialPerSec');
const serialFloor = value('floor', 'serial', 1, 'serialPerSec') / value('bullmq', 'serial', 1, 'serialPerSec');
const serialOfFloor = value('floor', 'serial', 1, 'serialPerSec') / value('gochan', 'serial', 1, 'serialPerSec');
const cpu = WORKERS.map((w) => value('gochan', 'e2e', w, 'cpuUsPerJob'));
const recovery = data.recovery[0].runs.length ? median(data.recovery[0].runs.map((v) => v.lastMs)) : NaN;
lines.push('### Targets (issue 10)', '');
lines.push(
  `- End to end at least 2× BullMQ: ${per(vsBull, x)}: ${verdict(vsBull.every((v) => v >= 2))}.`,
  `- End to end at least 1.5× Bee-Queue: ${per(vsBee, x)}: ${verdict(vsBee.every((v) => v >= 1.5))}.`,
  `- At least half the floor: ${per(vsFloor, x)}: ${verdict(vsFloor.every((v) => v >= 0.5))}.`,
  `- One awaited submit at a time at least 1.5× BullMQ's awaited add: ${x(serialRatio)}: ${verdict(serialRatio >= 1.5)}` +
    ` (the floor, one awaited XADD, is ${x(serialFloor)} BullMQ's add; ours is ${x(1 / serialOfFloor)} of the floor).`,
  `- Client CPU at most 50 µs per job: ${per(cpu, us)}: ${verdict(cpu.every((v) => v <= 50))}.`,
  `- Recovery within leaseMs + 1 s (${sec(LEASE_MS + 1000)}): median ${sec(recovery)}: ${verdict(recovery <= LEASE_MS + 1000)}.`,
  '',
);
lines.push('<!-- redis:findings -->', '');
const section = lines.join('\n');
console.log(`\n${section}`);

const text = readFileSync(resultsMd, 'utf8');
let start = text.indexOf('<!-- redis:start -->');
let end = text.indexOf('<!-- redis:end -->');
let findings = '';
let before;
let after;
if (start < 0 || end < 0) {
  // First run: the section goes after SQLite's.
  const anchor = text.indexOf('<!-- sqlite:end -->');
  if (anchor < 0) throw new Error('RESULTS.md: neither redis nor sqlite markers found');
  const at = anchor + '<!-- sqlite:end -->'.length;
  before = `${text.slice(0, at)}\n\n`;
  after = `<!-- redis:end -->${text.slice(at)}`;
} else {
  // The findings (written by hand) follow the generated part and are kept.
  const old = text.slice(start, end);
  const findingsAt = old.indexOf('<!-- redis:findings -->');
  findings = findingsAt < 0 ? '' : old.slice(findingsAt + '<!-- redis:findings -->'.length).replace(/^\n+/, '');
  before = text.slice(0, start);
  after = text.slice(end);
}
writeFileSync(resultsMd, `${before}<!-- redis:start -->\n${section}\n${findings}${after}`);
console.log(`\nwritten to ${resultsMd}`);
