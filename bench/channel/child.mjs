// One run: `node child.mjs <lib> <workload>` runs one workload of one library
// in this fresh process and prints one JSON line; `node child.mjs --empty`
// prints only the peak RSS of a Node process that loaded nothing, measured the
// same way; `node child.mjs --timer-probe` measures how late the probe timer
// is on this machine beside a loop that yields every millisecond by design.
// Everything is imported lazily so that the empty run stays empty.
//
// The line holds: ms (wall time of the workload alone), rate (messages or
// round trips per second), cpuNsPerMessage (process CPU time per message),
// maxRSSKB (process.resourceUsage().maxRSS, peak
// resident set in KB), and for the timed workload the probe timer's lateness.
// A run whose receivers report the wrong count or sum throws instead of
// printing a rate; a run that deadlocks leaves Node with an unsettled
// top-level await (exit code 13), which the runner reports as such.

const [, , libName, workloadId] = process.argv;

/** Writes the line and exits, so that a library's leftover timers or parked
 * processes cannot keep this run alive. */
function report(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.exit(0);
}

if (libName === '--empty') {
  report({ lib: null, workload: 'empty', maxRSSKB: process.resourceUsage().maxRSS });
}

// The machine's own noise for the timer probe: busy work in 1 ms slices with
// a macrotask between them, which is as fair to timers as a loop can be, and
// the same 10 ms timer beside it. What lateness this shows comes from the OS
// and the other processes on the machine, not from any channel.
if (libName === '--timer-probe') {
  const SLICE_MS = 1;
  const RUN_MS = 200;
  const TIMER = 10;
  let firedAt;
  const start = performance.now();
  setTimeout(() => (firedAt = performance.now()), TIMER);
  await new Promise((done) => {
    const slice = () => {
      const t = performance.now();
      while (performance.now() - t < SLICE_MS) {
        // busy, as a channel loop is
      }
      if (performance.now() - start < RUN_MS) setImmediate(slice);
      else done();
    };
    slice();
  });
  const end = performance.now();
  const fired = firedAt !== undefined && firedAt <= end;
  report({ lib: null, workload: 'timer-probe', timerFired: fired, timerLateMs: (fired ? firedAt : end) - (start + TIMER) });
}

const { workloads, TIMER_MS } = await import('./workloads.mjs');
const workload = workloads.find((w) => w.id === workloadId);
if (!workload) throw new Error(`Expected a workload among ${workloads.map((w) => w.id).join(', ')}, got ${workloadId}`);
const lib = await import(`./libs/${libName}.mjs`);

const run = lib[workload.method];
if (typeof run !== 'function') {
  const why = lib.unsupported?.[workload.method];
  if (!why) throw new Error(`${libName} has neither ${workload.method} nor a reason it cannot do it`);
  report({ lib: libName, workload: workload.id, unsupported: why });
}

// The probe: a timer set beside the loop, due TIMER_MS after the start.
let firedAt;
const cpuStart = process.cpuUsage();
const start = performance.now();
if (workload.timer) setTimeout(() => (firedAt = performance.now()), TIMER_MS);
const got = await run(workload.params);
const end = performance.now();
// CPU time of the whole process (all threads: GC and compiler helpers too)
// during the workload: less disturbed than wall time by other processes.
const cpu = process.cpuUsage(cpuStart);

const { count, sum } = got ?? {};
if (count !== workload.expect.count || sum !== workload.expect.sum) {
  throw new Error(
    `${libName} ${workload.id}: received count ${count} and sum ${sum}, expected ${workload.expect.count} and ${workload.expect.sum}`,
  );
}

const ms = end - start;
const line = {
  lib: libName,
  workload: workload.id,
  ms,
  rate: workload.messages / (ms / 1000),
  cpuNsPerMessage: ((cpu.user + cpu.system) * 1000) / workload.messages,
  maxRSSKB: process.resourceUsage().maxRSS,
};
// The floor's receivers report how often they found the queue empty.
if (got.spins !== undefined) line.spins = got.spins;
if (workload.timer) {
  const due = start + TIMER_MS;
  // A timer that had not fired by the end was late by at least end − due.
  line.timerFired = firedAt !== undefined && firedAt <= end;
  line.timerLateMs = line.timerFired ? firedAt - due : end - due;
}
report(line);
