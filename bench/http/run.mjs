// `pnpm bench http`: the HTTP server of the examples under load, on loopback.
//
// For each version of the server (hand-built on Channel/WaitGroup/context,
// and on @gochan/pool), in a fresh process:
//   1. load: autocannon drives GET /task/{unique id} at about twice what the
//      workers can do, for LOAD_SECONDS; we record requests/s, latency,
//      status codes and the server's peak RSS;
//   2. shutdown under load: a second load starts, and SIGTERM arrives in the
//      middle of it; the load goes on until the server refuses connections
//      (its listener closed), not beyond: a storm of refused reconnections
//      would only steal CPU from the drain;
//   3. audit: every task answered 200, in either phase, must appear in the
//      server's output as processed and finished, before `Shutdown complete`,
//      and the exit code must be 0. No task may run twice, and none that was
//      never requested.
// Then the results replace the http section of ../RESULTS.md.
//
// Bounded: loopback only, at most RATE requests/s, for LOAD_SECONDS plus at
// most SHUTDOWN_LOAD_SECONDS, and a watchdog kills anything left after that.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const WORKERS = 4;
const TASK_MS = 20;
const QUEUE_SIZE = 1000;
/** What the workers can do, tasks per second. */
const CAPACITY = (WORKERS * 1000) / TASK_MS;
/** The offered load: about twice that. */
const RATE = 2 * CAPACITY;
const CONNECTIONS = 100;
/** LOAD_SECONDS=n shortens the load for a try; only the full 20 s run is recorded in RESULTS.md. */
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
/** SIGTERM comes this long into the second load. */
const SIGTERM_AFTER_MS = 3_000;
/** The second load's longest run; it stops as soon as the server has exited. */
const SHUTDOWN_LOAD_SECONDS = 30;

const servers = [
  { name: 'http-server', label: 'examples/http-server (Channel, WaitGroup, context)' },
  { name: 'http-server-pool', label: 'examples/http-server-pool (@gochan/pool)' },
];

const loadAtStart = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const results = [];
let failed = false;
for (const server of servers) {
  const result = await benchServer(server);
  results.push(result);
  if (result.problems.length > 0) failed = true;
  printResult(result);
}
if (LOAD_SECONDS === 20) writeResults(results);
process.exit(failed ? 1 : 0);

async function benchServer({ name, label }) {
  const main = fileURLToPath(new URL(`../../examples/${name}/dist/main.js`, import.meta.url));
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PORT: '0',
      WORKERS: String(WORKERS),
      TASK_MS: String(TASK_MS),
      QUEUE_SIZE: String(QUEUE_SIZE),
      SHUTDOWN_TIMEOUT_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watchdog = setTimeout(() => child.kill('SIGKILL'), (LOAD_SECONDS + SHUTDOWN_LOAD_SECONDS + 90) * 1000);
  const stdout = collectLines(child.stdout);
  const stderr = collectLines(child.stderr);
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  try {
    return await measure({ name, label, child, stdout, stderr, exited });
  } finally {
    // Whatever went wrong, no server is left behind.
    clearTimeout(watchdog);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

async function measure({ name, label, child, stdout, stderr, exited }) {
  const port = await waitForPort(stdout, exited);
  const url = `http://127.0.0.1:${port}`;

  // Peak resident memory, from the kernel's high-water mark (Linux).
  let peakRssKiB = 0;
  const idleRssKiB = readKiB(child.pid, 'VmRSS');
  const sampler = setInterval(() => (peakRssKiB = Math.max(peakRssKiB, readKiB(child.pid, 'VmHWM'))), 250);

  const requested = new Set();
  const answered = new Set();
  const load = await runLoad(url, `${name}-load`, LOAD_SECONDS, requested, answered);

  // Shutdown under load.
  const answeredBefore = answered.size;
  const shutdownLoad = runLoad(url, `${name}-term`, SHUTDOWN_LOAD_SECONDS, requested, answered, exited);
  await sleep(SIGTERM_AFTER_MS);
  peakRssKiB = Math.max(peakRssKiB, readKiB(child.pid, 'VmHWM'));
  const queuedAtSigterm = await fetch(`${url}/stats`)
    .then((response) => response.json())
    .then((stats) => stats.queued)
    .catch(() => undefined);
  const sigtermAt = performance.now();
  child.kill('SIGTERM');
  const exit = await exited;
  const drainMs = performance.now() - sigtermAt;
  const term = await shutdownLoad;
  clearInterval(sampler);

  return {
    name,
    label,
    load,
    term: { ...term, answered: answered.size - answeredBefore, queuedAtSigterm, drainMs },
    idleRssKiB,
    peakRssKiB,
    audit: audit({ stdout, stderr, exit, requested, answered }),
    get problems() {
      return this.audit.problems;
    },
  };
}

/** runLoad drives unique task ids at RATE requests/s until `seconds` pass or `until` settles. */
async function runLoad(url, prefix, seconds, requested, answered, until) {
  let seq = 0;
  const times = [];
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const id = `${prefix}-${++seq}`;
          requested.add(id);
          return { ...request, path: `/task/${id}` };
        },
        onResponse: (status, body) => {
          if (status !== 200) return;
          const match = /^Task ID (.+) added\n$/.exec(body);
          if (match) answered.add(match[1]);
        },
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === 200) times.push(responseTime);
  });
  if (until) {
    void until.then(() => instance.stop());
    instance.once('reqError', () => instance.stop());
  }
  const result = await instance;
  times.sort((a, b) => a - b);
  const at = (q) => (times.length === 0 ? NaN : times[Math.min(times.length - 1, Math.floor(q * times.length))]);
  return {
    seconds: result.duration,
    sent: seq,
    ok: result.statusCodeStats['200']?.count ?? 0,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    errors: result.errors,
    timeouts: result.timeouts,
    okPerSecond: (result.statusCodeStats['200']?.count ?? 0) / result.duration,
    p50: Math.round(at(0.5)),
    p99: Math.round(at(0.99)),
    max: Math.round(times.at(-1) ?? NaN),
  };
}

