// One measured run, in a fresh process:
//   node child.mjs <queue> <synchronous full|normal> <workers> <jobs>
// runs the jobs end to end on a new SQLite file in a fresh temporary folder
// (removed after), checks that every job ran exactly once, and prints one
// JSON line: the time from the first submit to the last committed
// completion, the jobs per second, the peak RSS, and the adapter's facts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queues } from './queues.mjs';

const [queue, synchronous, workersArg, jobsArg] = process.argv.slice(2);
const workers = Number(workersArg);
const n = Number(jobsArg);
const run = queues[queue];
if (!run || !['full', 'normal'].includes(synchronous) || !(workers > 0) || !(n > 0)) {
  throw new Error(`usage: child.mjs <${Object.keys(queues).join('|')}> <full|normal> <workers> <jobs>`);
}

// ran[i]: how many times job i ran; every entry must end at exactly 1.
const ran = new Uint8Array(n);
let finished = 0;
let allDone;
const doneAll = new Promise((resolve) => (allDone = resolve));
async function work(i) {
  if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new Error(`${queue}: a job came back with payload ${JSON.stringify(i)}`);
  ran[i]++;
  if (++finished === n) allDone();
}

// The file lives on the same disk as the work tree (the temporary folder is
// not a tmpfs here: fsync costs what it costs for a real store).
const dir = mkdtempSync(join(tmpdir(), 'gochan-bench-sqlite-'));
let facts;
let ms;
try {
  const start = performance.now();
  facts = await run({ file: join(dir, 'queue.db'), synchronous, workers, n, work, done: () => doneAll });
  ms = performance.now() - start;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (let i = 0; i < n; i++) {
  if (ran[i] !== 1) throw new Error(`${queue}: job ${i} ran ${ran[i]} times`);
}
if (finished !== n) throw new Error(`${queue}: ${finished} of ${n} jobs ran`);

// CPU time of the whole process (start-up and loading included): a binding's own cost, less moved by a loaded machine than the clock.
const usage = process.resourceUsage();
const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
process.stdout.write(
  JSON.stringify({ queue, synchronous, workers, n, ms, jobsPerSecond: (n / ms) * 1000, peakRssMB: usage.maxRSS / 1024, cpuMs, ...facts }) + '\n',
);
// Leave at once: a queue may keep timers of its own (plainjob's maintenance interval) that would hold the process.
process.exit(0);
