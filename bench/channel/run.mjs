// `pnpm bench channel`: @gochan/channel against its peers on issue 2's five
// workloads, judged on issue 14's targets. Every (library, workload) run is a fresh `node child.mjs` that
// prints one JSON line; the runs go round-robin over the libraries (the order
// rotated each round), BENCH_RUNS rounds (5 by default), and the report gives
// medians. It rewrites the channel section of ../RESULTS.md and keeps every
// run in results.json beside this file.
//
// BENCH_LIBS and BENCH_WORKLOADS (comma lists of adapter names and workload
// ids) narrow a run for a quick look; a narrowed run prints its table but
// leaves RESULTS.md alone.
import { spawnSync, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { workloads, TIMER_MS } from './workloads.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CHILD = here('./child.mjs');
const RESULTS_MD = here('../RESULTS.md');
const RESULTS_JSON = here('./results.json');
const START = '<!-- channel:start -->';
const END = '<!-- channel:end -->';

/** Ours first, then the peers of issue 2, then the floor (no channel at all,
 * a reference that is neither a peer nor judged). Names are the files in libs/. */
const ALL_LIBS = ['gochan', 'ts-chan', 'thi-ng-csp', 'js-csp', 'easyts', 'floor'];
const OURS = 'gochan';
const FLOOR = 'floor';
/** A run that takes longer than this has hung; no healthy run comes close. */
const RUN_TIMEOUT_MS = 120_000;

const runs = positiveInteger('BENCH_RUNS', process.env.BENCH_RUNS ?? '5');
const libs = pick('BENCH_LIBS', ALL_LIBS);
const chosen = pick('BENCH_WORKLOADS', workloads.map((w) => w.id)).map((id) => workloads.find((w) => w.id === id));
const narrowed = libs.length !== ALL_LIBS.length || chosen.length !== workloads.length;

function positiveInteger(name, text) {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Expected \`${name}\` to be a positive integer, got ${text}`);
  return n;
}

function pick(name, all) {
  const text = process.env[name];
  if (!text) return all;
  const wanted = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const w of wanted) {
    if (!all.includes(w)) throw new RangeError(`Expected \`${name}\` to name some of ${all.join(', ')}, got ${w}`);
  }
  return all.filter((a) => wanted.includes(a));
}

/** Runs one child and turns whatever happened into one record. */
function runChild(args) {
  const t0 = Date.now();
  const { status, signal, stdout, stderr, error } = spawnSync(process.execPath, [CHILD, ...args], {
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
  });
  const base = args[0].startsWith('--') ? { lib: null, workload: args[0].slice(2) } : { lib: args[0], workload: args[1] };
  const lastLine = stdout.trim().split('\n').pop();
  if (status === 0 && lastLine) {
    try {
      return JSON.parse(lastLine);
    } catch {
      // fall through: a run that printed something else failed
    }
  }
  let failure;
  if (error?.code === 'ETIMEDOUT' || signal === 'SIGTERM') failure = `hung (killed after ${RUN_TIMEOUT_MS / 1000} s)`;
  else if (status === 13) failure = 'deadlocked (nothing left to run, the loop never finished)';
  else {
    // The thrown error's own line ("Error: …", "TypeError: …"), not the source excerpt above it.
    const message = stderr.split('\n').find((l) => /^\w*Error\b.*: /.test(l)) ?? stderr.trim().split('\n').pop();
    failure = message ? message.trim() : `exit ${status ?? signal}`;
  }
  return { ...base, failure, ms: Date.now() - t0 };
}

function median(xs) {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function metaOf(lib) {
  try {
    return (await import(`./libs/${lib}.mjs`)).meta;
  } catch (e) {
    return { package: lib, form: `(adapter failed to load: ${e.message})` };
  }
}

function versionOf(pkg) {
  try {
    return JSON.parse(readFileSync(here(`../node_modules/${pkg}/package.json`), 'utf8')).version;
  } catch {
    return '?';
  }
}

function machine() {
  let nproc;
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    nproc = String(os.availableParallelism());
  }
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return { nproc, cpu, node: process.version, load: os.loadavg().map((l) => l.toFixed(2)).join(' ') };
}

