// TypeScript against @gochan/pool's published declarations: this file only
// has to type-check. The pool is `AsyncDisposable`, so a project needs the
// types of `Symbol.asyncDispose`: lib ESNext.Disposable, or @types/node.
import type { Context } from '@gochan/context';
import { WorkerPool, type Job } from '@gochan/pool';

const pool = new WorkerPool<number, string>({
  workers: 2,
  handler: (job: Job<number>, jobCtx: Context) => `${job.id}:${job.payload}:${jobCtx.err() === undefined}`,
});
const result: string = await pool.run({ id: 'a', payload: 1 });
void result;
const report = await pool.shutdown({ timeout: 1_000 });
const timedOut: boolean = report.timedOut;
void timedOut;

// `await using` disposes the pool (shutdown) at the end of the block.
{
  await using scoped = new WorkerPool<string>({ workers: 1, handler: () => undefined });
  await scoped.submit({ id: 'b', payload: 'x' });
}
