// `node bench/sync/instructions.mjs`: what a lock/unlock or acquire/release
// pair of bench/sync costs, counted in instructions rather than timed (wall
// time on this shared machine moves by tens of percent; two callgrind counts
// of one build differ by well under 1%), now beside the build at earlier refs
// (default: e941e87^, before the locks were paced, and e941e87, the pacing).
//
// Each (build, workload) runs bench/sync/child.mjs under
// `valgrind --tool=callgrind node --single-threaded` twice, with N and 3N
// pairs; the difference over 2N is one pair's cost with start-up, loading and
// most of the JIT's warm-up taken out (bench/pool/instructions.mjs does the
// same). The child checks what it computed (every section ran once, never
// more holders than allowed).
//
// The clock: pacing ends a slice after a millisecond of work, and under
// valgrind a millisecond is some fifty times fewer operations than at full
// speed, so a real clock would charge each pair fifty times its share of the
// slice's macrotask, and by an amount that moves with the machine's load.
// So the child's Date.now() moves on by 1 ms every BENCH_CLOCK_TICK reads
// (it still calls the real one, whose cost stays in the count): the default,
// 125, is a slice of about 8,000 fast operations, those of a loop of 4 M
// operations a second; 0 freezes the clock, so that no slice ever ends and
// the count is the per-operation price alone. The difference between the
// two, times the pairs per slice, is what one slice's end costs.
//
// Needs valgrind (Debian: `apt-get install valgrind`); run `pnpm build`
// first ("now" is the workspace's build). Environment: SYNC_REFS
// (comma-separated, default e941e87^,e941e87), SYNC_WORKLOADS (semicolon-
// separated names, default the mutex and semaphore rows of run.mjs and the
// RWMutex ones), SYNC_COUNT_PAIRS (N, default 100000), SYNC_CLOCK_TICKS
// (comma-separated, default 125,0). Last, the uncontended loop is counted
// with no lock at all (child.mjs's floor): what of a pair is the lock's own.
import { callgrind } from '../channel/callgrind.mjs';
import { build } from './builds.mjs';

const child = new URL('./child.mjs', import.meta.url).pathname;
const REFS = (process.env.SYNC_REFS ?? 'e941e87^,e941e87').split(',').filter(Boolean);
const WORKLOADS = (
  process.env.SYNC_WORKLOADS ??
  'mutex, one task (uncontended);mutex, 8 tasks that await inside the lock;semaphore of 4, 8 tasks;rwmutex, one task (uncontended);rwmutex readers, one task (uncontended)'
).split(';');
const N = Number(process.env.SYNC_COUNT_PAIRS ?? 100_000);
const TICKS = (process.env.SYNC_CLOCK_TICKS ?? '125,0').split(',');

/** Instructions callgrind counted for one child run, and the child's own line (it checked what it computed). */
function count(args, env) {
  const { instructions, stdout } = callgrind(child, args, env);
  return { instructions, line: JSON.parse(stdout.trim().split('\n').at(-1)) };
}

/** One pair's instructions (3N minus N, over 2N), and the slices that ended per 1000 pairs. */
function perPair(env, workload, tick, library = 'gochan') {
  const run = (n) => count([library, workload, String(n)], { ...env, BENCH_CLOCK_TICK: tick });
  const small = run(N);
  const large = run(3 * N);
  return {
    instructions: (large.instructions - small.instructions) / (2 * N),
    slices: ((large.line.macrotasks - small.line.macrotasks) / (2 * N)) * 1000,
  };
}

const builds = [['now', {}], ...REFS.map((ref) => [ref, build(ref)])];
console.log(`instructions per pair (${N} vs ${3 * N} pairs); clock: 1 ms every R reads (0: frozen); slices ended per 1000 pairs in brackets`);
console.log(`| workload | R | ${builds.map(([name]) => name).join(' | ')} | ${REFS.map((ref) => `now ÷ ${ref}`).join(' | ')} |`);
console.log(`|---|---:|${builds.map(() => '---:').join('|')}|${REFS.map(() => '---:').join('|')}|`);
for (const workload of WORKLOADS) {
  for (const tick of TICKS) {
    const counts = builds.map(([, env]) => perPair(env, workload, tick));
    const cells = counts.map(({ instructions, slices }) => `${instructions.toFixed(0)} (${slices.toFixed(2)})`);
    const ratios = counts.slice(1).map((base) => (counts[0].instructions / base.instructions).toFixed(3));
    console.log(`| ${workload} | ${tick} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
}
// The uncontended loop with no lock at all (child.mjs's 'floor'): its
// awaits and section, so that the lock's own share of a pair shows.
const UNCONTENDED = 'mutex, one task (uncontended)';
if (WORKLOADS.includes(UNCONTENDED)) {
  const floor = perPair({}, UNCONTENDED, TICKS[0], 'floor');
  console.log(`the uncontended loop with no lock (its awaits and section alone): ${floor.instructions.toFixed(0)} per pair`);
}
