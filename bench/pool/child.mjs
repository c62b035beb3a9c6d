// One measured run, in a fresh process:
//   node child.mjs <library> <workload> <workers> <jobs> <queueSize> <bounded 0|1>
// prints one JSON line: the time taken, the peak RSS, the largest backlog seen,
// after checking that every job ran exactly once. `library` "none" loads the
// harness and runs nothing: the baseline RSS of an idle Node process.
import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';
import { libraries } from './libraries.mjs';

const [library, workload, workersArg, jobsArg, queueSizeArg, boundedArg] = process.argv.slice(2);
const workers = Number(workersArg);
const n = Number(jobsArg);
const queueSize = Number(queueSizeArg);
const bounded = boundedArg === '1';

// ran[i]: how many times job i ran; every entry must end at exactly 1.
const ran = new Uint8Array(n);
let accepted = 0; // jobs the library has taken
let finished = 0; // jobs whose work has ended
let maxBacklog = 0; // the most jobs taken but not finished at any one time
// Under --expose-gc (the overload runs): ten times in a run, collect and read
// the heap in use, to tell what a library keeps from what V8 reserves.
const gc = globalThis.gc;
const sampleEvery = typeof gc === 'function' ? Math.max(1, Math.floor(n / 10)) : 0;
let liveHeapMB = 0;

// The three workloads of the issue: a no-op async job, a job that yields to
// the event loop once, a job that waits a 1 ms timer (overload: jobs are
// offered far faster than 16 workers can run them).
const workloads = {
  async noop(job) {
    ran[job.payload]++;
    finished++;
  },
  async immediate(job) {
    ran[job.payload]++;
    await immediate();
    finished++;
  },
  async timer(job) {
    ran[job.payload]++;
    await sleep(1);
    finished++;
  },
};

function makeJob(i) {
  return { id: String(i), payload: i };
}

function offered() {
  accepted++;
  const backlog = accepted - finished;
  if (backlog > maxBacklog) maxBacklog = backlog;
  if (sampleEvery !== 0 && accepted % sampleEvery === 0) {
    gc();
    liveHeapMB = Math.max(liveHeapMB, process.memoryUsage().heapUsed / 2 ** 20);
  }
}

let ms = 0;
if (library !== 'none') {
  const run = libraries[library];
  const work = workloads[workload];
  if (!run || !work) throw new Error(`unknown library or workload: ${library} ${workload}`);
  const start = performance.now();
  await run({ workers, queueSize, n, makeJob, work, bounded, offered });
  ms = performance.now() - start;
  for (let i = 0; i < n; i++) {
    if (ran[i] !== 1) throw new Error(`${library}: job ${i} ran ${ran[i]} times`);
  }
  if (finished !== n) throw new Error(`${library}: ${finished} of ${n} jobs finished`);
}

process.stdout.write(
  JSON.stringify({
    library,
    workload,
    workers,
    n,
    ms,
    jobsPerSecond: ms > 0 ? (n / ms) * 1000 : 0,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    maxBacklog,
    liveHeapMB,
  }) + '\n',
);