/** audit checks the server's output against the ids answered 200. */
function audit({ stdout, stderr, exit, requested, answered }) {
  const problems = [];
  const processing = new Map();
  const finished = new Map();
  let complete = -1;
  stdout.forEach((line, index) => {
    const match = /^Worker (\d+) (processing|finished) task ID (.+)$/.exec(line);
    if (match) {
      const seen = match[2] === 'processing' ? processing : finished;
      seen.set(match[3], (seen.get(match[3]) ?? 0) + 1);
    } else if (line === 'Shutdown complete') {
      complete = index;
    }
  });
  if (exit.code !== 0) problems.push(`exit code ${exit.code}, signal ${exit.signal}`);
  if (complete !== stdout.length - 1) problems.push('`Shutdown complete` is not the last line');
  const lost = [...answered].filter((id) => finished.get(id) !== 1 || processing.get(id) !== 1);
  if (lost.length > 0) problems.push(`${lost.length} task(s) answered 200 but not processed and finished once: ${lost.slice(0, 5).join(', ')}`);
  const twice = [...processing].filter(([, count]) => count > 1).map(([id]) => id);
  if (twice.length > 0) problems.push(`${twice.length} task(s) processed more than once`);
  const unknown = [...processing.keys()].filter((id) => !requested.has(id));
  if (unknown.length > 0) problems.push(`${unknown.length} task(s) processed that nobody requested`);
  const unfinished = [...processing.keys()].filter((id) => !finished.has(id));
  if (unfinished.length > 0) problems.push(`${unfinished.length} task(s) processed but not finished`);
  const unexpectedStderr = stderr.filter((line) => !/^SIGTERM: shutting down;/.test(line));
  if (unexpectedStderr.length > 0) problems.push(`stderr: ${unexpectedStderr.slice(0, 3).join(' | ')}`);
  return {
    problems,
    answered: answered.size,
    processed: processing.size,
    finished: finished.size,
    // Accepted while the client was already leaving (its response was on the
    // wire when the load stopped): processed, but no 200 was read.
    processedUnanswered: [...processing.keys()].filter((id) => !answered.has(id)).length,
  };
}

function printResult(r) {
  const { load, term, audit: a } = r;
  console.log(`\n## ${r.label}`);
  console.log(
    `load ${load.seconds.toFixed(1)} s at ${RATE}/s offered: ${load.okPerSecond.toFixed(0)} tasks/s accepted (capacity ${CAPACITY}), ` +
      `p50 ${load.p50} ms, p99 ${load.p99} ms, max ${load.max} ms, ` +
      `codes ${JSON.stringify(load.statusCodes)}, errors ${load.errors}`,
  );
  console.log(
    `SIGTERM under load (${term.queuedAtSigterm} queued): drained in ${(term.drainMs / 1000).toFixed(1)} s, ` +
      `codes ${JSON.stringify(term.statusCodes)}, connection errors ${term.errors}`,
  );
  console.log(`RSS idle ${mib(r.idleRssKiB)} MiB, peak ${mib(r.peakRssKiB)} MiB`);
  console.log(
    `audit: ${a.answered} answered 200, ${a.processed} processed, ${a.finished} finished, ` +
      `${a.processedUnanswered} processed without a 200 read; ${a.problems.length === 0 ? 'none lost' : a.problems.join('; ')}`,
  );
}