// ---- measure ----

const metas = Object.fromEntries(await Promise.all(libs.map(async (l) => [l, await metaOf(l)])));
const host = machine();
const startedAt = new Date();
const records = [];
console.log(
  `channel bench: ${libs.length} libraries × ${chosen.length} workloads × ${runs} runs, ` +
    `${host.nproc} × ${host.cpu}, Node ${host.node}, load ${host.load}`,
);

for (let round = 0; round < runs; round++) {
  records.push({ round, ...runChild(['--empty']) });
  records.push({ round, ...runChild(['--timer-probe']) });
  for (const w of chosen) {
    // Rotate the order each round so that no library always runs right
    // after the same neighbour (or always first on a cold machine).
    const order = libs.map((_, i) => libs[(i + round) % libs.length]);
    for (const lib of order) {
      const r = { round, ...runChild([lib, w.id]) };
      records.push(r);
      const what = r.failure
        ? `FAILED: ${r.failure}`
        : r.unsupported
          ? `n/a (${r.unsupported})`
          : `${fmtRate(r.rate)} ${w.unit}${r.timerLateMs !== undefined ? `, timer ${r.timerFired ? '' : 'NOT fired, '}+${r.timerLateMs.toFixed(1)} ms` : ''}, ${(r.maxRSSKB / 1024).toFixed(1)} MB`;
      console.log(`  round ${round + 1}/${runs} ${w.id.padEnd(12)} ${lib.padEnd(10)} ${what}`);
    }
  }
}

// ---- summarise ----

const cells = new Map(); // `${lib} ${workload}` -> summary
for (const lib of libs) {
  for (const w of chosen) {
    const rs = records.filter((r) => r.lib === lib && r.workload === w.id);
    const ok = rs.filter((r) => r.rate !== undefined);
    const failed = rs.filter((r) => r.failure);
    cells.set(`${lib} ${w.id}`, {
      runs: rs.length,
      unsupported: rs.find((r) => r.unsupported)?.unsupported,
      failures: failed.map((r) => r.failure),
      rate: median(ok.map((r) => r.rate)),
      min: ok.length ? Math.min(...ok.map((r) => r.rate)) : undefined,
      max: ok.length ? Math.max(...ok.map((r) => r.rate)) : undefined,
      rssKB: median(ok.map((r) => r.maxRSSKB)),
      cpuNs: median(ok.map((r) => r.cpuNsPerMessage)),
      timer: w.timer
        ? {
            medianLate: median(ok.map((r) => r.timerLateMs)),
            worstLate: ok.length ? Math.max(...ok.map((r) => r.timerLateMs)) : undefined,
            fired: ok.filter((r) => r.timerFired).length,
            of: ok.length,
          }
        : undefined,
    });
  }
}
const emptyKB = median(records.filter((r) => r.workload === 'empty' && r.maxRSSKB).map((r) => r.maxRSSKB));
const cell = (lib, id) => cells.get(`${lib} ${id}`);
/** A peer's median counts only when every one of its runs verified. */
const trusted = (c) => c && c.rate !== undefined && c.failures.length === 0;

function fastestPeer(id) {
  let best;
  for (const lib of libs) {
    if (lib === OURS || lib === FLOOR) continue;
    const c = cell(lib, id);
    if (trusted(c) && (!best || c.rate > best.rate)) best = { lib, rate: c.rate };
  }
  return best;
}

// ---- report ----

