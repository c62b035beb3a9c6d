import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';

/**
 * A handler scripted by its job's payload, every field optional, in this order:
 *   started  a Channel: sent { id, worker, attempt, deadline } as the job starts
 *   gate     a Channel: waits for a value (the result); with `honour`, the wait ends at its context's cancellation
 *   awaitCancel  true: waits until its context is cancelled, then sends its signal's reason's name on `report` and throws ctx.err()
 *   sleep    ms to wait (ends at cancellation with `honour`)
 *   compute  ms to keep the thread busy, ignoring everything
 *   spin     true: computes for ever (ignores its cancellation)
 *   niceness true: returns the niceness of the thread it runs on (Linux)
 *   exit     a code: process.exit(code)  (module handlers only)
 *   exitOnce a marker file: exits with code 1 the first time (no marker), else goes on
 *   hog      true: allocates until the heap's limit
 *   fail     { name, message, code }: throws such an error
 *   result   what to return (else { id, worker, attempt })
 */
export default async function scripted(job, ctx, worker) {
  const p = job.payload ?? {};
  if (p.started) await p.started.send({ id: job.id, worker: worker.id, attempt: job.attempt, deadline: ctx.deadline()?.getTime() });
  if (p.gate) {
    const [value] = await p.gate.recv(p.honour ? ctx.signal : undefined);
    return value;
  }
  if (p.awaitCancel) {
    if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    if (p.report) await p.report.send(ctx.signal.reason?.name);
    throw ctx.err();
  }
  if (p.sleep) await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, p.sleep);
    if (p.honour) ctx.signal.addEventListener('abort', () => (clearTimeout(timer), reject(ctx.err())), { once: true });
  });
  if (p.compute) for (const end = Date.now() + p.compute; Date.now() < end; );
  if (p.spin) for (;;);
  if (p.niceness) return getPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()));
  if (p.exit !== undefined) process.exit(p.exit);
  if (p.exitOnce) {
    if (!existsSync(p.exitOnce)) {
      writeFileSync(p.exitOnce, job.id);
      process.exit(1);
    }
  }
  if (p.hog) for (const kept = []; ; ) kept.push(new Array(1e5).fill(kept.length));
  if (p.fail) {
    const error = p.fail.name === 'TypeError' ? new TypeError(p.fail.message) : new Error(p.fail.message);
    if (p.fail.name !== 'TypeError') error.name = p.fail.name;
    if (p.fail.code !== undefined) error.code = p.fail.code;
    throw error;
  }
  return 'result' in p ? p.result : { id: job.id, worker: worker.id, attempt: job.attempt };
}
