import { describe, type Channel, type RecvResult } from '@gochan/channel';
import type { Context } from '@gochan/context';
import type { Handler } from './job.js';
import { wireError, type ThreadJob, type ThreadOutcome } from './thread-wire.js';

/**
 * The goroutine of one worker of a pool whose handler is a module
 * (thread-handler.ts starts it with @gochan/threads' spawn()): it imports
 * the handler's module on its thread, then, as the worker's Go loop
 * `for job := range jobs { results <- process(job) }`, receives each job
 * from `jobs`, calls the handler's default export with the job, its context
 * and the worker, and sends the outcome on `results`, until `jobs` is
 * closed (the pool's shutdown). Both channels live on the pool's thread.
 *
 * Nothing a handler does ends the loop: its error goes back as the job's
 * outcome, and so does a result that cannot cross (a TypeError naming the
 * job). Only the thread's death stops it, which the pool sees through the
 * goroutine's result.
 *
 * @returns How many jobs it ran.
 */
export default async function runJobs(handlerURL: string, workerId: number, jobs: Channel<ThreadJob<unknown>>, results: Channel<ThreadOutcome<unknown>>): Promise<number> {
  const module = (await import(handlerURL)) as { default?: unknown };
  const handler = module.default;
  if (typeof handler !== 'function') {
    throw new TypeError(`pool: the handler module ${handlerURL} has no default export function to run (its default export is ${describe(handler)})`);
  }
  const run = handler as Handler<unknown, unknown>;
  let ran = 0;
  let ctx: Context | undefined;
  // The receive of the next job is asked for as soon as the handler has
  // returned, before its outcome's send is answered: the goroutines of a
  // thread take turns on it, and one whose handler computes holds the
  // thread's event loop, so a lane that asked only after its send resolved
  // would have its next job travel while the thread sits idle. The worker
  // sends the next job only once it has this one's outcome, so a lane still
  // holds at most one job (the receive waits until then).
  let next = ask(jobs);
  for (;;) {
    let item: ThreadJob<unknown>;
    try {
      const [received, ok] = await next;
      if (!ok) return ran;
      item = received;
    } catch (error) {
      // The job could not cross (a payload structured clone refuses): it fails alone.
      next = ask(jobs);
      await results.send([false, wireError(error)]);
      continue;
    }
    ran++;
    const [id, payload, attempt, sent] = item;
    if (sent !== null) ctx = sent;
    if (ctx === undefined) throw new Error('pool: internal error: the first job of a lane came without its context');
    const job = attempt === undefined ? { id, payload } : { id, payload, attempt };
    let outcome: ThreadOutcome<unknown>;
    try {
      outcome = [true, await run(job, ctx, { id: workerId, state: 'busy', job })];
    } catch (error) {
      outcome = [false, wireError(error)];
    }
    next = ask(jobs);
    try {
      await results.send(outcome);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      await results.send([false, wireError(new TypeError(`pool: the result of job ${describe(id)} cannot cross back to the pool's thread: ${why}`, { cause: error }))]);
    }
  }
}

/** Asks for the next job; a receive that fails before it is awaited (a payload that cannot cross) is not an unhandled rejection, which would end the thread. */
function ask(jobs: Channel<ThreadJob<unknown>>): Promise<RecvResult<ThreadJob<unknown>>> {
  const next = jobs.recv();
  next.catch(ignore);
  return next;
}

function ignore(): void {}
