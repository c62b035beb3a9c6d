// `node bench/channel/instructions.mjs`: what @gochan/channel's loops cost,
// counted in instructions, the channel package now beside its build at
// earlier refs (default: 83a4a30, before @gochan/threads and its seam in the
// channel; b61e1d8, the seam alone). Wall time on this shared machine moves by
// tens of percent; a callgrind count with a fixed seed repeats within 0.05%.
//
// Each (ref, workload) runs bench/channel/child.mjs once per seed under
// `valgrind --tool=callgrind node --single-threaded`, which checks the count
// and sum its receivers got; the empty child's count is taken off. A ref's
// channel sources come from `git archive` and are compiled into a temporary
// folder with that ref's own compiler options (its packages/channel/tsconfig.json
// and tsconfig.base.json: the channel compiles class fields as constructor
// assignments, which changes the count by percents). "now" is the working
// tree's packages/channel/src, compiled the same way into a folder of the
// same shape (see build() in callgrind.mjs: where a module lies changes what
// Node's loader costs); CHANNEL_NOW=workspace counts the workspace's own
// build instead, through `@gochan/channel` (run `pnpm build` first).
//
// Each build's load is counted too: load.mjs importing its index, less
// load.mjs importing nothing. It is a constant in every workload's count;
// the second table takes it off (the per-operation cost, what a
// long-running program sees).
//
// Needs valgrind (Debian: `apt-get install valgrind`). Environment:
// CHANNEL_REFS (comma-separated, default 83a4a30,b61e1d8),
// CHANNEL_WORKLOADS (default recv,ping-pong,fan-in), CHANNEL_NOW (see above),
// CHANNEL_SEEDS (comma-separated, default 1,2,3: each count is run once per
// seed, repeatably, and the tables show the means; see callgrind()),
// CHANNEL_CLOCK=frozen: Date.now() returns 0 in the child, so that pace()
// never ends a slice. Under valgrind a slice of 1 ms holds some fifty times
// fewer operations than natively, and how many depends on the machine's
// load (a descheduled process's clock runs on): the gates, macrotasks and
// clock reads of pacing are then a load-dependent share of the count. With
// the clock frozen they are gone, and what is left is the send, receive and
// select paths themselves.
import { build, count } from './callgrind.mjs';

const child = new URL('./child.mjs', import.meta.url).pathname;
const REFS = (process.env.CHANNEL_REFS ?? '83a4a30,b61e1d8').split(',');
const FROZEN = process.env.CHANNEL_CLOCK === 'frozen';
if (!FROZEN && process.env.CHANNEL_CLOCK !== undefined) throw new Error(`CHANNEL_CLOCK: expected frozen or nothing, got ${process.env.CHANNEL_CLOCK}`);
const WORKLOADS = (process.env.CHANNEL_WORKLOADS ?? 'recv,ping-pong,fan-in').split(',');

const NOW = process.env.CHANNEL_NOW;
if (NOW !== undefined && NOW !== 'workspace') throw new Error(`CHANNEL_NOW: expected workspace or nothing, got ${NOW}`);
const SEEDS = (process.env.CHANNEL_SEEDS ?? '1,2,3').split(',').map(Number);
const builds = [['now', NOW === 'workspace' ? undefined : build(null)], ...REFS.map((ref) => [ref, build(ref)])];
const env = (module) => (module === undefined ? {} : { CHANNEL_MODULE: module });
const loader = new URL('./load.mjs', import.meta.url).pathname;
/** One count per seed of `file args` for `module`, less the same file's empty run with that seed. */
const empties = new Map();
function counts(file, args, emptyArgs, module) {
  return SEEDS.map((seed) => {
    const key = `${file} ${seed}`;
    if (!empties.has(key)) empties.set(key, count(file, emptyArgs, {}, FROZEN, seed));
    return count(file, args, env(module), FROZEN, seed) - empties.get(key);
  });
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const spread = (xs) => (Math.max(...xs) - Math.min(...xs)) / mean(xs);
const M = (n) => `${(n / 1e6).toFixed(0)} M`;
const row = (name, means) => `| ${name} | ${means.map(M).join(' | ')} | ${means.slice(1).map((base) => (means[0] / base).toFixed(3)).join(' | ')} |`;
const head = (what) => [`| ${what} | ${builds.map(([name]) => name).join(' | ')} | ${REFS.map((ref) => `now ÷ ${ref}`).join(' | ')} |`, `|---|${builds.map(() => '---:').join('|')}|${REFS.map(() => '---:').join('|')}|`];
console.log(
  `Means over seeds ${SEEDS.join(', ')} (see callgrind()), each less the empty child's count with that seed${FROZEN ? '; clock frozen (no pacing)' : ''}; "now": ${NOW === 'workspace' ? "the workspace's build" : 'the working tree, built as the refs are'}`,
);
const samples = [];
for (const line of head('workload')) console.log(line);
const whole = [];
for (const workload of WORKLOADS) {
  const perBuild = builds.map(([, module]) => counts(child, ['gochan', workload], ['--empty'], module));
  whole.push([workload, perBuild]);
  for (let b = 0; b < builds.length; b++) samples.push([workload, builds[b][0], perBuild[b]]);
  console.log(row(workload, perBuild.map(mean)));
}
const loads = builds.map(([, module]) => counts(loader, [], ['--empty'], module));
for (let b = 0; b < builds.length; b++) samples.push(["the package's load", builds[b][0], loads[b]]);
console.log(row("the package's load (import of its index)", loads.map(mean)));
console.log('\nWithout the load (per-operation cost):');
for (const line of head('workload')) console.log(line);
for (const [workload, perBuild] of whole) console.log(row(workload, perBuild.map((xs, b) => mean(xs) - mean(loads[b]))));
console.log(`\nEach count (seeds ${SEEDS.join(', ')}):`);
console.log(`| workload | build | ${SEEDS.map((seed) => `seed ${seed}`).join(' | ')} | spread |`);
console.log(`|---|---|${SEEDS.map(() => '---:').join('|')}|---:|`);
for (const [workload, name, xs] of samples) console.log(`| ${workload} | ${name} | ${xs.map(M).join(' | ')} | ${(spread(xs) * 100).toFixed(1)}% |`);