function writeResults(all) {
  const file = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
  const cpus = os.cpus();
  const row = (r) => {
    const { load, term, audit: a } = r;
    return (
      `| ${r.name} | ${load.okPerSecond.toFixed(0)} | ${load.p50} | ${load.p99} | ${load.max} | ${mib(r.idleRssKiB)} → ${mib(r.peakRssKiB)} | ` +
      `${term.queuedAtSigterm} | ${term.statusCodes['503'] ?? 0} | ${(term.drainMs / 1000).toFixed(1)} | ${a.answered} | ${a.finished} | ${a.processedUnanswered} | ${a.problems.length === 0 ? 'none' : a.problems.join('; ')} |`
    );
  };
  const [base, pool] = all;
  const section = [
    '## HTTP server under load',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus.length} × ${cpus[0]?.model.trim()}, ` +
      `${mib(os.totalmem() / 1024)} MiB, ${os.type()} ${os.release()}, Node ${process.version}, load average ${loadAtStart} at the start; ` +
      'autocannon ran on the same cores, and the machine is shared with other work: read the ratios, not the absolutes.',
    '',
    `Each server ran in a fresh process with ${WORKERS} workers, tasks of ${TASK_MS} ms (capacity ${CAPACITY} tasks/s) and a queue of ${QUEUE_SIZE}. ` +
      `autocannon offered ${RATE} requests/s (twice the capacity) on ${CONNECTIONS} loopback connections for ${LOAD_SECONDS} s, each request a new task id. ` +
      `Then a second load started, SIGTERM came ${SIGTERM_AFTER_MS / 1000} s into it, and the load went on until the server's listener refused connections.`,
    '',
    '| server | accepted tasks/s | p50 ms | p99 ms | max ms | RSS MiB idle → peak | queued at SIGTERM | 503 after SIGTERM | drain s | answered 200 | finished | ran without a 200 | lost |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...all.map(row),
    '',
    `- Accepted tasks/s is the rate of 200 answers in the load phase: backpressure holds it at the workers' capacity once the queue is full; the rest of the offered load waits (the 5 s it takes to fill the queue at twice the rate are included, hence a little over ${CAPACITY}).`,
    `- p50/p99/max are the time from sending a request to its 200: waiting for room in the queue, not the task itself. With the queue full, a request waits for ${CONNECTIONS} connections' worth of tasks to drain at ${CAPACITY}/s, about ${Math.round((CONNECTIONS / CAPACITY) * 1000)} ms: the latency backpressure trades for bounded memory.`,
    '- Drain is SIGTERM to exit: the full queue, worked off at capacity. The requests waiting for room at SIGTERM got 503 (the channel closed under them); new connections were refused (the listener closed), and the load stopped within a second of the first refusal.',
    '- The audit parsed the server\'s output: every task answered 200, in both phases, was processed and finished exactly once before `Shutdown complete`, and the exit code was 0. "Ran without a 200" counts tasks that ran although their client had left (a request whose task was queued as the load stopped, its 200 unread); a request that left while it waited for room was withdrawn and never ran.',
    ...(base && pool ? [`- Pool version / hand-built version, accepted tasks/s: ${(pool.load.okPerSecond / base.load.okPerSecond).toFixed(2)}; peak RSS: ${(pool.peakRssKiB / base.peakRssKiB).toFixed(2)}.`] : []),
    '',
    'Regenerate with `pnpm bench http`.',
  ].join('\n');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- http:start -->';
  const end = '<!-- http:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`${file} has no ${start} … ${end} section`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${section}\n${text.slice(to)}`);
}

function collectLines(stream) {
  const lines = [];
  let partial = '';
  stream.setEncoding('utf8').on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    lines.push(...parts);
  });
  stream.on('end', () => partial && lines.push(partial));
  return lines;
}

async function waitForPort(stdout, exited) {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let deadline = Date.now() + 15_000; Date.now() < deadline && !gone; ) {
    const match = stdout.map((line) => /^Server running on :(\d+)$/.exec(line)).find(Boolean);
    if (match) return Number(match[1]);
    await sleep(20);
  }
  throw new Error(`the server did not start; output:\n${stdout.join('\n')}`);
}

function readKiB(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function mib(kib) {
  return (kib / 1024).toFixed(0);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
