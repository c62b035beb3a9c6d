// `node bench/channel/instructions.mjs`: what @gochan/channel's loops cost,
// counted in instructions, the channel package now beside its build at
// earlier refs (default: 83a4a30, before @gochan/threads and its seam in the
// channel; b61e1d8, the seam alone). Wall time on this shared machine moves by
// tens of percent; two callgrind counts of one build differ by well under 1%.
//
// Each (ref, workload) runs bench/channel/child.mjs once under
// `valgrind --tool=callgrind node --single-threaded`, which checks the count
// and sum its receivers got; the empty child's count is taken off. A ref's
// channel sources come from `git archive` and are compiled into a temporary
// folder with that ref's own compiler options (its packages/channel/tsconfig.json
// and tsconfig.base.json: the channel compiles class fields as constructor
// assignments, which changes the count by percents); "now" is the workspace's
// build (run `pnpm build` first).
//
// Needs valgrind (Debian: `apt-get install valgrind`). Environment:
// CHANNEL_REFS (comma-separated, default 83a4a30,b61e1d8),
// CHANNEL_WORKLOADS (default recv,ping-pong,fan-in),
// CHANNEL_CLOCK=frozen: Date.now() returns 0 in the child, so that pace()
// never ends a slice. Under valgrind a slice of 1 ms holds some fifty times
// fewer operations than natively, and how many depends on the machine's
// load (a descheduled process's clock runs on): the gates, macrotasks and
// clock reads of pacing are then a load-dependent share of the count. With
// the clock frozen they are gone, and what is left is the send, receive and
// select paths themselves, the same from one run to the next within about
// 0.5%.
import { build, count } from './callgrind.mjs';

const child = new URL('./child.mjs', import.meta.url).pathname;
const REFS = (process.env.CHANNEL_REFS ?? '83a4a30,b61e1d8').split(',');
const FROZEN = process.env.CHANNEL_CLOCK === 'frozen';
if (!FROZEN && process.env.CHANNEL_CLOCK !== undefined) throw new Error(`CHANNEL_CLOCK: expected frozen or nothing, got ${process.env.CHANNEL_CLOCK}`);
const WORKLOADS = (process.env.CHANNEL_WORKLOADS ?? 'recv,ping-pong,fan-in').split(',');

const builds = [['now', undefined], ...REFS.map((ref) => [ref, build(ref)])];
const empty = count(child, ['--empty'], {}, FROZEN);
const M = (n) => `${(n / 1e6).toFixed(0)} M`;
console.log(`empty child: ${M(empty)} instructions (taken off every count below)${FROZEN ? '; clock frozen (no pacing)' : ''}`);
console.log(`| workload | ${builds.map(([name]) => name).join(' | ')} | ${REFS.map((ref) => `now ÷ ${ref}`).join(' | ')} |`);
console.log(`|---|${builds.map(() => '---:').join('|')}|${REFS.map(() => '---:').join('|')}|`);
for (const workload of WORKLOADS) {
  const counts = builds.map(([, module]) => count(child, ['gochan', workload], module === undefined ? {} : { CHANNEL_MODULE: module }, FROZEN) - empty);
  const ratios = counts.slice(1).map((base) => (counts[0] / base).toFixed(3));
  console.log(`| ${workload} | ${counts.map(M).join(' | ')} | ${ratios.join(' | ')} |`);
}