function fmtRate(r) {
  if (r === undefined) return '–';
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(0)} k`;
}
const mb = (kb) => (kb === undefined ? '–' : (kb / 1024).toFixed(1));
const yes = (b) => (b === undefined ? 'not measured' : b ? '**yes**' : '**no**');
const nameOf = (lib) => metas[lib]?.package ?? lib;

const footnotes = [];
function note(text) {
  const i = footnotes.indexOf(text);
  if (i >= 0) return i + 1;
  footnotes.push(text);
  return footnotes.length;
}

function rateCell(c) {
  if (!c) return '–';
  if (c.unsupported) return `n/a: ${c.unsupported}`;
  const parts = [];
  if (c.rate !== undefined) parts.push(`${fmtRate(c.rate)} (${fmtRate(c.min)}–${fmtRate(c.max)})`);
  if (c.failures.length) {
    const n = note(c.failures[0]);
    parts.push(`**failed ${c.failures.length}/${c.runs}**[^${n}]`);
  }
  return parts.join(' ');
}

/**
 * Issue 14's target per workload: a multiple of the fastest peer, or a share
 * of the floor (recv and for-await, where the peers are far behind).
 */
const TARGETS = {
  recv: { floor: 0.9 },
  'for-await': { floor: 0.9 },
  'ping-pong': { peer: 1.3, floor: 0.6 },
  'fan-in': { peer: 1.2 },
  'many-to-many': { peer: 1.2 },
};

/** The target's text for the table, from this run's fastest peer and floor. */
function targetCell(id) {
  const t = TARGETS[id];
  if (!t) return '–';
  const parts = [];
  const best = fastestPeer(id);
  const floor = cell(FLOOR, id)?.rate;
  if (t.peer) parts.push(`${t.peer}× fastest peer${best ? ` = ${fmtRate(t.peer * best.rate)}` : ''}`);
  if (t.floor) parts.push(`${t.floor * 100}% of floor${floor ? ` = ${fmtRate(t.floor * floor)}` : ''}`);
  return parts.join('; ');
}

function ratioCell(id) {
  const ours = cell(OURS, id);
  const best = fastestPeer(id);
  if (!ours || ours.rate === undefined || !best) return { text: '–' };
  const ratio = ours.rate / best.rate;
  return { ratio, text: `${ratio.toFixed(2)}× (vs ${nameOf(best.lib)})` };
}

const lines = [];
const date = startedAt.toISOString().replace('T', ' ').slice(0, 16);
lines.push('## Channels', '');
lines.push(
  `Measured ${date} UTC on ${host.nproc} × ${host.cpu} (\`nproc\` ${host.nproc}, load average ${host.load} at the start), Node ${host.node}; ` +
    `${runs} runs of each library on each workload, each in a fresh \`node\` process, the libraries in turn (order rotated each round). ` +
    'Cells give the median and, in brackets, the slowest and fastest run. Every run checked that its receivers got exactly the values 1..N once each ' +
    '(count and sum) before its time counted. Regenerate with `pnpm bench channel` (`BENCH_RUNS=n` for more rounds); every run is in `bench/channel/results.json`.',
  '',
);
lines.push(
  `Versions: ${libs
    .filter((l) => l !== FLOOR)
    .map((l) => `${nameOf(l)} ${l === OURS ? `${versionOf(nameOf(l))} (this workspace)` : versionOf(nameOf(l))}`)
    .join(', ')}.`,
  '',
);

lines.push('### Throughput (median, higher is better)', '');
lines.push(`| workload | unit | ${libs.map(nameOf).join(' | ')} | ours ÷ fastest peer | ours ÷ floor | target (issue 14) |`);
lines.push(`|---|---|${libs.map(() => '---:').join('|')}|---:|---:|---:|`);
const ratios = [];
for (const w of chosen) {
  const r = ratioCell(w.id);
  if (r.ratio !== undefined) ratios.push({ id: w.id, ratio: r.ratio });
  const ours = cell(OURS, w.id)?.rate;
  const floor = cell(FLOOR, w.id)?.rate;
  const share = ours !== undefined && floor ? `${((100 * ours) / floor).toFixed(0)}%` : '–';
  lines.push(`| ${w.title} | ${w.unit} | ${libs.map((l) => rateCell(cell(l, w.id))).join(' | ')} | ${r.text} | ${share} | ${targetCell(w.id)} |`);
}
lines.push('');
if (libs.includes(FLOOR)) {
  // Where 1.5× the fastest peer comes near the floor, no channel whose
  // operations each return an awaited promise can reach it on this machine.
  lines.push(
    `*${nameOf(FLOOR)}* is the same loops with the channel taken out: each operation is one \`await\` of an already-resolved promise over a plain queue. ` +
      'It is not a peer; it shows what the awaits alone cost here, which every promise-returning channel pays on top of its own work, ' +
      'and issue 14 sets some targets as a share of it.',
    '',
  );
}

