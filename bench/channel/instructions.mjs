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
// folder; "now" is the workspace's build (run `pnpm build` first).
//
// Needs valgrind (Debian: `apt-get install valgrind`). Environment:
// CHANNEL_REFS (comma-separated, default 83a4a30,b61e1d8),
// CHANNEL_WORKLOADS (default recv,ping-pong,fan-in).
import { build, count } from './callgrind.mjs';

const child = new URL('./child.mjs', import.meta.url).pathname;
const REFS = (process.env.CHANNEL_REFS ?? '83a4a30,b61e1d8').split(',');
const WORKLOADS = (process.env.CHANNEL_WORKLOADS ?? 'recv,ping-pong,fan-in').split(',');

const builds = [['now', undefined], ...REFS.map((ref) => [ref, build(ref)])];
const empty = count(child, ['--empty']);
const M = (n) => `${(n / 1e6).toFixed(0)} M`;
console.log(`empty child: ${M(empty)} instructions (taken off every count below)`);
console.log(`| workload | ${builds.map(([name]) => name).join(' | ')} | ${REFS.map((ref) => `now ÷ ${ref}`).join(' | ')} |`);
console.log(`|---|${builds.map(() => '---:').join('|')}|${REFS.map(() => '---:').join('|')}|`);
for (const workload of WORKLOADS) {
  const counts = builds.map(([, module]) => count(child, ['gochan', workload], module === undefined ? {} : { CHANNEL_MODULE: module }) - empty);
  const ratios = counts.slice(1).map((base) => (counts[0] / base).toFixed(3));
  console.log(`| ${workload} | ${counts.map(M).join(' | ')} | ${ratios.join(' | ')} |`);
}
