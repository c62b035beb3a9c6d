// The recovery measurement both store suites take (bench/sqlite, bench/redis):
// a holder process claims k jobs and hangs in their handlers; a rescuer on the
// same queue starts; the holder is SIGKILLed; the time from the kill to the
// rescuer's last re-run is the recovery. The children speak in JSON lines.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** say writes one JSON line to stdout, for the runner. */
export const say = (value) => process.stdout.write(JSON.stringify(value) + '\n');

/**
 * recoveryJobs is a child's job body and what it records: the holder's never
 * returns (it says `held` once all k have started); the rescuer's records
 * when each job ran, fails on a job that runs twice or was never sent, and
 * resolves `finished` once all k have run.
 */
export function recoveryJobs(role, k) {
  const ranAt = new Map();
  let started = 0;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const work = (i) => {
    if (role === 'hold') {
      if (++started === k) say({ held: k, at: Date.now() });
      return new Promise(() => {});
    }
    if (!(Number.isInteger(i) && i >= 0 && i < k)) throw new Error(`rescue: a job came back with payload ${JSON.stringify(i)}`);
    if (ranAt.has(i)) throw new Error(`rescue: job ${i} ran twice`);
    ranAt.set(i, Date.now());
    if (ranAt.size === k) finish();
    return Promise.resolve();
  };
  return { work, finished, ranAt };
}

/** line resolves with the first JSON line of `proc`'s stdout for which `test` holds; it rejects after `ms` or at the child's exit. */
export function line(proc, test, what, ms) {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout });
    const timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
    rl.on('line', (text) => {
      let value;
      try {
        value = JSON.parse(text);
      } catch {
        return;
      }
      if (test(value)) {
        clearTimeout(timer);
        rl.close();
        resolve(value);
      }
    });
    proc.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what}: exited with ${code} first`));
    });
  });
}

/**
 * timeRecovery runs one recovery: spawns the holder (`args('hold')`), waits
 * until it holds all k jobs, starts the rescuer (`args('rescue')`), SIGKILLs
 * the holder once the rescuer is ready, and times the rescuer's re-runs from
 * the kill. Throws unless all k re-ran; both children are killed whatever
 * happens.
 */
export async function timeRecovery(name, k, args) {
  const holder = spawn(process.execPath, args('hold'), { stdio: ['ignore', 'pipe', 'inherit'] });
  let rescuer;
  try {
    const held = await line(holder, (v) => v.held === k, `${name} holder`, 30_000);
    rescuer = spawn(process.execPath, args('rescue'), { stdio: ['ignore', 'pipe', 'inherit'] });
    const ran = line(rescuer, (v) => Array.isArray(v.ranAt), `${name} rescuer`, 150_000);
    await line(rescuer, (v) => v.ready === true, `${name} rescuer`, 30_000);
    const killedAt = Date.now();
    holder.kill('SIGKILL');
    const { ranAt } = await ran;
    if (ranAt.length !== k) throw new Error(`${name}: ${ranAt.length} of ${k} jobs re-ran`);
    return { name, heldAt: held.at, killedAt, firstMs: Math.min(...ranAt) - killedAt, lastMs: Math.max(...ranAt) - killedAt, jobs: ranAt.length };
  } finally {
    holder.kill('SIGKILL');
    rescuer?.kill('SIGKILL');
  }
}