lines.push('### CPU time per message (median, ns; lower is better)', '');
lines.push(
  'The process CPU time (all its threads) during the workload, per message or round trip, from the same runs. ' +
    'Other processes on the machine disturb it far less than wall time, so its ratios are the steadier ones.',
  '',
);
lines.push(`| workload | ${libs.map(nameOf).join(' | ')} | fastest peer ÷ ours |`);
lines.push(`|---|${libs.map(() => '---:').join('|')}|---:|`);
for (const w of chosen) {
  let best;
  for (const lib of libs) {
    if (lib === OURS || lib === FLOOR) continue;
    const c = cell(lib, w.id);
    if (trusted(c) && c.cpuNs !== undefined && (!best || c.cpuNs < best.cpuNs)) best = { lib, cpuNs: c.cpuNs };
  }
  const ours = cell(OURS, w.id);
  const ratio = best && ours?.cpuNs !== undefined ? `${(best.cpuNs / ours.cpuNs).toFixed(2)}× (vs ${nameOf(best.lib)})` : '–';
  lines.push(
    `| ${w.id} | ${libs
      .map((l) => {
        const c = cell(l, w.id);
        return c?.cpuNs === undefined ? (c?.unsupported ? 'n/a' : '–') : c.cpuNs.toFixed(0);
      })
      .join(' | ')} | ${ratio} |`,
  );
}
lines.push('');

const timed = chosen.find((w) => w.timer);
if (timed) {
  lines.push(`### Event-loop fairness: a ${TIMER_MS} ms timer set at the start of workload 1`, '');
  lines.push(
    'Lateness is the time between when the timer was due and when it ran; when it had not run by the end of the loop, the lateness is end − due and it counts as not fired. ' +
      'The first row is the machine itself: a loop that yields every millisecond by design, run as often as the others; its worst run shows how late a timer can be from the OS and the other processes on these cores alone.',
    '',
  );
  lines.push('| library | median lateness | worst run | fired during the loop |');
  lines.push('|---|---:|---:|---:|');
  const probe = records.filter((r) => r.workload === 'timer-probe' && r.timerLateMs !== undefined);
  if (probe.length) {
    const late = probe.map((r) => r.timerLateMs);
    lines.push(
      `| *the machine: 1 ms busy slices with \`setImmediate\` between, no channel* | ${median(late).toFixed(1)} ms | ${Math.max(...late).toFixed(1)} ms | ${probe.filter((r) => r.timerFired).length} of ${probe.length} |`,
    );
  }
  for (const lib of libs) {
    const t = cell(lib, timed.id)?.timer;
    if (!t || t.of === 0) {
      lines.push(`| ${nameOf(lib)} | – | – | – |`);
      continue;
    }
    lines.push(`| ${nameOf(lib)} | ${t.medianLate.toFixed(1)} ms | ${t.worstLate.toFixed(1)} ms | ${t.fired} of ${t.of} |`);
  }
  lines.push('');
}

lines.push(`### Peak RSS (median \`maxRSS\`, MB; an empty Node process: ${mb(emptyKB)} MB)`, '');
lines.push(`| workload | ${libs.map(nameOf).join(' | ')} |`);
lines.push(`|---|${libs.map(() => '---:').join('|')}|`);
for (const w of chosen) {
  lines.push(
    `| ${w.id} | ${libs
      .map((l) => {
        const c = cell(l, w.id);
        return c?.rssKB === undefined ? '–' : `${mb(c.rssKB)} (+${mb(c.rssKB - emptyKB)})`;
      })
      .join(' | ')} |`,
  );
}
lines.push('');

// Issue 14's targets, judged on ours.
const oursRecv = cell(OURS, 'recv');
const oursTimer = oursRecv?.timer;
const oursFailed = chosen.some((w) => (cell(OURS, w.id)?.failures.length ?? 1) > 0);
const probeRuns = records.filter((r) => r.workload === 'timer-probe' && r.timerLateMs !== undefined);
const probeWorst = probeRuns.length ? Math.max(...probeRuns.map((r) => r.timerLateMs)) : undefined;

lines.push('### Targets of issue 14, for @gochan/channel', '');
lines.push('| target | measured | met |');
lines.push('|---|---|---|');
lines.push(
  `| every run verified (count and sum) | ${oursFailed ? 'failures, see the table above' : 'all runs'} | ${yes(libs.includes(OURS) ? !oursFailed : undefined)} |`,
);
for (const w of chosen) {
  const t = TARGETS[w.id];
  const ours = cell(OURS, w.id)?.rate;
  if (!t || ours === undefined) continue;
  const best = fastestPeer(w.id);
  const floor = cell(FLOOR, w.id)?.rate;
  const measured = [];
  let met = true;
  if (t.peer) {
    if (best) measured.push(`${(ours / best.rate).toFixed(2)}× ${nameOf(best.lib)}`);
    met = met && best !== undefined && ours >= t.peer * best.rate;
  }
  if (t.floor) {
    if (floor) measured.push(`${((100 * ours) / floor).toFixed(0)}% of the floor`);
    met = met && floor !== undefined && ours >= t.floor * floor;
  }
  lines.push(`| ${w.id}: ${targetCell(w.id).replace(/ = [^;]*/g, '')} | ${measured.join(', ')} | ${yes(met)} |`);
}
lines.push(
  `| the ${TIMER_MS} ms timer fires in every run of workload 1, at most 5 ms late | ${
    oursTimer?.of
      ? `fired in ${oursTimer.fired} of ${oursTimer.of}; median ${oursTimer.medianLate.toFixed(1)} ms, worst ${oursTimer.worstLate.toFixed(1)} ms${
          probeWorst !== undefined ? ` (the machine alone: worst ${probeWorst.toFixed(1)} ms)` : ''
        }`
      : 'not measured'
  } | ${yes(oursTimer?.of ? oursTimer.fired === oursTimer.of && oursTimer.worstLate <= 5 : undefined)} |`,
);
lines.push('');

lines.push('### How each library was driven', '');
for (const lib of libs) lines.push(`- **${nameOf(lib)}**: ${metas[lib]?.form ?? '?'}`);
lines.push(
  '',
  'Values are the numbers 1..N; fan-in producers send on their own channel and the one consumer runs a select over the four until it has all 400k; ' +
    'in workload 4 the channel is closed once all 8 producers are done and each consumer reads until closed.',
);
if (footnotes.length) {
  lines.push('');
  footnotes.forEach((f, i) => lines.push(`[^${i + 1}]: ${f}`));
}

const section = lines.join('\n');
console.log(`\n${section}\n`);

if (narrowed) {
  console.log('(narrowed by BENCH_LIBS/BENCH_WORKLOADS: RESULTS.md and results.json left as they were)');
} else {
  // One record per line: small, and a re-run diffs line by line.
  const head = JSON.stringify({ startedAt, host, runs }).slice(0, -1);
  writeFileSync(RESULTS_JSON, `${head},"records":[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`);
  const md = readFileSync(RESULTS_MD, 'utf8');
  const a = md.indexOf(START);
  const b = md.indexOf(END);
  if (a < 0 || b < a) throw new Error(`RESULTS.md lacks the ${START} … ${END} markers`);
  writeFileSync(RESULTS_MD, `${md.slice(0, a + START.length)}\n${section}\n${md.slice(b)}`);
  console.log(`wrote the channel section of ${RESULTS_MD}`);
}

// A run of ours that failed its check is a bug to fix, not a number to report.
if (libs.includes(OURS) && oursFailed) {
  console.error('@gochan/channel failed a run: see above');
  process.exit(1);
}
